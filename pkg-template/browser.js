// Browser entry: compile the wasm next to this file (while it downloads,
// where the server sends application/wasm); it is instantiated at first
// use (see `deferInit` in calls.js).
import { initSync } from './edgetoken.js';
import { compileWasm } from './load.js';
import { deferInit } from './calls.js';

deferInit(initSync, await compileWasm(new URL('./edgetoken_bg.wasm', import.meta.url)));

export * from './api.js';
export * from './session.js';
export * from './signin.js';
