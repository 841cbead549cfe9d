// Verify-only workerd / Cloudflare Workers entry: the runtime compiles the
// .wasm when the worker is loaded (imported as a module).
// It is instantiated at first use (see `deferInit` in calls.js).
import { initSync } from './edgetoken_verify.js';
import module from './edgetoken_verify_bg.wasm';
import { deferInit } from './calls.js';

deferInit(initSync, module);

export * from './verify-core.js';
