module.exports = {
  displayName: 'qc',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testTimeout: 300_000,
};
