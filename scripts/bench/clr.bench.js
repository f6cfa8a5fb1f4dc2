'use strict';
// libs/clr throughput on one realistic CLR (40 assertions), from the production build in dist/:
// validation (full, and without the JSON-LD stage), signClr, verifyClr (memory resolver),
// sign + verify, and node:crypto's raw RS256 rate over the very inputs signClr signs.
// Usage: npm run bench:clr [-- --seconds N]   (N seconds per measurement, default 4)
const { Buffer } = require('node:buffer');
const crypto = require('node:crypto');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { promisify } = require('node:util');
const { buildRealisticClr, CONTEXT, API } = require('./realistic-clr');

const clr = require(path.join(__dirname, '..', '..', 'dist', 'libs', 'clr', 'src'));
const signAsync = promisify(crypto.sign);

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isFinite(value) || value <= 0) {
    process.stderr.write(`--${name} needs a positive number\n`);
    process.exit(2);
  }
  return value;
}

/** Runs `fn` back to back for `seconds` (after a short warm-up); returns operations per second. */
async function measure(fn, seconds) {
  const warmUpEnd = performance.now() + Math.min(1000, seconds * 250);
  while (performance.now() < warmUpEnd) await fn();
  let count = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let now = start;
  while (now < end) {
    await fn();
    count += 1;
    now = performance.now();
  }
  return (count * 1000) / (now - start);
}

function kib(bytes) {
  return `${(bytes / 1024).toFixed(0)} KiB`;
}

function fixed(value, digits = 1) {
  return value >= 100 ? value.toFixed(0) : value.toFixed(digits);
}

