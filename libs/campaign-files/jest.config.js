module.exports = {
  displayName: 'campaign-files',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
