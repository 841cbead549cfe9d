// Raw and gzip sizes of what a page downloads for each package entry (the
// wasm, and the JS modules the browser entry imports, each gzipped on its
// own as a server would send them). `make size` prints them; bench/run.mjs
// prints the totals.
import { gzipSync } from 'node:zlib';
import { buildSync } from 'esbuild';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'pkg');

/** The files of each browser entry: `{ wasm, js: [...] }`. */
export const ENTRIES = {
  full: { wasm: 'edgetoken_bg.wasm', js: ['browser.js', 'load.js', 'api.js', 'core.js', 'session.js', 'errors.js', 'errors-remote.js', 'classes.js', 'calls.js', 'request.js', 'edgetoken.js'] },
  verify: { wasm: 'edgetoken_verify_bg.wasm', js: ['verify-browser.js', 'load.js', 'verify-core.js', 'errors.js', 'classes.js', 'calls.js', 'request.js', 'edgetoken_verify.js'] },
};

const bytes = (f) => statSync(path.join(pkg, f)).size;
const gzip = (f) => gzipSync(readFileSync(path.join(pkg, f)), { level: 9 }).length;
const sum = (files, by) => files.reduce((a, f) => a + by(f), 0);

// The entry's JS as an app's bundler ships it: one module, minified.
function bundledGzip(entry) {
  const { outputFiles } = buildSync({ entryPoints: [path.join(pkg, entry)], bundle: true, minify: true, format: 'esm', write: false, logLevel: 'warning' });
  return gzipSync(outputFiles[0].contents, { level: 9 }).length;
}

/**
 * `{ wasm, wasmGzip, js, jsGzip, bundledJsGzip, totalGzip }` of one entry:
 * `jsGzip` sums its modules gzipped one by one (a page without a bundler),
 * `bundledJsGzip` is them bundled and minified; `totalGzip` is the wasm
 * plus the bundled JS.
 */
export function entrySize(name) {
  const { wasm, js } = ENTRIES[name];
  const out = { wasm: bytes(wasm), wasmGzip: gzip(wasm), js: sum(js, bytes), jsGzip: sum(js, gzip), bundledJsGzip: bundledGzip(js[0]) };
  return { ...out, totalGzip: out.wasmGzip + out.bundledJsGzip };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`${'file'.padEnd(26)} ${'bytes'.padStart(8)} ${'gzip'.padStart(8)}`);
  for (const [name, { wasm, js }] of Object.entries(ENTRIES)) {
    console.log(`-- ${name} entry`);
    for (const f of [wasm, ...js]) console.log(`${f.padEnd(26)} ${String(bytes(f)).padStart(8)} ${String(gzip(f)).padStart(8)}`);
    const s = entrySize(name);
    console.log(`${'JS bundled and minified'.padEnd(26)} ${''.padStart(8)} ${String(s.bundledJsGzip).padStart(8)}`);
    console.log(`${'total (wasm + bundled JS)'.padEnd(26)} ${''.padStart(8)} ${String(s.totalGzip).padStart(8)}`);
  }
}
