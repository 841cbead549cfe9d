// Node entry: the wasm is read from the package's file, compiled and
// instantiated synchronously at first use (see `deferInit` in calls.js).
import { readFileSync } from 'node:fs';
import { initSync } from './edgetoken.js';
import { deferInit } from './calls.js';

deferInit(initSync, () => readFileSync(new URL('./edgetoken_bg.wasm', import.meta.url)));

export * from './api.js';
export * from './session.js';
