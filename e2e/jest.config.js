module.exports = {
  displayName: 'e2e',
  preset: '../jest.preset.js',
  rootDir: '.',
  testMatch: ['**/*.e2e.spec.ts'],
  // A real stack renders real video on the CPU: allow minutes, not seconds. The board spec's analysis and eight
  // renders took 190–250 s on the 2-core machine depending on the day, so 5 minutes was too close.
  testTimeout: 600000,
};
