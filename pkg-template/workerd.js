// workerd / Cloudflare Workers entry: the runtime compiles the .wasm when
// the worker is loaded (imported as a module); nothing is compiled from
// bytes at run time, which workers forbid.
// It is instantiated at first use (see `deferInit` in calls.js).
import { initSync } from './edgetoken.js';
import module from './edgetoken_bg.wasm';
import { deferInit } from './calls.js';

deferInit(initSync, module);

export * from './api.js';
export * from './session.js';
export * from './signin.js';
