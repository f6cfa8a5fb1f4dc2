#!/usr/bin/env node
'use strict';
// Benchmark dispatcher: `npm run bench -- <name> [args]` runs scripts/bench/<name>.bench.js;
// without a name, the default benchmark (`pipeline`). Benchmarks require dist/, so it is
// rebuilt first when any source under apps/ or libs/ is newer than it.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const benchDir = path.join(__dirname, 'bench');
const DEFAULT = 'pipeline';

function available() {
  return fs
    .readdirSync(benchDir)
    .filter((name) => name.endsWith('.bench.js'))
    .map((name) => name.slice(0, -'.bench.js'.length));
}

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function ensureBuilt() {
  const marker = path.join(root, 'dist', 'libs', 'clr', 'src', 'index.js');
  const built = fs.existsSync(marker) ? fs.statSync(marker).mtimeMs : 0;
  if (built >= Math.max(newestSource(path.join(root, 'apps')), newestSource(path.join(root, 'libs')))) return;
  const build = spawnSync(process.execPath, [path.join(__dirname, 'build.js')], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const names = available();
const [first, ...rest] = process.argv.slice(2);
const named = first !== undefined && names.includes(first);
const name = named ? first : DEFAULT;
if (!names.includes(name)) {
  process.stderr.write(
    first !== undefined && !first.startsWith('-')
      ? `unknown benchmark '${first}'; available: ${names.join(', ')}\n`
      : `no default '${DEFAULT}' benchmark yet; available: ${names.join(', ')} (npm run bench -- <name>)\n`,
  );
  process.exit(2);
}
ensureBuilt();
const args = named ? rest : process.argv.slice(2);
const run = spawnSync(process.execPath, [path.join(benchDir, `${name}.bench.js`), ...args], {
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
