// Fetching and compiling the wasm in browsers. The browser entries then
// instantiate the compiled module with wasm-bindgen's initSync, so a
// bundle carries none of wasm-bindgen's own loader.

/**
 * The compiled module at `url`: compiled as it streams in, or, when that
 * fails (a server that does not send `application/wasm`), from its bytes.
 */
export async function compileWasm(url) {
  try {
    return await WebAssembly.compileStreaming(fetch(url));
  } catch {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`edgetoken: fetching ${url} failed with HTTP ${response.status}`);
    return WebAssembly.compile(await response.arrayBuffer());
  }
}
