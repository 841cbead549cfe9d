// Verified claims crossing from the wasm to JS (bench/crossing/): as JSON
// text parsed by JS, which the package does, against a JS object made in
// the wasm by serde-wasm-bindgen; µs per call, medians of five runs, in
// this Node, for the claims of the benchmark's tokens. Run by `make bench`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { decodeJwt } from 'jose';
import { makeFixture } from './fixture.mjs';

// argv[2]: wasm-bindgen's --target web output for bench/crossing/
const out = path.resolve(process.argv[2]);
const glue = await import(pathToFileURL(path.join(out, 'edgetoken_bench_crossing.js')).href);
glue.initSync({ module: readFileSync(path.join(out, 'edgetoken_bench_crossing_bg.wasm')) });
const fixture = await makeFixture({ fresh: 1, warm: 0 });
const claims = new glue.Claims(JSON.stringify(decodeJwt(fixture.fresh[0])));
const cases = [
  ['JSON text, parsed in JS', () => JSON.parse(claims.text())],
  ['serde-wasm-bindgen object', () => claims.object()],
];
const n = 20_000;
for (const [, f] of cases) for (let i = 0; i < n; i += 1) f(); // tier up
const medians = cases.map(([what, f]) => {
  const runs = [];
  for (let r = 0; r < 5; r += 1) {
    const t0 = performance.now();
    for (let i = 0; i < n; i += 1) f();
    runs.push(((performance.now() - t0) * 1000) / n);
  }
  return [what, runs.sort((a, b) => a - b)[2]];
});
console.log('claims crossing from the wasm to JS (µs per call, medians)');
for (const [what, us] of medians) console.log(`${what.padEnd(28)} ${us.toFixed(2).padStart(8)}`);
console.log(`${'ratio (object / text)'.padEnd(28)} ${(medians[1][1] / medians[0][1]).toFixed(2).padStart(8)}`);
