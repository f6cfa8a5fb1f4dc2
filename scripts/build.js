#!/usr/bin/env node
'use strict';
// Compiles apps/ and libs/ to dist/ with swc (type checking is `npm run typecheck`).
// Lib aliases are rewritten to relative paths, so dist/ runs with plain `node`.
const fs = require('node:fs');
const path = require('node:path');
const swc = require('@swc/core');
const { swcOptions, root } = require('./swc-options');

const sources = ['apps', 'libs'];
// `--out <dir>` builds elsewhere: a test that runs the CLI builds its own copy, so it never
// races another suite that runs dist/. The folder is deleted first, so only scratch folders
// under .data/ (inside the project, where node_modules and schemas/ are found) are allowed.
const outFlag = process.argv.indexOf('--out');
const out = outFlag > 0 ? path.resolve(process.argv[outFlag + 1] ?? '') : path.join(root, 'dist');
if (outFlag > 0 && !out.startsWith(path.join(root, '.data') + path.sep)) {
  process.stderr.write(`build failed: --out must be a folder under ${path.join(root, '.data')}\n`);
  process.exit(1);
}

function* walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (
      /\.ts$/.test(entry.name) &&
      !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry.name) &&
      !entry.name.endsWith('.d.ts')
    )
      yield full;
  }
}

async function main() {
  fs.rmSync(out, { recursive: true, force: true });
  const options = swcOptions();
  let count = 0;
  const jobs = [];
  for (const source of sources) {
    const dir = path.join(root, source);
    if (!fs.existsSync(dir)) continue;
    for (const file of walk(dir)) {
      const target = path.join(out, path.relative(root, file)).replace(/\.ts$/, '.js');
      jobs.push(
        swc.transformFile(file, { ...options, filename: file, outputPath: target }).then((result) => {
          fs.mkdirSync(path.dirname(target), { recursive: true });
          fs.writeFileSync(target, result.code + `\n//# sourceMappingURL=${path.basename(target)}.map\n`);
          if (result.map) fs.writeFileSync(`${target}.map`, result.map);
          count += 1;
        }),
      );
    }
  }
  await Promise.all(jobs);
  process.stdout.write(`built ${count} files into ${path.relative(root, out)}/\n`);
}

main().catch((error) => {
  process.stderr.write(`build failed: ${error.message}\n`);
  process.exit(1);
});
