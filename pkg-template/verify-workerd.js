// Verify-only workerd / Cloudflare Workers entry: the runtime compiles the
// .wasm when the worker is loaded (imported as a module).
import { initSync } from './edgetoken_verify.js';
import module from './edgetoken_verify_bg.wasm';

initSync({ module });

export * from './verify-core.js';
