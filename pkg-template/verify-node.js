// Verify-only Node entry: the verify-only wasm is read, compiled and
// instantiated synchronously at first use (see `deferInit` in calls.js).
import { readFileSync } from 'node:fs';
import { initSync } from './edgetoken_verify.js';
import { deferInit } from './calls.js';

deferInit(initSync, () => readFileSync(new URL('./edgetoken_verify_bg.wasm', import.meta.url)));

export * from './verify-core.js';
