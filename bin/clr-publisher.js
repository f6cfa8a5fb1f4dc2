#!/usr/bin/env node
'use strict';
const path = require('node:path');
const fs = require('node:fs');

const entry = path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('clr-publisher is not built yet: run `npm run build` (npm ci does it for you)\n');
  process.exit(2);
}
process.setSourceMapsEnabled(true);
require(entry);
