// `npm run test:reliability`: load, crash and fuzzing, kept out of `npm test`
// (the default config ignores test/reliability/). One file at a time: each
// part loads the machine on its own.
const base = require('../../jest.config.js');

module.exports = {
  ...base,
  rootDir: '../..',
  roots: ['<rootDir>/test/reliability'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 240_000,
  maxWorkers: 1,
};
