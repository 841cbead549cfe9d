// Runs a worker in real workerd (miniflare 4) with the built edgetoken
// package as its modules: `import … from 'edgetoken'` resolves to the file
// the package's own `workerd` export condition names.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Miniflare } from 'miniflare';

const require = createRequire(import.meta.url);
const ROOT = '/worker';

function packageModules() {
  const pkgDir = path.dirname(require.resolve('edgetoken/package.json'));
  const pkgJson = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  const condition = pkgJson.exports?.['.']?.workerd;
  const entry = typeof condition === 'string' ? condition : condition?.default;
  if (typeof entry !== 'string') throw new Error('the edgetoken package has no workerd entry');
  const modules = pkgJson.files
    .filter((f) => f.endsWith('.js') || f.endsWith('.wasm'))
    .map((f) => ({
      type: f.endsWith('.wasm') ? 'CompiledWasm' : 'ESModule',
      path: path.join(ROOT, f),
      contents: readFileSync(path.join(pkgDir, f)),
    }));
  modules.push({ type: 'ESModule', path: path.join(ROOT, 'edgetoken'), contents: readFileSync(path.join(pkgDir, entry)) });
  return modules;
}

/**
 * Starts `workerFile` (a URL or path) in workerd with string `bindings`.
 * `options` go to Miniflare (for example `port`, `d1Databases`, `d1Persist`).
 */
export async function startWorker(workerFile, bindings, options = {}) {
  const mf = new Miniflare({
    compatibilityDate: '2025-09-01',
    modulesRoot: ROOT,
    modules: [
      { type: 'ESModule', path: path.join(ROOT, 'worker.mjs'), contents: readFileSync(workerFile) },
      ...packageModules(),
    ],
    bindings,
    ...options,
  });
  await mf.ready;
  return mf;
}
