module.exports = {
  displayName: 'compositor',
  preset: '../../jest.preset.js',
  rootDir: '.',
  // Integration specs render real footage with ffmpeg on two cores.
  testTimeout: 300_000,
};
