// make bench: edgetoken against jose and @tsndr/cloudflare-worker-jwt
// ("tsndr", where it applies) in one process per runtime (Node, headless
// Chromium, workerd), on the same keys and tokens. Prints medians (µs per
// awaited call) and the ratios edgetoken/jose and edgetoken/tsndr (below 1
// is faster), then cold start and sizes. The format is stable.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as lib from 'edgetoken';
import * as jose from 'jose';
import * as tsndr from '@tsndr/cloudflare-worker-jwt';
import { Miniflare } from 'miniflare';
import { makeFixture } from './fixture.mjs';
import { entrySize } from './size.mjs';
import { measure } from './core.mjs';
import { startServer } from '../www/serve.mjs';
import { launch } from '../tests/support/browser.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const fixture = await makeFixture();
const rows = [];
const fmt = (us) => (us >= 100 ? us.toFixed(0) : us >= 10 ? us.toFixed(1) : us.toFixed(2));
function add(runtime, results) {
  for (const [name, [ours, theirs, third]] of Object.entries(results)) rows.push([runtime, name, ours, theirs, third]);
}
const tsndrDir = path.join(repo, 'node_modules', '@tsndr', 'cloudflare-worker-jwt');

// Node
add('node', await measure(lib, jose, fixture, { tsndr }));

