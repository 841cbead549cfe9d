// Browser entry: fetch and instantiate the wasm next to this file.
import init from './edgetoken.js';

await init({ module_or_path: new URL('./edgetoken_bg.wasm', import.meta.url) });

export * from './api.js';
export * from './session.js';
