// The packed tarball (`make pack`), installed into fresh temporary projects
// the way users install it, in every runtime: a Vite production build in
// Chromium, a plain page with no bundler, Node ESM and CommonJS, a worker
// bundled as wrangler does and run in workerd, and a TypeScript consumer;
// each with the full entry (`edgetoken`) and the verify-only one
// (`edgetoken/verify`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Miniflare } from 'miniflare';
import { startServer } from '../../www/serve.mjs';
import { launch } from '../support/browser.mjs';
import { block, repo } from '../support/docs.mjs';
import { newKey, joseJwt, now } from '../support/tokens.mjs';

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
const both = () => ({ full: expected(), verify: expected() });

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
    'esm.mjs': `import * as lib from 'edgetoken'; import * as lean from 'edgetoken/verify'; import { check } from './check.mjs';
      const f = JSON.parse(process.argv[2]);
      console.log(JSON.stringify({ full: await check(lib, f), verify: await check(lean, f) }));`,
    'cjs.cjs': `const lib = require('edgetoken'); const lean = require('edgetoken/verify');
      const f = JSON.parse(process.argv[2]);
      import('./check.mjs').then(async ({ check }) => console.log(JSON.stringify({ full: await check(lib, f), verify: await check(lean, f) })));`,
  });
  for (const script of ['esm.mjs', 'cjs.cjs']) {
    const out = execFileSync('node', [script, JSON.stringify(fixture)], { cwd: dir, encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), both(), script);
  }
});

// Serves `root` on 127.0.0.1 and runs its index page (see runPage).
async function servePage(root, setup) {
  const server = await startServer({ mounts: [['/', root]] });
  try {
    return await runPage(server.url, setup);
  } finally {
    await server.close();
  }
}

// `setup(page)` runs before the page loads (routes, say).
async function runPage(url, setup) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await setup?.(page);
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
    'main.js': `import * as lib from 'edgetoken'; import * as lean from 'edgetoken/verify';
      import { check } from './check.mjs'; import fixture from './fixture.json';
      Promise.all([check(lib, fixture), check(lean, fixture)])
        .then(([full, verify]) => { window.result = { full, verify }; }, (e) => { window.result = { error: String(e) }; });`,
    'fixture.json': JSON.stringify(fixture),
  });
  execFileSync(bin('vite'), ['build', '--logLevel', 'warn'], { cwd: dir, stdio: 'pipe' });
  const dist = path.join(dir, 'dist');
  const assets = readdirSync(path.join(dist, 'assets'));
  assert.equal(assets.filter((f) => f.endsWith('.wasm')).length, 2, `both wasm files are emitted as assets: ${assets}`);
  assert.deepEqual(await servePage(dist), both());
});

// The README's Vite section as a newcomer follows it: the package installed
// (the tarball standing in for `npm i edgetoken`), its `.env` line run by
// bash, its src/auth.js as written; the built app starts a session in
// Chromium. Without the .env, the page fails as the README says it does.
test('the README\'s Vite section, as written: .env, src/auth.js, a production build that starts a session', async () => {
  const envLine = block('sh', "echo 'VITE_API_KEY_ID=").trim();
  const auth = block('js', '// src/auth.js');
  const files = {
    'index.html': '<!doctype html><script type="module" src="/main.js"></script>',
    'main.js': `import { session } from './src/auth.js';
      window.result = { tokens: session.tokens, dispose: typeof session.dispose };`,
    'src/auth.js': auth,
  };
  const withEnv = project('vite-readme', files);
  execFileSync('bash', ['-c', envLine], { cwd: withEnv });
  execFileSync(bin('vite'), ['build', '--logLevel', 'warn'], { cwd: withEnv, stdio: 'pipe' });
  const built = readdirSync(path.join(withEnv, 'dist', 'assets')).filter((f) => f.endsWith('.js'))
    .map((f) => readFileSync(path.join(withEnv, 'dist', 'assets', f), 'utf8')).join('');
  assert.ok(built.includes('your-api-key-id'), 'Vite put the .env value in place of import.meta.env.VITE_API_KEY_ID');
  assert.deepEqual(await servePage(path.join(withEnv, 'dist')), { tokens: null, dispose: 'function' });
  // and without the .env: the error the README describes, at load
  const without = project('vite-readme-no-env', files);
  execFileSync(bin('vite'), ['build', '--logLevel', 'warn'], { cwd: without, stdio: 'pipe' });
  const server = await startServer({ mounts: [['/', path.join(without, 'dist')]] });
  const page = await browser.newPage();
  try {
    const failed = new Promise((resolve) => { page.on('pageerror', (e) => resolve(String(e))); });
    await page.goto(server.url);
    assert.match(await failed, /cotter\(\): apiKeyId is required/);
  } finally {
    await page.close();
    await server.close();
  }
});

