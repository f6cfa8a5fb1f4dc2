'use strict';
const { swcOptions } = require('./scripts/swc-options');

const aliases = {};
for (const [alias, [target]] of Object.entries(require('./tsconfig.json').compilerOptions.paths)) {
  aliases[`^${alias.replace('/', '\\/')}$`] = `<rootDir>/${target.replace(/^\.\//, '')}`;
}

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testRegex: '\\.(spec|int-spec|e2e-spec)\\.ts$',
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', { ...swcOptions(), swcrc: false }] },
  // jose 6 is ESM-only: let swc turn it into CommonJS for jest.
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleNameMapper: aliases,
  globalSetup: '<rootDir>/test/support/global-setup.js',
  testTimeout: 30000,
  // Suites run one at a time (one worker on two cores) in a child process, never in jest's own:
  // a child that holds more than this after a suite (stacks of api, worker and provider leave
  // their heaps behind) is replaced, so later suites do not run in a large, slow heap.
  workerIdleMemoryLimit: '800MB',
};
