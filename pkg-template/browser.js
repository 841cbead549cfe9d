// Browser entry: compile the wasm next to this file (while it downloads,
// where the server sends application/wasm) and instantiate it.
import { initSync } from './edgetoken.js';
import { compileWasm } from './load.js';

initSync({ module: await compileWasm(new URL('./edgetoken_bg.wasm', import.meta.url)) });

export * from './api.js';
export * from './session.js';
