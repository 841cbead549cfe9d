// Node entry: the wasm is read from the package's file, compiled and
// instantiated synchronously at first use (see `deferInit` in calls.js).
import { readFileSync } from 'node:fs';
import { initSync } from './edgetoken.js';
import { deferInit } from './calls.js';

deferInit(initSync, () => readFileSync(new URL('./edgetoken_bg.wasm', import.meta.url)));

export * from './api.js';
export * from './session.js';
export * from './signin.js';
export * from './login-node.js';

// Bundled into node.mjs with errors.js left out (shared with the verify-only
// entry), esbuild keeps only this file's own re-export of it; `errors` is
// the full entry's own, which covers every class.
export * from './errors.js';
export { errors } from './api.js';
