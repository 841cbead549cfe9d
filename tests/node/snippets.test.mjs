// The JavaScript snippets of the README and docs/, run as they are written
// (not copies): each is written to a module of its own and imported, with
// the few names it leaves to the reader (`token`, `API_KEY_ID`, …) given,
// and https://www.cotter.app and https://id.example.com answered by local
// issuers on 127.0.0.1 (fetch is pointed there). Every snippet is listed
// below with how it runs; one that is not listed fails the test, so a new
// snippet cannot go untested by accident.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startIssuer } from '../../www/issuer/server.mjs';
import { signInInPage } from '../support/issuer-client.mjs';
import { blocks, repo } from '../support/docs.mjs';

const out = path.join(repo, 'target', 'snippets');
const API_KEY_ID = 'snippet-api-key';

// How each snippet runs, by the first line that names it: 'node' (an ES
// module), 'cjs' (CommonJS, then its check(token) is called), or why it
// runs elsewhere.
const HOW = {
  "import { createLocalJWKSet, createVerifier } from 'edgetoken/verify';": 'node',
  '// src/auth.js': 'node',
  '// ESM (a .mjs file, or "type": "module"): top-level await works': 'node',
  "const { jwtVerify, createRemoteJWKSet } = require('edgetoken');": 'cjs',
  '// src/index.js': 'elsewhere: a worker; tests/package/package.test.mjs bundles this very snippet and runs it in workerd',
  "import { discover, createRemoteJWKSet, jwtVerify } from 'edgetoken';": 'node',
  "import { createSession, cotter, oidc, isSignInCallback } from 'edgetoken';": 'elsewhere: a page; tests/browser/snippets.test.mjs runs this very snippet in Chromium',
  "import { loginWithEmailLink, getTokenFromFile, cotter } from 'edgetoken';": 'elsewhere: tests/browser/cli-login.test.mjs runs this very snippet in a Node process, Chromium playing the person',
  "import { createSession, cotter } from 'edgetoken';": 'node',
};

function snippets() {
  const files = ['README.md', ...['api.md', 'security.md', 'coming-from-jose.md', 'performance.md', 'local-issuer.md', 'development.md'].map((f) => `docs/${f}`)];
  return files.flatMap((file) => blocks(file, 'js').map((code) => ({ file, code, first: code.split('\n')[0] })));
}

const backendCalls = [];
let cotterIssuer;
let oidcIssuer;
const realFetch = globalThis.fetch;
before(async () => {
  [cotterIssuer, oidcIssuer] = await Promise.all([
    startIssuer({ apiKeys: [API_KEY_ID], issuer: 'https://www.cotter.app' }),
    startIssuer({ apiKeys: [API_KEY_ID], issuer: 'https://id.example.com' }),
  ]);
  const hosts = { 'https://www.cotter.app': cotterIssuer.url, 'https://id.example.com': oidcIssuer.url };
  globalThis.fetch = (input, init) => {
    const url = typeof input === 'string' || input instanceof URL ? String(input) : input.url;
    // the page's own backend (a relative URL): answered here, and recorded
    if (url.startsWith('/')) {
      backendCalls.push({ url, authorization: new Headers(init?.headers).get('authorization') });
      return Promise.resolve(Response.json({ ok: true }));
    }
    const origin = new URL(url).origin;
    if (!hosts[origin]) return realFetch(input, init);
    const local = url.replace(origin, hosts[origin]);
    return input instanceof Request ? realFetch(new Request(local, input), init) : realFetch(local, init);
  };
  mkdirSync(out, { recursive: true });
});
after(async () => {
  globalThis.fetch = realFetch;
  await Promise.all([cotterIssuer?.close(), oidcIssuer?.close()]);
});

test('every snippet of the README and docs/ is listed with how it runs', () => {
  const all = snippets();
  assert.ok(all.length >= 9);
  for (const s of all) assert.ok(HOW[s.first], `${s.file}: a snippet that runs nowhere: ${s.first}`);
});

