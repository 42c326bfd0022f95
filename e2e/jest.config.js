module.exports = {
  displayName: 'e2e',
  preset: '../jest.preset.js',
  rootDir: '.',
  testMatch: ['**/*.e2e.spec.ts'],
  // A real stack renders real video: allow minutes, not seconds.
  testTimeout: 300000,
};
