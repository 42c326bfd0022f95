module.exports = {
  displayName: 'render-worker',
  preset: '../../jest.preset.js',
  rootDir: '.',
  // Integration specs render real video with ffmpeg against real Postgres and Redis.
  testTimeout: 120000,
};
