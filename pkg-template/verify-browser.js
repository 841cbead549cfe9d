// Verify-only browser entry: compile the verify-only wasm next to this file
// (while it downloads, where the server sends application/wasm); it is
// instantiated at first use (see `deferInit` in calls.js).
import { initSync } from './edgetoken_verify.js';
import { compileWasm } from './load.js';
import { deferInit } from './calls.js';

deferInit(initSync, await compileWasm(new URL('./edgetoken_verify_bg.wasm', import.meta.url)));

export * from './verify-core.js';
