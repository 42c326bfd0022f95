module.exports = {
  displayName: 'dispatch',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
