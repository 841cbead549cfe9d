// Verify-only browser entry: fetch and instantiate the verify-only wasm
// next to this file.
import init from './edgetoken_verify.js';

await init({ module_or_path: new URL('./edgetoken_verify_bg.wasm', import.meta.url) });

export * from './verify-core.js';
