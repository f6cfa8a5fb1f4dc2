#!/usr/bin/env node
'use strict';
// Runs jest and closes with one plain summary line ("N passed, N failed, N skipped") that CI
// reads. Arguments pass through to jest (e.g. `npm test -- libs/clr`).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const resultsFile = path.join(os.tmpdir(), `clr-publisher-jest-${process.pid}.json`);
const jestBin = require.resolve('jest/bin/jest');
const run = spawnSync(
  process.execPath,
  [jestBin, '--json', `--outputFile=${resultsFile}`, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);

let summary = 'tests: 0 passed, 1 failed (jest wrote no results)';
try {
  const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  const skipped = results.numPendingTests + results.numTodoTests;
  const failed = results.numFailedTests + (results.numRuntimeErrorTestSuites ?? 0);
  summary = `tests: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped`;
  fs.rmSync(resultsFile, { force: true });
} catch {
  // keep the failing summary above
}
process.stdout.write(`\n${summary}\n`);
process.exit(run.status ?? 1);
