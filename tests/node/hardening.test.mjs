// The holes hostile testing and jose's own test suite found (issue 15), each
// closed and kept closed: empty allow-lists, re-entry through the clock,
// redirects, `typ`, duplicate `key_ops`, option ranges, remote key sets that
// recover from outages, errors with their cause, dispose(), jwks() and
// reloading, and CommonJS sharing the error classes. Real servers on
// 127.0.0.1 only.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createRequire } from 'node:module';
import { instances } from '../support/entry.mjs';
import {
  createLocalJWKSet, createRemoteJWKSet, createVerifier, jwtVerify, compactVerify, decodeJwt, discover, cotter,
  createSession, unauthorized, errors,
} from 'edgetoken';
import { newKey, joseJwt, now } from '../support/tokens.mjs';
import { startJwksServer } from '../support/jwks-server.mjs';
import { codeOf } from '../support/codes.mjs';
import { startIssuer } from '../../www/issuer/server.mjs';
import { signInInPage } from '../support/issuer-client.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const srv = await startJwksServer();
after(() => srv.close());

const k1 = await newKey('k1');
const k2 = await newKey('k2');
const ISS = 'https://issuer.test';
const claims = (extra = {}) => ({ sub: 'u1', iss: ISS, aud: 'api', exp: now() + 600, ...extra });

const code = codeOf(errors.JOSEError);

function remote(jwks = { keys: [k1.jwk] }, options = {}, cacheControl = undefined) {
  srv.serve(jwks, cacheControl);
  return createRemoteJWKSet(srv.url, options);
}

// Until `check()` is true, at most `ms`.
async function until(check, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(50);
  }
  return false;
}

test('1. an empty allow-list (or empty string) is an options error, never a check turned off', async () => {
  const local = createLocalJWKSet({ keys: [k1.jwk] });
  const bare = await joseJwt(k1, { sub: 'u1', exp: now() + 600 }); // no iss, no aud
  const JWKS = remote();
  for (const opts of [{ issuer: [] }, { audience: [] }, { issuer: '' }, { audience: '' }, { audience: ['api', ''] },
    { issuer: [], audience: [] }, { typ: '' }]) {
    const name = JSON.stringify(opts);
    assert.equal(await code(jwtVerify(bare, local, opts)), 'ERR_OPTIONS_INVALID', name);
    assert.equal(await code(() => createVerifier(local, opts)), 'ERR_OPTIONS_INVALID', name);
    assert.equal(await code(jwtVerify(bare, JWKS, opts)), 'ERR_OPTIONS_INVALID', `remote ${name}`);
  }
  assert.equal(srv.count(), 0, 'options are refused before anything is fetched');
  // non-empty lists keep working
  const t = await joseJwt(k1, claims());
  assert.equal((await jwtVerify(t, local, { issuer: [ISS], audience: ['x', 'api'] })).payload.sub, 'u1');
});

// Runs `fn` with Date.now replaced by one that, on its first call, runs
// `nested` (which verifies other tokens).
async function withClock(nested, fn, wrap = (t) => t) {
  const real = Date.now;
  let ran = false;
  Date.now = () => {
    if (!ran) {
      ran = true;
      nested();
    }
    return wrap(real.call(Date));
  };
  try {
    return await fn();
  } finally {
    Date.now = real;
  }
}

