// The arithmetic under a verification, alone in wasm (bench/arith/): ns
// per operation, medians of five runs, in this Node. Run by `make bench`.
import { readFileSync } from 'node:fs';

const wasm = process.argv[2];
const { instance } = await WebAssembly.instantiate(readFileSync(wasm));
const cases = [
  ['field multiplication', 'fiat-crypto p256_32', 'fiat_mul', 1_000_000],
  ['field squaring', 'fiat-crypto p256_32', 'fiat_square', 1_000_000],
  ['field multiplication', 'p256 0.13', 'p256_field_mul', 1_000_000],
  ['scalar inversion', 'p256 0.14 (vartime)', 'scalar_invert', 10_000],
  ['scalar inversion', 'p256 0.13 (vartime)', 'scalar_invert_013', 10_000],
];
for (const [, , name, n] of cases) instance.exports[name](n / 10, 1); // tier up
console.log('arithmetic in wasm (ns per operation, medians)');
for (const [what, by, name, n] of cases) {
  const runs = [];
  for (let r = 0; r < 5; r += 1) {
    const t0 = performance.now();
    instance.exports[name](n, r);
    runs.push(((performance.now() - t0) * 1e6) / n);
  }
  console.log(`${what.padEnd(22)} ${by.padEnd(22)} ${runs.sort((a, b) => a - b)[2].toFixed(1).padStart(9)}`);
}
