module.exports = {
  displayName: 'api',
  preset: '../../jest.preset.js',
  rootDir: '.',
  // Integration specs start Nest against the real Postgres and Redis of `npm test`.
  testTimeout: 60000,
};