// Chromium: the same module in a page, edgetoken through its browser entry,
// jose bundled into one file as an app would ship it (tsndr is one file).
{
  const joseDir = mkdtempSync(path.join(tmpdir(), 'edgetoken-bench-jose-'));
  execFileSync(path.join(repo, 'node_modules', '.bin', 'esbuild'), [path.join(repo, 'node_modules', 'jose', 'dist', 'webapi', 'index.js'),
    '--bundle', '--format=esm', '--minify', `--outfile=${path.join(joseDir, 'index.js')}`, '--log-level=error']);
  const server = await startServer({ mounts: [['/pkg/', path.join(repo, 'pkg')], ['/bench/', path.join(repo, 'bench')],
    ['/jose/', joseDir], ['/tsndr/', tsndrDir], ['/', path.join(repo, 'www')]] });
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}playground.html`);
    const r = await page.evaluate(async (fx) => {
      const [l, j, t, c] = await Promise.all([import('/pkg/browser.js'), import('/jose/index.js'), import('/tsndr/index.js'),
        import('/bench/core.mjs')]);
      return c.measure(l, j, fx, { tsndr: t });
    }, fixture);
    add('chromium', r);
    // cold start: a page of a new browser imports the library and verifies
    // one token (a new browser each time: within one, V8 reuses modules it
    // compiled for an earlier page, which a first visit does not have)
    const coldPage = async (lib, url) => {
      const runs = [];
      for (let i = 0; i < 5; i += 1) {
        const fresh = await launch();
        try {
          const p = await fresh.newPage();
          await p.goto(`${server.url}playground.html`);
          runs.push(await p.evaluate(async ({ lib, url, fx }) => {
            const t0 = performance.now();
            const m = await import(url);
            if (lib === 'tsndr') await m.verify(fx.fresh[0], fx.jwks.keys[0], { algorithm: 'ES256', throwError: true });
            else await m.jwtVerify(fx.fresh[0], m.createLocalJWKSet(fx.jwks));
            return (performance.now() - t0) * 1000;
          }, { lib, url, fx: fixture }));
        } finally {
          await fresh.close();
        }
      }
      return runs.sort((a, b) => a - b)[2];
    };
    rows.push(['chromium', 'cold', await coldPage('edgetoken', '/pkg/browser.js'), await coldPage('jose', '/jose/index.js'),
      await coldPage('tsndr', '/tsndr/index.js')]);
  } finally {
    await browser.close();
    await server.close();
    rmSync(joseDir, { recursive: true, force: true });
  }
}

// Bundles `entry` in `dir` the way wrangler does (workerd conditions, .wasm
// left as a module), with edgetoken and jose resolved from this repository.
function bundleWorker(dir, entry, outfile) {
  execFileSync(path.join(repo, 'node_modules', '.bin', 'esbuild'), [entry, '--bundle', '--format=esm', '--platform=neutral',
    '--main-fields=module,main', '--conditions=workerd,worker,browser', '--external:*.wasm', `--outfile=${outfile}`,
    '--log-level=error', `--alias:edgetoken=${path.join(repo, 'pkg', 'workerd.js')}`,
    `--alias:jose=${path.join(repo, 'node_modules', 'jose', 'dist', 'webapi', 'index.js')}`,
    `--alias:@tsndr/cloudflare-worker-jwt=${path.join(tsndrDir, 'index.js')}`], { cwd: dir });
}

// workerd: one worker bundled with esbuild as wrangler would, both libraries inside.
{
  const dir = mkdtempSync(path.join(tmpdir(), 'edgetoken-bench-'));
  try {
    writeFileSync(path.join(dir, 'worker.mjs'), `import * as lib from 'edgetoken'; import * as jose from 'jose';
      import * as tsndr from '@tsndr/cloudflare-worker-jwt';
      import { measure } from ${JSON.stringify(path.join(repo, 'bench', 'core.mjs'))};
      export default { async fetch(request) { return Response.json(await measure(lib, jose, await request.json(), { tsndr })); } };`);
    bundleWorker(dir, 'worker.mjs', 'out/worker.js');
    writeFileSync(path.join(dir, 'out', 'edgetoken_bg.wasm'), readFileSync(path.join(repo, 'pkg', 'edgetoken_bg.wasm')));
    const mf = new Miniflare({ compatibilityDate: '2025-09-01', modules: true, modulesRoot: path.join(dir, 'out'),
      scriptPath: path.join(dir, 'out', 'worker.js'), modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }] });
    try {
      const res = await mf.dispatchFetch('http://bench/', { method: 'POST', body: JSON.stringify(fixture) });
      add('workerd', await res.json());
    } finally {
      await mf.dispose();
    }
    // cold start: the first request of a new isolate that imports the
    // library and verifies one token, minus the same for an empty worker
    // (workerd's clock stands still inside a request, so time it from here).
    // The workers take turns, nine rounds, so drift in this machine's speed
    // reaches them all alike; each figure is a median.
    const worker = (use) => `export default { async fetch(r) { const f = await r.json(); ${use} return new Response('ok'); } };`;
    const verifyWith = (name) => `import * as m from '${name}';
      ${worker('await m.jwtVerify(f.token, m.createLocalJWKSet(f.jwks));')}`;
    const sources = {
      empty: worker(''),
      edgetoken: verifyWith('edgetoken'),
      jose: verifyWith('jose'),
      tsndr: `import * as m from '@tsndr/cloudflare-worker-jwt';
        ${worker("await m.verify(f.token, f.jwks.keys[0], { algorithm: 'ES256', throwError: true });")}`,
    };
    const firstRequests = Object.fromEntries(Object.keys(sources).map((name) => [name, []]));
    for (const [name, source] of Object.entries(sources)) {
      writeFileSync(path.join(dir, `${name}.mjs`), source);
      bundleWorker(dir, `${name}.mjs`, `out/cold-${name}.js`);
    }
    const body = JSON.stringify({ jwks: fixture.jwks, token: fixture.fresh[0] });
    for (let round = 0; round < 9; round += 1) {
      for (const name of Object.keys(sources)) {
        const w = new Miniflare({ compatibilityDate: '2025-09-01', modules: true, modulesRoot: path.join(dir, 'out'),
          scriptPath: path.join(dir, 'out', `cold-${name}.js`), modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }] });
        try {
          await w.ready;
          const t0 = performance.now();
          await (await w.dispatchFetch('http://bench/', { method: 'POST', body })).text();
          firstRequests[name].push((performance.now() - t0) * 1000);
        } finally {
          await w.dispose();
        }
      }
    }
    const medianOf = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const overEmpty = (name) => Math.max(0, medianOf(firstRequests[name]) - medianOf(firstRequests.empty));
    rows.push(['workerd', 'cold', overEmpty('edgetoken'), overEmpty('jose'), overEmpty('tsndr')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Cold start in Node: a new process imports the library and verifies one
// token (cold), or the first 10, 50 or 100 distinct tokens of the same key
// (cold10, cold50, cold100: what a short-lived process or isolate does, tables
// and JIT tiers included). The libraries take turns, five rounds; medians.
const coldIn = (n) => {
  const args = JSON.stringify({ jwks: fixture.jwks, tokens: fixture.fresh.slice(0, n) });
  const verifyAll = (name, verify) => `const t0 = performance.now(); const m = await import('${name}');
    const f = ${args}; const keys = m.createLocalJWKSet ? m.createLocalJWKSet(f.jwks) : undefined;
    for (const token of f.tokens) await ${verify}; console.log(performance.now() - t0);`;
  const code = [
    verifyAll('edgetoken', 'm.jwtVerify(token, keys)'),
    verifyAll('jose', 'm.jwtVerify(token, keys)'),
    verifyAll('@tsndr/cloudflare-worker-jwt', "m.verify(token, f.jwks.keys[0], { algorithm: 'ES256', throwError: true })"),
  ];
  const runs = code.map(() => []);
  for (let round = 0; round < 5; round += 1) {
    code.forEach((c, i) => runs[i].push(Number(execFileSync('node', ['--input-type=module', '-e', c], { cwd: repo, encoding: 'utf8' }))));
  }
  return runs.map((r) => r.sort((a, b) => a - b)[2] * 1000);
};
for (const [name, n] of [['cold', 1], ['cold10', 10], ['cold50', 50], ['cold100', 100]]) rows.push(['node', name, ...coldIn(n)]);
// keep the rows of one runtime together
rows.sort((a, b) => ['node', 'chromium', 'workerd'].indexOf(a[0]) - ['node', 'chromium', 'workerd'].indexOf(b[0]));

console.log(`edgetoken bench  node ${process.version}  ${new Date().toISOString().slice(0, 10)}  (µs per call, medians)`);
console.log(`${'runtime'.padEnd(9)} ${'case'.padEnd(7)} ${'edgetoken'.padStart(10)} ${'jose'.padStart(10)} ${'ratio'.padStart(8)}`
  + ` ${'tsndr'.padStart(10)} ${'ratio'.padStart(8)}`);
// ours/theirs, n/a where theirs is not measured (or measures as nothing)
const ratio = (ours, theirs) => (theirs > 0 ? (ours / theirs).toFixed(3) : 'n/a');
for (const [runtime, name, ours, theirs, third] of rows) {
  console.log(`${runtime.padEnd(9)} ${name.padEnd(7)} ${fmt(ours).padStart(10)} ${fmt(theirs).padStart(10)} ${ratio(ours, theirs).padStart(8)}`
    + ` ${(third === undefined ? 'n/a' : fmt(third)).padStart(10)} ${ratio(ours, third).padStart(8)}`);
}
for (const name of ['full', 'verify']) {
  const s = entrySize(name);
  console.log(`size      ${name.padEnd(7)} wasm ${s.wasm} B (${s.wasmGzip} B gzip); JS glue ${s.js} B (${s.jsGzip} B gzip, ${s.bundledJsGzip} B bundled); total ${s.totalGzip} B gzip`);
}