// A page importing both browser entries by path, with no bundler.
const plainPage = () => project('plain', {
  'index.html': `<!doctype html><script type="module">
    import * as lib from '/node_modules/edgetoken/browser.js';
    import * as lean from '/node_modules/edgetoken/verify-browser.js';
    import { check } from '/check.mjs';
    const fixture = await (await fetch('/fixture.json')).json();
    window.result = { full: await check(lib, fixture), verify: await check(lean, fixture) };
  </script>`,
  'fixture.json': JSON.stringify(fixture),
});

test('a plain page with <script type="module"> and no bundler', async () => {
  assert.deepEqual(await servePage(plainPage()), both());
});

test('the README\'s plain page: exactly the files it says to copy, side by side, make a working page', async () => {
  const readme = readFileSync(path.join(repo, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### A plain page, no bundler'), readme.indexOf('### Node (ESM and CommonJS)'));
  const listed = section.slice(section.indexOf('copy these side by side')).split('With an import map')[0];
  const files = [...listed.matchAll(/`([\w.-]+\.(?:js|wasm))`/g)].map((m) => m[1]);
  // they are what browser.js loads, no more and no less
  const installed = path.join(project('plain-copy'), 'node_modules', 'edgetoken');
  const closure = new Set();
  const todo = ['browser.js'];
  while (todo.length) {
    const f = todo.pop();
    if (closure.has(f)) continue;
    closure.add(f);
    const text = readFileSync(path.join(installed, f), 'utf8');
    for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s+['"]\.\/([^'"]+)['"]/g)) todo.push(m[1]);
    for (const m of text.matchAll(/new URL\(['"]\.\/([^'"]+)['"]/g)) closure.add(m[1]);
  }
  assert.deepEqual([...files].sort(), [...closure].sort());
  // copied alone into a folder, they serve a page that verifies
  const dir = path.join(work, 'plain-copied');
  mkdirSync(path.join(dir, 'lib'), { recursive: true });
  for (const f of files) cpSync(path.join(installed, f), path.join(dir, 'lib', f));
  cpSync(new URL('./fixtures/check.mjs', import.meta.url), path.join(dir, 'check.mjs'));
  writeFileSync(path.join(dir, 'fixture.json'), JSON.stringify(fixture));
  writeFileSync(path.join(dir, 'index.html'), `<!doctype html><script type="module">
    import * as lib from '/lib/browser.js';
    import { check } from '/check.mjs';
    const fixture = await (await fetch('/fixture.json')).json();
    window.result = { full: await check(lib, fixture) };
  </script>`);
  assert.deepEqual(await servePage(dir), { full: expected() });
});

test('a server that sends the wasm without application/wasm: compiled from its bytes instead', async () => {
  const served = [];
  const octetStream = (page) => page.route('**/*.wasm', async (route) => {
    const response = await route.fetch();
    served.push(new URL(route.request().url()).pathname);
    await route.fulfill({ response, headers: { ...response.headers(), 'content-type': 'application/octet-stream' } });
  });
  assert.deepEqual(await servePage(plainPage(), octetStream), both());
  // each module was fetched twice: the streaming compile refused it
  for (const wasm of ['edgetoken_bg.wasm', 'edgetoken_verify_bg.wasm']) {
    assert.equal(served.filter((p) => p.endsWith(`/${wasm}`)).length, 2, `${wasm}: ${served}`);
  }
});

// `src/${name}.js` of project `dir`, bundled the way wrangler does (esbuild
// with the workerd/worker/browser conditions, .wasm imports left as modules
// next to the bundle, which must import `wasm` and nothing else), in
// Miniflare with `options` (bindings, outboundService).
function bundledWorker(dir, name, wasm, options) {
  const out = path.join(dir, `dist-${name}`);
  execFileSync(bin('esbuild'), [`src/${name}.js`, '--bundle', '--format=esm', '--platform=neutral', '--main-fields=module,main',
    '--conditions=workerd,worker,browser', '--external:*.wasm', `--outfile=${path.join(out, 'index.js')}`, '--log-level=warning'], { cwd: dir, stdio: 'pipe' });
  cpSync(path.join(dir, 'node_modules', 'edgetoken', wasm), path.join(out, wasm));
  const bundle = readFileSync(path.join(out, 'index.js'), 'utf8');
  const imports = [...bundle.matchAll(/import \w+ from "\.\/([\w.]+\.wasm)"/g)].map((m) => m[1]);
  assert.deepEqual(imports, [wasm], 'the wasm arrives as a module import, and only that one');
  return new Miniflare({
    compatibilityDate: '2025-09-01',
    modules: true,
    modulesRoot: out,
    scriptPath: path.join(out, 'index.js'),
    modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'], fallthrough: true }],
    ...options,
  });
}

// A worker importing `specifier`, run in workerd; answers check()'s result.
async function runWorker(dir, name, specifier, wasm) {
  writeFileSync(path.join(dir, 'src', `${name}.js`), `import * as lib from '${specifier}'; import { check } from '../check.mjs';
    export default { async fetch(request, env) { return Response.json(await check(lib, JSON.parse(env.FIXTURE))); } };`);
  const mf = bundledWorker(dir, name, wasm, { bindings: { FIXTURE: JSON.stringify(fixture) } });
  try {
    return await (await mf.dispatchFetch('http://worker/')).json();
  } finally {
    await mf.dispose();
  }
}

test('workers bundled the way wrangler does (workerd conditions, .wasm as CompiledWasm), in workerd', async () => {
  const dir = project('worker', { 'src/.keep': '' });
  assert.deepEqual(await runWorker(dir, 'full', 'edgetoken', 'edgetoken_bg.wasm'), expected());
  assert.deepEqual(await runWorker(dir, 'verify', 'edgetoken/verify', 'edgetoken_verify_bg.wasm'), expected());
});

test('a TypeScript consumer compiles with tsc --noEmit --strict against the tarball', () => {
  const dir = project('types', {
    'usage.ts': readFileSync(new URL('../types/usage.ts', import.meta.url), 'utf8'),
    'tsconfig.json': readFileSync(new URL('../types/tsconfig.json', import.meta.url), 'utf8'),
  });
  execFileSync(bin('tsc'), ['-p', 'tsconfig.json', '--noEmit', '--strict'], { cwd: dir, stdio: 'pipe' });
});

test('the edgetoken command through npx: --help, decode, verify against a JWKS URL, token without a sign-in', async () => {
  const { startJwksServer } = await import('../support/jwks-server.mjs');
  const jwks = await startJwksServer();
  jwks.state.jwks = fixture.jwks;
  const dir = project('cli');
  // (asynchronously: the JWKS server answers from this process)
  const { execFile } = await import('node:child_process');
  const npx = (...args) => new Promise((resolve) => {
    execFile('npx', ['--no-install', 'edgetoken', ...args], { cwd: dir, encoding: 'utf8' }, (e, stdout, stderr) => {
      resolve({ status: e ? e.code : 0, stdout, stderr });
    });
  });
  try {
    const help = await npx('--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /edgetoken login/);
    assert.equal(JSON.parse((await npx('decode', fixture.good)).stdout).payload.sub, 'pkg-user');
    const verified = await npx('verify', fixture.good, '--jwks', jwks.url, '--audience', 'pkg-test');
    assert.equal(verified.status, 0, verified.stderr);
    assert.equal(JSON.parse(verified.stdout).sub, 'pkg-user');
    const expired = await npx('verify', fixture.expired, '--jwks', jwks.url);
    assert.equal(expired.status, 1);
    assert.match(expired.stderr, /ERR_JWT_EXPIRED/);
    const none = await npx('token', '--token-file', path.join(dir, 'none.json'), '--api-key', 'k', '--base-url', 'http://127.0.0.1:9');
    assert.equal(none.status, 3);
    assert.match(none.stderr, /ERR_NOT_SIGNED_IN/);
    assert.equal((await npx('frobnicate')).status, 2);
  } finally {
    await jwks.close();
  }
});

test('the README\'s worker, as written (src/index.js and its wrangler.toml vars), bundled as wrangler does, in workerd', async () => {
  const { startIssuer } = await import('../../www/issuer/server.mjs');
  const { signInInPage } = await import('../support/issuer-client.mjs');
  const code = block('js', '// src/index.js');
  const toml = block('toml', '# wrangler.toml');
  const vars = Object.fromEntries([...toml.split('[vars]')[1].matchAll(/^(\w+) = "([^"]*)"$/gm)].map((m) => [m[1], m[2]]));
  const iss = await startIssuer({ apiKeys: [vars.API_KEY_ID], issuer: vars.ISSUER });
  try {
    const dir = project('readme-worker', { 'src/index.js': code });
    const mf = bundledWorker(dir, 'index', 'edgetoken_bg.wasm', {
      bindings: vars,
      // the issuer's host, answered by the local issuer
      outboundService: (request) => fetch(request.url.replace(vars.ISSUER, iss.url), { method: request.method, headers: request.headers }),
    });
    try {
      const token = (await signInInPage(iss.url, { apiKey: vars.API_KEY_ID, identifier: 'worker@example.com' })).oauth_token.access_token;
      const ok = await mf.dispatchFetch('http://api/', { headers: { authorization: `Bearer ${token}` } });
      assert.equal(ok.status, 200);
      assert.ok((await ok.json()).sub);
      const none = await mf.dispatchFetch('http://api/');
      assert.equal(none.status, 401);
      assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="api"');
      assert.equal((await none.json()).error, 'ERR_BEARER_TOKEN_MISSING');
    } finally {
      await mf.dispose();
    }
  } finally {
    await iss.close();
  }
});
