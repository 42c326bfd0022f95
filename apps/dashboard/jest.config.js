// Specs here cover the dashboard's pure helpers only (no Angular TestBed), so plain Node is enough.
module.exports = {
  displayName: 'dashboard',
  preset: '../../jest.preset.js',
  rootDir: '.',
};
