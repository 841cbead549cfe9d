// Verify-only Node entry: the verify-only wasm is read, compiled and
// instantiated synchronously at first use (see `deferInit` in calls.js).
import { readFileSync } from 'node:fs';
import { initSync } from './edgetoken_verify.js';
import { deferInit } from './calls.js';

deferInit(initSync, () => readFileSync(new URL('./edgetoken_verify_bg.wasm', import.meta.url)));

export * from './verify-core.js';

// Bundled into verify-node.mjs with errors.js left out (shared with the
// full entry), esbuild keeps only this file's own re-export of it.
export * from './errors.js';
