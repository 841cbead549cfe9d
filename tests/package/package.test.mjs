// The packed tarball (`make pack`), installed into fresh temporary projects
// the way users install it, in every runtime: a Vite production build in
// Chromium, a plain page with no bundler, Node ESM and CommonJS, a worker
// bundled as wrangler does and run in workerd, and a TypeScript consumer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { startServer } from '../../www/serve.mjs';
import { launch } from '../support/browser.mjs';
import { newKey, joseJwt, now } from '../support/tokens.mjs';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const bin = (name) => path.join(repo, 'node_modules', '.bin', name);
const tarball = path.join(repo, 'dist', readdirSync(path.join(repo, 'dist')).find((f) => f.endsWith('.tgz')));
const work = mkdtempSync(path.join(tmpdir(), 'edgetoken-pkg-'));
let fixture;
let browser;

// A fresh project with only the tarball installed.
function project(name, files = {}) {
  const dir = path.join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, private: true, version: '1.0.0' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', tarball], { cwd: dir, stdio: 'pipe' });
  cpSync(new URL('./fixtures/check.mjs', import.meta.url), path.join(dir, 'check.mjs'));
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  }
  return dir;
}

const expected = () => ({ sub: 'pkg-user', code: 'ERR_JWT_EXPIRED', isError: true });

before(async () => {
  const key = await newKey('pkg-1');
  fixture = {
    jwks: { keys: [key.jwk] },
    good: await joseJwt(key, { sub: 'pkg-user', aud: 'pkg-test', exp: now() + 3600 }),
    expired: await joseJwt(key, { sub: 'pkg-user', exp: now() - 10 }),
  };
  browser = await launch();
});
after(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

test('the tarball ships only what it lists, with no runtime dependencies', () => {
  const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').map((f) => f.replace(/^package\//, '')).sort();
  const pkg = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
  assert.deepEqual(listing, [...pkg.files, 'package.json'].sort());
  assert.equal(pkg.dependencies, undefined);
  assert.ok(Array.isArray(pkg.sideEffects));
});

test('Node ESM and CommonJS', () => {
  const dir = project('node', {
    'esm.mjs': `import * as lib from 'edgetoken'; import { check } from './check.mjs';
      console.log(JSON.stringify(await check(lib, JSON.parse(process.argv[2]))));`,
    'cjs.cjs': `const lib = require('edgetoken');
      import('./check.mjs').then(({ check }) => check(lib, JSON.parse(process.argv[2]))).then((r) => console.log(JSON.stringify(r)));`,
  });
  for (const script of ['esm.mjs', 'cjs.cjs']) {
    const out = execFileSync('node', [script, JSON.stringify(fixture)], { cwd: dir, encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), expected(), script);
  }
});

// Serves `root` on 127.0.0.1 and runs its index page (see runPage).
async function servePage(root) {
  const server = await startServer({ mounts: [['/', root]] });
  try {
    return await runPage(server.url);
  } finally {
    await server.close();
  }
}

async function runPage(url) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.result !== undefined, null, { timeout: 20_000 });
    assert.deepEqual(errors, []);
    return await page.evaluate(() => window.result);
  } finally {
    await page.close();
  }
}

test('a Vite app built for production, in Chromium', async () => {
  const dir = project('vite', {
    'index.html': '<!doctype html><script type="module" src="/main.js"></script>',
    'main.js': `import * as lib from 'edgetoken'; import { check } from './check.mjs'; import fixture from './fixture.json';
      check(lib, fixture).then((r) => { window.result = r; }, (e) => { window.result = { error: String(e) }; });`,
    'fixture.json': JSON.stringify(fixture),
  });
  execFileSync(bin('vite'), ['build', '--logLevel', 'warn'], { cwd: dir, stdio: 'pipe' });
  const dist = path.join(dir, 'dist');
  const assets = readdirSync(path.join(dist, 'assets'));
  assert.ok(assets.some((f) => f.endsWith('.wasm')), `the wasm is emitted as an asset: ${assets}`);
  assert.deepEqual(await servePage(dist), expected());
});

test('a plain page with <script type="module"> and no bundler', async () => {
  const dir = project('plain', {
    'index.html': `<!doctype html><script type="module">
      import * as lib from '/node_modules/edgetoken/browser.js';
      import { check } from '/check.mjs';
      const fixture = await (await fetch('/fixture.json')).json();
      window.result = await check(lib, fixture);
    </script>`,
    'fixture.json': JSON.stringify(fixture),
  });
  assert.deepEqual(await servePage(dir), expected());
});

test('a worker bundled the way wrangler does (workerd conditions, .wasm as CompiledWasm), in workerd', async () => {
  const dir = project('worker', {
    'src/index.js': `import * as lib from 'edgetoken'; import { check } from '../check.mjs';
      export default { async fetch(request, env) { return Response.json(await check(lib, JSON.parse(env.FIXTURE))); } };`,
  });
  const out = path.join(dir, 'dist');
  // wrangler's bundling: esbuild with the workerd/worker/browser conditions,
  // .wasm imports left as modules next to the bundle.
  execFileSync(bin('esbuild'), ['src/index.js', '--bundle', '--format=esm', '--platform=neutral', '--main-fields=module,main',
    '--conditions=workerd,worker,browser', '--external:*.wasm', `--outfile=${path.join(out, 'index.js')}`, '--log-level=warning'], { cwd: dir, stdio: 'pipe' });
  cpSync(path.join(dir, 'node_modules', 'edgetoken', 'edgetoken_bg.wasm'), path.join(out, 'edgetoken_bg.wasm'));
  const bundle = readFileSync(path.join(out, 'index.js'), 'utf8');
  assert.match(bundle, /import \w+ from "\.\/edgetoken_bg\.wasm"/, 'the wasm arrives as a module import');
  const mf = new Miniflare({
    compatibilityDate: '2025-09-01',
    modules: true,
    modulesRoot: out,
    scriptPath: path.join(out, 'index.js'),
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'], fallthrough: true }],
    bindings: { FIXTURE: JSON.stringify(fixture) },
  });
  try {
    const res = await mf.dispatchFetch('http://worker/');
    assert.deepEqual(await res.json(), expected());
  } finally {
    await mf.dispose();
  }
});

test('a TypeScript consumer compiles with tsc --noEmit --strict against the tarball', () => {
  const dir = project('types', {
    'usage.ts': readFileSync(new URL('../types/usage.ts', import.meta.url), 'utf8'),
    'tsconfig.json': readFileSync(new URL('../types/tsconfig.json', import.meta.url), 'utf8'),
  });
  execFileSync(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit', '--strict'], { cwd: dir, stdio: 'pipe' });
});