test('2. re-entry: a Date.now, its answer\'s valueOf and an options getter that verify other tokens mix nothing up', async () => {
  const local = createLocalJWKSet({ keys: [k1.jwk] });
  const mine = await joseJwt(k1, claims({ sub: 'mine' }));
  const other = await joseJwt(k1, claims({ sub: 'other' }));
  const stranger = await newKey('k1');
  const forged = await joseJwt(stranger, claims({ sub: 'forged' }));
  const JWKS = remote();
  // the remote repeat path answers tokens it verified before
  for (const t of [mine, other]) await jwtVerify(t, JWKS);
  const verifier = createVerifier(local);
  const sets = [['local', local], ['remote', JWKS]];
  for (const [name, set] of sets) {
    for (const [how, wrap] of [['Date.now', (t) => t], ['valueOf', (t) => ({ valueOf: () => t })]]) {
      let nested;
      const outer = await withClock(() => { nested = jwtVerify(other, set); }, () => jwtVerify(mine, set), wrap);
      assert.equal(outer.payload.sub, 'mine', `${name} ${how}: the call's own token`);
      assert.equal((await nested).payload.sub, 'other', `${name} ${how}: the nested call's own token`);
      const forgedCode = await withClock(() => { nested = jwtVerify(other, set); }, () => code(jwtVerify(forged, set)), wrap);
      assert.equal(forgedCode, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED', `${name} ${how}: a forged token stays forged`);
      assert.equal((await nested).payload.sub, 'other');
    }
  }
  let nested;
  const v = await withClock(() => { nested = verifier.verify(other); }, () => verifier.verify(mine));
  assert.equal(v.payload.sub, 'mine', 'createVerifier().verify');
  assert.equal((await nested).payload.sub, 'other');
  // compactVerify and decoding take the token as a string, never the buffer
  const c = await withClock(() => { nested = jwtVerify(other, local); }, () => compactVerify(mine, local));
  assert.equal(JSON.parse(new TextDecoder().decode(c.payload)).sub, 'mine');
  assert.equal((await nested).payload.sub, 'other');
  assert.equal(await withClock(() => { nested = jwtVerify(other, local); }, () => decodeJwt(mine).sub), 'mine');
  // an options getter is read before the token enters the buffer
  for (const [, set] of sets) {
    let inner;
    const opts = { get issuer() { inner ??= jwtVerify(other, set); return ISS; } };
    assert.equal((await jwtVerify(mine, set, opts)).payload.sub, 'mine');
    assert.equal((await inner).payload.sub, 'other');
    inner = undefined;
    assert.equal(await code(jwtVerify(forged, set, opts)), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    assert.equal((await inner).payload.sub, 'other');
  }
  // a token is a string or bytes: an object's toString is never called
  let called = false;
  const impostor = { toString() { called = true; jwtVerify(other, local); return mine; } };
  assert.equal(await code(jwtVerify(impostor, local)), 'ERR_JWS_INVALID');
  assert.equal(await code(jwtVerify(impostor, JWKS)), 'ERR_JWS_INVALID');
  assert.equal(called, false);
  // a URL object's toString runs when the set is made, before any token
  let inner;
  const url = { toString: () => { inner = jwtVerify(other, local); return srv.url; } };
  const viaUrl = createRemoteJWKSet(url);
  assert.equal((await jwtVerify(mine, viaUrl)).payload.sub, 'mine');
  assert.equal((await inner).payload.sub, 'other');
});

// A server that redirects every request to `to(path)`, and one that
// records what reaches it.
async function startServer(handler) {
  const server = http.createServer(handler);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return { port, close: () => { server.closeAllConnections(); return new Promise((r) => server.close(r)); } };
}

test('3. a redirect to another origin fails before anything is sent there, on every request the package makes', async () => {
  const seen = [];
  const sink = await startServer((req, res) => { seen.push({ path: req.url, headers: req.headers }); res.end('{}'); });
  let hops = 0;
  const hostile = await startServer((req, res) => {
    hops += 1;
    // another origin: localhost, not 127.0.0.1
    res.writeHead(req.url.startsWith('/loop') ? 302 : 307, {
      location: req.url.startsWith('/loop') ? `/loop${hops}` : `http://localhost:${sink.port}${req.url}`,
    });
    res.end();
  });
  const iss = await startIssuer({ apiKeys: ['dev-api-key'] });
  try {
    const base = `http://127.0.0.1:${hostile.port}`;
    const JWKS = createRemoteJWKSet(`${base}/jwks`, { headers: { 'x-api-key': 'secret' } });
    const e = await jwtVerify(await joseJwt(k1, claims()), JWKS).catch((x) => x);
    assert.equal(e.code, 'ERR_JWKS_CROSS_ORIGIN_REDIRECT');
    assert.ok(e instanceof errors.JWKSCrossOriginRedirect);
    const d = await discover(base, { headers: { 'x-api-key': 'secret' } }).catch((x) => x);
    assert.equal(d.code, 'ERR_DISCOVERY_FAILED');
    assert.equal(d.reason, 'redirect');
    // the token endpoint and revocation: a session whose provider's endpoint redirects away
    const payload = await signInInPage(iss.url, { apiKey: 'dev-api-key', identifier: 'redirect@example.com' });
    const provider = { ...cotter({ apiKeyId: 'dev-api-key', baseUrl: iss.url }), tokenEndpoint: `${base}/token` };
    const s = createSession({ provider, retry: { retries: 0 } });
    await s.setTokens(payload);
    const r = await s.refresh().catch((x) => x);
    assert.ok(r instanceof errors.JOSEError, `${r}`);
    assert.equal(s.tokens.refresh_token, payload.oauth_token.refresh_token, 'the refresh token is kept');
    await s.logout();
    assert.deepEqual(seen, [], 'nothing reached the other origin');
    // same-origin redirects are followed, a bounded number of times
    hops = 0;
    assert.equal(await code(jwtVerify(await joseJwt(k1, claims()), createRemoteJWKSet(`${base}/loop`))), 'ERR_JWKS_FETCH_FAILED');
    assert.ok(hops >= 2 && hops <= 6, `${hops} requests`);
    const JWKS2 = remote({ keys: [k1.jwk] }, { headers: { 'x-api-key': 'mine' } });
    srv.state.mode = 'redirect-same';
    assert.equal((await jwtVerify(await joseJwt(k1, claims()), JWKS2)).payload.sub, 'u1');
    assert.equal(srv.count('/moved'), 1);
  } finally {
    await Promise.all([sink.close(), hostile.close(), iss.close()]);
  }
});

test('4. typ: application/ is implied only for a value without a slash (RFC 7515 §4.1.9)', async () => {
  const local = createLocalJWKSet({ keys: [k1.jwk] });
  const typed = (typ) => joseJwt(k1, claims(), { typ });
  assert.equal(await code(jwtVerify(await typed('text/plain'), local, { typ: 'application/text/plain' })),
    'ERR_JWT_CLAIM_VALIDATION_FAILED');
  assert.equal(await code(jwtVerify(await typed('application/text/plain'), local, { typ: 'text/plain' })),
    'ERR_JWT_CLAIM_VALIDATION_FAILED');
  assert.equal(await code(jwtVerify(await typed('at+jwt'), local, { typ: 'application/at+JWT' })), 'accepted');
  assert.equal(await code(jwtVerify(await typed('Text/Plain'), local, { typ: 'text/plain' })), 'accepted');
});

test('5. a JWK whose key_ops repeats a value (RFC 7517 §4.3) is not used', async () => {
  const dup = { ...k2.jwk, key_ops: ['verify', 'verify'] };
  const set = createLocalJWKSet({ keys: [k1.jwk, dup] });
  assert.equal(set.size, 1);
  assert.deepEqual(set.skipped().map((s) => s.kid), ['k2']);
  assert.equal(await code(jwtVerify(await joseJwt(k2, claims()), set)), 'ERR_JWKS_NO_MATCHING_KEY');
  assert.equal(await code(() => createLocalJWKSet({ keys: [dup] })), 'ERR_JWKS_INVALID');
});

test('6. every option value outside its type or range is OptionsInvalid', async () => {
  const local = createLocalJWKSet({ keys: [k1.jwk] });
  const t = await joseJwt(k1, claims());
  const proxied = new Proxy(new Date(), {});
  assert.equal(await code(jwtVerify(t, local, { currentDate: proxied })), 'ERR_OPTIONS_INVALID');
  assert.equal(await code(jwtVerify(t, local, { currentDate: Object.create(Date.prototype) })), 'ERR_OPTIONS_INVALID');
  // a Date subclass cannot lie about its time
  class Liar extends Date { getTime() { return 0; } }
  assert.equal(await code(jwtVerify(t, local, { currentDate: new Liar(Date.now() + 3600_000) })), 'ERR_JWT_EXPIRED');
  const provider = cotter({ apiKeyId: 'k', baseUrl: srv.base });
  for (const opts of [{ retry: { retries: -1 } }, { retry: { retries: 1.5 } }, { retry: { retries: 1e9 } },
    { retry: { baseDelay: -1 } }, { retry: { maxDelay: Number.NaN } }, { retry: { baseDelay: 5000, maxDelay: 10 } },
    { retry: null }, { retry: 3 }, { timeoutDuration: -1 }, { timeoutDuration: '5s' }, { storageKey: '' },
    { crossTab: 'yes' }, { autoRefresh: 1 }, { refreshLeeway: -5 }]) {
    assert.equal(await code(() => createSession({ provider, ...opts })), 'ERR_OPTIONS_INVALID', JSON.stringify(opts));
  }
  for (const realm of ['a\r\nx-injected: 1', 7, 'caf\u00e9']) {
    assert.equal(await code(() => unauthorized(new errors.JWSInvalid('x'), { realm })), 'ERR_OPTIONS_INVALID', JSON.stringify(realm));
  }
  assert.equal(unauthorized(new errors.JWSInvalid('x'), { realm: 'api "v1"' }).headers.get('www-authenticate').startsWith('Bearer realm="api \\"v1\\""'), true);
  for (const opts of [{ timeoutDuration: -1 }, { timeoutDuration: 600_001 }, { cooldownDuration: Number.NaN },
    { cacheMaxAge: -1 }, { cacheMaxAge: '10' }, { staleIfError: Infinity }, { headers: { a: 1 } }]) {
    assert.equal(await code(() => createRemoteJWKSet(srv.url, opts)), 'ERR_OPTIONS_INVALID', JSON.stringify(opts));
  }
});

test('7. stale keys recover once the issuer is back, through repeat tokens and through a new kid', async () => {
  // repeat tokens alone keep refreshing in the background
  const JWKS = remote({ keys: [k1.jwk] }, {}, 'max-age=1');
  const t1 = await joseJwt(k1, claims());
  await jwtVerify(t1, JWKS);
  srv.state.mode = 'status';
  srv.state.status = 503;
  await sleep(1100);
  await jwtVerify(t1, JWKS); // expired: the refetch fails, stale keys serve
  assert.equal(JWKS.state.servingStale, true);
  srv.state.mode = 'ok';
  srv.state.jwks = { keys: [k1.jwk, k2.jwk] };
  const before = srv.count();
  assert.ok(await until(async () => { await jwtVerify(t1, JWKS); return !JWKS.state.servingStale; }, 5000),
    'repeat tokens brought the set back');
  assert.ok(srv.count() > before);
  assert.equal((await jwtVerify(await joseJwt(k2, claims({ sub: 'new' })), JWKS)).payload.sub, 'new');

  // a token of the rotated key, while stale keys serve, refetches
  const J2 = remote({ keys: [k1.jwk] }, {}, 'max-age=1');
  await jwtVerify(t1, J2);
  srv.state.mode = 'status';
  await sleep(1100);
  await jwtVerify(t1, J2);
  assert.equal(J2.state.servingStale, true);
  srv.state.mode = 'ok';
  srv.state.jwks = { keys: [k2.jwk] };
  const t2 = await joseJwt(k2, claims({ sub: 'rotated' }));
  let answer;
  assert.ok(await until(async () => { answer = await jwtVerify(t2, J2).catch((e) => e); return !(answer instanceof Error); }, 5000),
    `the new key was fetched (${answer?.code})`);
  assert.equal(answer.payload.sub, 'rotated');
  assert.ok(srv.count() <= 6, `${srv.count()} requests`);
});

test('8. a startup outage ends when the issuer is back: one request at a time, Retry-After honoured', async () => {
  const JWKS = remote();
  srv.state.mode = 'status';
  srv.state.status = 503;
  const t = await joseJwt(k1, claims());
  assert.equal(await code(jwtVerify(t, JWKS)), 'ERR_JWKS_HTTP_ERROR');
  // a flood during the outage makes no request of its own
  const flood = await Promise.all(Array.from({ length: 200 }, () => code(jwtVerify(t, JWKS))));
  assert.ok(flood.every((c) => c === 'ERR_JWKS_HTTP_ERROR'));
  assert.equal(srv.count(), 1);
  srv.state.mode = 'ok';
  const back = Date.now();
  assert.ok(await until(async () => (await code(jwtVerify(t, JWKS))) === 'accepted', 4000), 'verifies again');
  assert.ok(Date.now() - back < 3000, `${Date.now() - back} ms after the issuer came back`);
  assert.equal(srv.count(), 2);

  // Retry-After: no request before it passes
  const J2 = remote();
  srv.state.mode = 'status';
  srv.state.retryAfter = '2';
  assert.equal(await code(jwtVerify(t, J2)), 'ERR_JWKS_HTTP_ERROR');
  srv.state.mode = 'ok';
  await sleep(1200);
  assert.equal(await code(jwtVerify(t, J2)), 'ERR_JWKS_HTTP_ERROR', 'still waiting as asked');
  assert.equal(srv.count(), 1);
  assert.ok(await until(async () => (await code(jwtVerify(t, J2))) === 'accepted', 2000));
  assert.equal(srv.count(), 2);
});

test('9. errors keep their cause: the runtime\'s fetch error, and the claim failure', async () => {
  const dead = await startServer(() => {});
  const { port } = dead;
  await dead.close(); // nothing listens there now
  const JWKS = createRemoteJWKSet(`http://127.0.0.1:${port}/jwks`);
  const e = await jwtVerify(await joseJwt(k1, claims()), JWKS).catch((x) => x);
  assert.equal(e.code, 'ERR_JWKS_FETCH_FAILED');
  assert.ok(e.cause instanceof Error, 'the runtime\'s error');
  assert.equal(e.cause.cause?.code, 'ECONNREFUSED');
  assert.equal(JWKS.state.lastError.cause.cause?.code, 'ECONNREFUSED');
  const d = await discover(`http://127.0.0.1:${port}`).catch((x) => x);
  assert.equal(d.cause.cause?.code, 'ECONNREFUSED');
  const local = createLocalJWKSet({ keys: [k1.jwk] });
  const c = await jwtVerify(await joseJwt(k1, claims()), local, { audience: 'other' }).catch((x) => x);
  assert.deepEqual({ claim: c.cause.claim, reason: c.cause.reason, sub: c.cause.payload.sub }, { claim: 'aud', reason: 'check_failed', sub: 'u1' });
  const x = await jwtVerify(await joseJwt(k1, claims({ exp: now() - 10 })), local).catch((y) => y);
  assert.equal(x.code, 'ERR_JWT_EXPIRED');
  assert.equal(x.cause.claim, 'exp');
});

test('10. dispose() releases a key set\'s or verifier\'s memory now; a disposed one refuses use', async () => {
  const t = await joseJwt(k1, claims());
  const set = createLocalJWKSet({ keys: [k1.jwk] });
  const bound = createVerifier(set);
  assert.equal((await jwtVerify(t, set)).payload.sub, 'u1');
  assert.equal(typeof set[Symbol.dispose], 'function', 'using works');
  set[Symbol.dispose]();
  set.dispose(); // twice is fine
  assert.equal(await code(jwtVerify(t, set)), 'ERR_DISPOSED');
  assert.equal(await code(bound.verify(t)), 'ERR_DISPOSED');
  assert.equal(await code(() => set.size), 'ERR_DISPOSED');
  assert.equal(await code(() => createVerifier(set)), 'ERR_DISPOSED');
  assert.ok(new errors.Disposed('x') instanceof errors.JOSEError);
  const v = createVerifier(createLocalJWKSet({ keys: [k1.jwk] }));
  v.dispose();
  assert.equal(await code(v.verify(t)), 'ERR_DISPOSED');
  const JWKS = remote();
  assert.equal((await jwtVerify(t, JWKS)).payload.sub, 'u1');
  JWKS[Symbol.dispose]();
  assert.equal(await code(jwtVerify(t, JWKS)), 'ERR_DISPOSED');
  assert.equal(await code(() => JWKS.fresh), 'ERR_DISPOSED');
  // 3,000 key sets of 20 keys, each used and disposed: the memory stays flat
  // (without dispose() they grow it by about 50 MB until garbage collection)
  const keys = { keys: [k1.jwk, ...Array.from({ length: 19 }, (_, i) => ({ ...k1.jwk, kid: `key-${i}` }))] };
  const memory = () => Math.max(...instances.map((i) => i.exports.memory.buffer.byteLength));
  for (let i = 0; i < 200; i += 1) createLocalJWKSet(keys).dispose(); // warm up
  const start = memory();
  for (let i = 0; i < 3000; i += 1) {
    const s = createLocalJWKSet(keys);
    await jwtVerify(t, s);
    s.dispose();
  }
  assert.ok(memory() - start <= 1 << 20, `grew by ${memory() - start} bytes`);
});

test('12-13. jwks() copies, reloading, cacheMaxAge: Infinity and timeoutDuration: 0, as in jose', async () => {
  const local = createLocalJWKSet({ keys: [k1.jwk] });
  const copy = local.jwks();
  assert.deepEqual(copy, { keys: [k1.jwk] });
  copy.keys.length = 0;
  assert.equal(local.jwks().keys.length, 1, 'a copy');
  const JWKS = remote({ keys: [k1.jwk] }, { cacheMaxAge: Infinity });
  assert.equal(JWKS.jwks(), undefined, 'nothing fetched yet');
  srv.state.delayMs = 200;
  srv.state.cacheControl = 'max-age=1';
  assert.equal(JWKS.reloading, false);
  const p = JWKS.reload();
  assert.equal(JWKS.reloading, true);
  await p;
  assert.equal(JWKS.reloading, false);
  assert.deepEqual(JWKS.jwks(), { keys: [k1.jwk] });
  await sleep(1100);
  assert.equal(JWKS.fresh, true, 'never stale, whatever max-age says');
  assert.equal(JWKS.state.expiresAt, Infinity);
  const zero = remote({ keys: [k1.jwk] }, { timeoutDuration: 0 });
  srv.state.delayMs = 100;
  assert.equal(await code(jwtVerify(await joseJwt(k1, claims()), zero)), 'ERR_JWKS_TIMEOUT');
});

test('14. CommonJS: both entries share the error classes', () => {
  const require = createRequire(import.meta.url);
  const full = require('edgetoken');
  const lean = require('edgetoken/verify');
  for (const name of Object.keys(lean.errors)) assert.equal(lean.errors[name], full.errors[name], name);
  let e;
  try {
    lean.decodeProtectedHeader('not a token');
  } catch (x) {
    e = x;
  }
  assert.ok(e instanceof full.JWSInvalid && e instanceof full.errors.JOSEError);
  assert.ok(lean.createLocalJWKSet({ keys: [k1.jwk] }).size === 1);
});