async function main() {
  const seconds = option('seconds', 4);
  const started = performance.now();

  const unsigned = buildRealisticClr();
  const payload = { '@context': CONTEXT, clr: unsigned };
  const check = await clr.validateDocument('postClr', payload);
  if (!check.valid) {
    process.stderr.write(`the benchmark CLR is not valid:\n${JSON.stringify(check.findings, null, 2)}\n`);
    process.exit(1);
  }
  const key = await clr.generateSigningKey();
  const signer = await clr.createSigner({
    keyUrl: `${API}/keys/${key.kid}`,
    ownerId: unsigned.publisher.id,
    revocationListUrl: `${API}/revocations/${key.kid}`,
    privateKey: key.privateKeyPem,
  });
  const resolver = new clr.MemoryKeyResolver({
    keys: [
      clr.buildCryptographicKey({
        keyUrl: signer.keyUrl,
        ownerId: signer.ownerId,
        publicKeyPem: signer.publicKeyPem,
      }),
    ],
    revocationLists: [
      clr.buildRevocationList({ url: signer.revocationListUrl, issuerId: signer.ownerId, revokedIds: [] }),
    ],
  });
  const signed = await clr.signClr(unsigned, signer);
  const signedPayload = { '@context': CONTEXT, signedClr: signed.signedClr };
  const verified = await clr.verifyClr(signedPayload, { resolver });
  if (!verified.valid) {
    process.stderr.write(
      `the signed benchmark CLR does not verify:\n${JSON.stringify(verified.findings, null, 2)}\n`,
    );
    process.exit(1);
  }
  // The exact signing inputs (header.payload) signClr signs: 40 assertions, then the Clr.
  const jwsList = [...signed.clr.signedAssertions, signed.signedClr];
  const inputs = jwsList.map((jws) => Buffer.from(jws.slice(0, jws.lastIndexOf('.'))));
  const signatures = inputs.length;
  const signedBytes = inputs.reduce((sum, input) => sum + input.length, 0);
  const noJsonLd = (kind, value) => clr.validateDocument(kind, value, { jsonLd: false });

  const rows = [];
  const run = async (label, fn, perOp = 1) => {
    const rate = await measure(fn, seconds);
    rows.push({ label, rate, perOp });
    process.stderr.write(`  ${label}: ${fixed(rate)}/s\n`);
    return rate;
  };
  process.stderr.write(`measuring, ${seconds} s each ...\n`);
  const validateFull = await run('validateDocument (postClr), full', () =>
    clr.validateDocument('postClr', payload),
  );
  const validateFast = await run('validateDocument (postClr), no JSON-LD', () =>
    clr.validateDocument('postClr', payload, { jsonLd: false }),
  );
  const sign = await run(
    `signClr (${signatures} RS256 signatures)`,
    () => clr.signClr(unsigned, signer),
    signatures,
  );
  const verify = await run(
    `verifyClr (${signatures} JWS, memory resolver)`,
    () => clr.verifyClr(signedPayload, { resolver }),
    signatures,
  );
  const verifyFast = await run(
    'verifyClr, validator without JSON-LD',
    () => clr.verifyClr(signedPayload, { resolver, validate: noJsonLd }),
    signatures,
  );
  const signVerify = await run('signClr + verifyClr', async () => {
    const result = await clr.signClr(unsigned, signer);
    await clr.verifyClr({ '@context': CONTEXT, signedClr: result.signedClr }, { resolver });
  });
  const rawSync = await run(
    `raw RS256 crypto.sign, sync (same ${signatures} inputs)`,
    () => {
      for (const input of inputs) crypto.sign('sha256', input, signer.privateKey);
    },
    signatures,
  );
  const rawAsync = await run(
    `raw RS256 crypto.sign, libuv pool (same ${signatures} inputs)`,
    () => Promise.all(inputs.map((input) => signAsync('sha256', input, signer.privateKey))),
    signatures,
  );

  const ratio = {
    [rows[0].label]: '1.00 (baseline)',
    [rows[1].label]: `${(validateFast / validateFull).toFixed(2)} x full validation`,
    [rows[2].label]: `${(sign / rawAsync).toFixed(2)} x raw pool, ${(sign / rawSync).toFixed(2)} x raw sync`,
    [rows[3].label]:
      `${(verify / validateFull).toFixed(2)} x full validation, ${(verify / sign).toFixed(2)} x signClr`,
    [rows[4].label]: `${(verifyFast / verify).toFixed(2)} x verifyClr`,
    [rows[5].label]: `${(signVerify / sign).toFixed(2)} x signClr`,
    [rows[6].label]: '',
    [rows[7].label]: `${(rawAsync / rawSync).toFixed(2)} x raw sync`,
  };

  const cpus = os.cpus();
  const lines = [
    '',
    `libs/clr benchmark (dist/), ${new Date().toISOString()}`,
    `CLR: ${unsigned.assertions.length} assertions (24 courses, 15 CASE-aligned competencies, 1 diploma), ` +
      `${kib(JSON.stringify(payload).length)} as a postClr payload, ${kib(JSON.stringify(signedPayload).length)} signed ` +
      `(${signatures} JWS, ${kib(signedBytes)} signed in all)`,
    `node ${process.version}, ${cpus.length} x ${cpus[0]?.model.trim() ?? 'cpu'}, ` +
      `UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}, ${seconds} s per row`,
    '',
  ];
  const header = ['operation', 'CLR/s', 'ms/CLR', 'sig/s', 'ratio'];
  const table = rows.map(({ label, rate, perOp }) => [
    label,
    fixed(rate),
    fixed(1000 / rate, 2),
    perOp > 1 ? fixed(rate * perOp, 0) : '',
    ratio[label],
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const format = (row) =>
    row
      .map((cell, i) => (i === 0 || i === 4 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  lines.push(format(header), widths.map((w) => '-'.repeat(w)).join('  '), ...table.map(format));
  lines.push('', `total ${((performance.now() - started) / 1000).toFixed(1)} s`, '');
  process.stdout.write(lines.join('\n'));
}

main().catch((error) => {
  process.stderr.write(`bench:clr failed: ${error.stack ?? error}\n`);
  process.exit(1);
});
