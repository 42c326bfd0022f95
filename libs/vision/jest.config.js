module.exports = {
  displayName: 'vision',
  preset: '../../jest.preset.js',
  rootDir: '.',
  // IS-Net on two CPU cores takes seconds a frame.
  testTimeout: 300_000,
};