test('the Node snippets run as written, against local issuers standing in for theirs', async () => {
  const payload = await signInInPage(cotterIssuer.url, { apiKey: API_KEY_ID, identifier: 'snippet@example.com' });
  const idPayload = await signInInPage(oidcIssuer.url, { apiKey: API_KEY_ID, identifier: 'snippet@example.com' });
  const jwks = await (await realFetch(`${cotterIssuer.url}/api/v0/token/jwks`)).json();
  let n = 0;
  for (const s of snippets()) {
    const how = HOW[s.first];
    if (how !== 'node' && how !== 'cjs') continue;
    n += 1;
    const discovers = s.code.includes('discover(');
    // what the snippet leaves to the reader, unless it defines it itself
    const given = {
      token: (discovers ? idPayload : payload).oauth_token.access_token,
      API_KEY_ID, CLIENT_ID: API_KEY_ID, ISSUER: 'https://www.cotter.app', JWKS: jwks,
      authPayload: await signInInPage(cotterIssuer.url, { apiKey: API_KEY_ID, identifier: 'snippet@example.com' }),
      showLogin: () => {},
    };
    backendCalls.length = 0;
    const names = Object.keys(given).filter((k) => !new RegExp(`\\b(?:const|let|function)\\s+\\{?[^=]*\\b${k}\\b`).test(s.code));
    globalThis.snippetGiven = given;
    const prelude = `const { ${names.join(', ')} } = globalThis.snippetGiven;\n`;
    // (Vite's import.meta.env, as a .env file would give it)
    const code = s.code.replaceAll('import.meta.env.VITE_API_KEY_ID', 'globalThis.snippetGiven.API_KEY_ID');
    if (how === 'node') {
      const file = path.join(out, `snippet-${n}.mjs`);
      const imports = code.split('\n').filter((l) => /^import /.test(l)).join('\n');
      const body = code.split('\n').filter((l) => !/^import /.test(l)).join('\n');
      writeFileSync(file, `${imports}\n${prelude}${body}\nglobalThis.snippetResult = typeof payload === 'undefined' ? 'ran' : payload;\n`);
      globalThis.snippetResult = undefined;
      await import(pathToFileURL(file).href);
      const result = globalThis.snippetResult;
      assert.ok(result === 'ran' || result.sub, `${s.first}: ${JSON.stringify(result)}`);
      if (result !== 'ran') assert.equal(result.identifier, 'snippet@example.com');
      // a snippet that calls its backend sends the session's access token
      if (s.code.includes("fetch('/")) assert.ok(backendCalls.length >= 1, `${s.first}: called its backend`);
      for (const call of backendCalls) assert.match(call.authorization ?? '', /^Bearer ey/, `${s.first}: ${call.url}`);
    } else {
      const file = path.join(out, `snippet-${n}.cjs`);
      writeFileSync(file, `${prelude}${code}\nmodule.exports = { check };\n`);
      const { check } = createRequire(import.meta.url)(file);
      assert.equal((await check(given.token)).identifier, 'snippet@example.com', s.first);
    }
  }
  assert.equal(n, 6, 'six snippets run here');
});

test('docs/api.md\'s error table has a row for every class of errors, with its code, and no row for a code that is not one', async () => {
  const { errors } = await import('edgetoken');
  const text = readFileSync(path.join(repo, 'docs', 'api.md'), 'utf8');
  const rows = new Map([...text.matchAll(/^\| `(ERR_\w+)` \| `(\w+)`/gm)].map((m) => [m[2], m[1]]));
  for (const [name, cls] of Object.entries(errors)) {
    if (name === 'JOSEError') continue; // the base class, described above the table
    assert.equal(rows.get(name), cls.code, `${name}: its row in docs/api.md`);
  }
  for (const name of rows.keys()) assert.ok(errors[name], `docs/api.md lists ${name}, which errors does not have`);
});
