module.exports = {
  displayName: 'media',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
