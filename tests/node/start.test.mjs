// Instantiation at first use: importing edgetoken (either entry, ESM or
// CommonJS) creates no wasm instance, and whichever public function is
// used first instantiates it, once. Each case runs in a new Node process,
// with WebAssembly.Instance counted. And the Node entries load as one
// module each, over the error classes both share.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { newKey, joseJwt, now } from '../support/tokens.mjs';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const key = await newKey('s1');
const token = await joseJwt(key, { sub: 'u', exp: now() + 600 });
const jwks = { keys: [key.jwk] };

// Runs `body` after importing `entry` in a new process; `made` counts the
// wasm instances, and `before` is the count right after the import. The
// last line the body logs is the answer, as JSON.
function fresh(entry, body, { cjs = false } = {}) {
  const counting = `let made = 0; const Instance = WebAssembly.Instance;
    WebAssembly.Instance = class extends Instance { constructor(...a) { super(...a); made += 1; } };`;
  const load = cjs ? `const m = require('${entry}');` : `const m = await import('${entry}');`;
  const code = `${counting} ${load} const before = made; const token = ${JSON.stringify(token)};
    const jwks = ${JSON.stringify(jwks)}; (async () => { ${body} })();`;
  const args = cjs ? ['-e', code] : ['--input-type=module', '-e', code];
  const out = execFileSync(process.execPath, args, { cwd: repo, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1));
}

test('importing instantiates nothing; the first use instantiates once', () => {
  for (const entry of ['edgetoken', 'edgetoken/verify']) {
    for (const cjs of [false, true]) {
      const r = fresh(entry, `m.decodeJwt(token); const first = made;
        await m.jwtVerify(token, m.createLocalJWKSet(jwks));
        console.log(JSON.stringify([before, first, made]));`, { cjs });
      assert.deepEqual(r, [0, 1, 1], `${entry}${cjs ? ' (CommonJS)' : ''}`);
    }
  }
});

test('every function that can come first works as the first use', () => {
  const verified = `console.log(JSON.stringify([before, made, (await m.jwtVerify(token, set)).payload.sub]));`;
  const uses = {
    createLocalJWKSet: `const set = m.createLocalJWKSet(jwks); ${verified}`,
    decodeJwt: `const sub = m.decodeJwt(token).sub; console.log(JSON.stringify([before, made, sub]));`,
    decodeProtectedHeader: `const kid = m.decodeProtectedHeader(token).kid; console.log(JSON.stringify([before, made, kid]));`,
  };
  for (const entry of ['edgetoken', 'edgetoken/verify']) {
    for (const [name, body] of Object.entries(uses)) {
      assert.deepEqual(fresh(entry, body), [0, 1, name === 'decodeProtectedHeader' ? 's1' : 'u'], `${entry}: ${name}`);
    }
  }
  // the full entry's own: remote key sets, discovery and the presets (no
  // request is made: a remote set fetches on its first verification, and
  // discovery of a malformed issuer fails before any request)
  const remote = {
    createRemoteJWKSet: `const set = m.createRemoteJWKSet('http://127.0.0.1:1/jwks'); console.log(JSON.stringify([before, made, set.fresh]));`,
    cotter: `const c = m.cotter({ apiKeyId: 'k' }); console.log(JSON.stringify([before, made, c.audience]));`,
    discover: `const code = await m.discover('not a url').catch((e) => e.code); console.log(JSON.stringify([before, made, code]));`,
    oidc: `const code = await m.oidc({ issuer: 'not a url', clientId: 'c' }).catch((e) => e.code);
      console.log(JSON.stringify([before, made, code]));`,
  };
  const want = { createRemoteJWKSet: false, cotter: 'k', discover: 'ERR_DISCOVERY_FAILED', oidc: 'ERR_DISCOVERY_FAILED' };
  for (const [name, body] of Object.entries(remote)) {
    assert.deepEqual(fresh('edgetoken', body), [0, 1, want[name]], name);
  }
});

test('the Node ESM entries are one module each, importing only Node\'s own modules and the shared errors.js', () => {
  // (the full entry's CLI login needs a server, a browser to open and files)
  const expected = { 'node.mjs': ['./errors.js', 'node:child_process', 'node:fs', 'node:http', 'node:path'], 'verify-node.mjs': ['./errors.js', 'node:fs'] };
  for (const file of ['node.mjs', 'verify-node.mjs']) {
    const text = readFileSync(new URL(`../../pkg/${file}`, import.meta.url), 'utf8');
    const from = new Set([...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+(["'])([^"']+)\1;/gm)].map((m) => m[2]));
    assert.deepEqual([...from].sort(), expected[file], file);
    assert.ok(!text.includes('import('), `${file} imports nothing later`);
  }
  // what the package's exports map gives Node's import
  const pkg = JSON.parse(readFileSync(new URL('../../pkg/package.json', import.meta.url), 'utf8'));
  assert.equal(pkg.exports['.'].node.import.default, './node.mjs');
  assert.equal(pkg.exports['./verify'].node.import.default, './verify-node.mjs');
});
