// Verify-only Node entry: instantiate the verify-only wasm synchronously.
import { readFileSync } from 'node:fs';
import { initSync } from './edgetoken_verify.js';

initSync({ module: readFileSync(new URL('./edgetoken_verify_bg.wasm', import.meta.url)) });

export * from './verify-core.js';
