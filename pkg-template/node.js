// Node entry: instantiate the wasm synchronously from the package's file.
import { readFileSync } from 'node:fs';
import { initSync } from './edgetoken.js';

initSync({ module: readFileSync(new URL('./edgetoken_bg.wasm', import.meta.url)) });

export * from './api.js';
export * from './session.js';
