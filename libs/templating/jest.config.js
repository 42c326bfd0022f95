module.exports = {
  displayName: 'templating',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
