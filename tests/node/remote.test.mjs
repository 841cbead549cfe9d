// createRemoteJWKSet, discover and the Cotter preset under Node, against a
// real JWKS server on 127.0.0.1 that counts requests.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  createRemoteJWKSet, jwtVerify, compactVerify, discover, cotter, errors,
} from 'edgetoken';
import { newKey, joseJwt, now } from '../support/tokens.mjs';
import { startJwksServer } from '../support/jwks-server.mjs';
import { codeOf } from '../support/codes.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const srv = await startJwksServer();
after(() => srv.close());

const k1 = await newKey('k1');
const k2 = await newKey('k2');
const claims = (extra = {}) => ({ sub: 'u1', exp: now() + 600, ...extra });

function fresh(jwks = { keys: [k1.jwk] }, extra = {}) {
  srv.serve(jwks);
  return createRemoteJWKSet(new URL(srv.url), extra);
}

const code = codeOf(errors.JOSEError);

test('1000 concurrent verifications with a cold cache make exactly 1 JWKS request', async () => {
  const JWKS = fresh();
  srv.state.delayMs = 50;
  const token = await joseJwt(k1, claims());
  const results = await Promise.all(Array.from({ length: 1000 }, () => jwtVerify(token, JWKS)));
  assert.equal(results.length, 1000);
  assert.ok(results.every((r) => r.payload.sub === 'u1'));
  assert.equal(srv.count(), 1);
  assert.equal(JWKS.fresh, true);
});

test('rotation: a new kid triggers one refetch; unknown kids inside the cooldown trigger none', async () => {
  const JWKS = fresh({ keys: [k1.jwk] }, { cooldownDuration: 30_000 });
  await jwtVerify(await joseJwt(k1, claims()), JWKS);
  assert.equal(srv.count(), 1);
  // the issuer rotates in k2 while our cache holds only k1; the cooldown
  // still holds from the first fetch, so wait it out with a short one
  const JWKS2 = fresh({ keys: [k1.jwk] }, { cooldownDuration: 200 });
  await jwtVerify(await joseJwt(k1, claims()), JWKS2);
  srv.state.jwks = { keys: [k1.jwk, k2.jwk] };
  await sleep(250);
  const { payload } = await jwtVerify(await joseJwt(k2, claims({ sub: 'rotated' })), JWKS2);
  assert.equal(payload.sub, 'rotated');
  assert.equal(srv.count(), 2, 'exactly one refetch');
  assert.equal(JWKS2.coolingDown, true);
  const strangers = await Promise.all(Array.from({ length: 100 }, async (_, i) => {
    const s = await newKey(`unknown-${i}`);
    return code(jwtVerify(await joseJwt(s, claims()), JWKS2));
  }));
  assert.ok(strangers.every((c) => c === 'ERR_JWKS_NO_MATCHING_KEY'));
  assert.equal(srv.count(), 2, 'no requests during the cooldown');
});

test('repeat tokens on a remote set: answered from its cache, claims checked on every call, gone with their key', async () => {
  const JWKS = fresh({ keys: [k1.jwk] }, { cooldownDuration: 0 });
  const token = await joseJwt(k1, claims({ aud: 'api', nested: { a: [1] } }));
  const first = await jwtVerify(token, JWKS, { audience: 'api' });
  for (let i = 0; i < 3; i += 1) {
    const again = await jwtVerify(token, JWKS, { audience: 'api' });
    assert.deepEqual(again, first);
    again.payload.nested.a.push(2); // each caller gets its own copy
  }
  assert.deepEqual(first.payload.nested, { a: [1] });
  // the options of each call apply to the cached token
  assert.equal(await code(jwtVerify(token, JWKS, { audience: 'other' })), 'ERR_JWT_CLAIM_VALIDATION_FAILED');
  assert.equal(await code(jwtVerify(token, JWKS, { currentDate: new Date((now() + 601) * 1000) })), 'ERR_JWT_EXPIRED');
  assert.equal(await code(jwtVerify(token, JWKS, { clockTolerance: -1 })), 'ERR_OPTIONS_INVALID');
  assert.equal((await jwtVerify(token, JWKS, { audience: 'api' })).payload.sub, 'u1');
  assert.equal(await code(jwtVerify(`${token}é`, JWKS)), 'ERR_JWS_INVALID');
  assert.equal(await code(jwtVerify('A'.repeat(16383) + 'é', JWKS)), 'ERR_TOKEN_TOO_LARGE');
  assert.equal(srv.count(), 1, 'one fetch for all of it');
  // the issuer drops k1: once the set is refetched, its tokens no longer verify
  srv.state.jwks = { keys: [k2.jwk] };
  await JWKS.reload();
  assert.equal(await code(jwtVerify(token, JWKS, { audience: 'api' })), 'ERR_JWKS_NO_MATCHING_KEY');
});

test('JS code run by the clock may verify with the same remote set', async () => {
  const JWKS = fresh();
  const cached = await joseJwt(k1, claims({ sub: 'cached' }));
  await jwtVerify(cached, JWKS);
  const first = await joseJwt(k1, claims({ sub: 'first' }));
  const realNow = Date.now;
  const nested = [];
  let inside = false;
  // edgetoken reads the clock through Date.now; this one verifies meanwhile
  Date.now = () => {
    if (!inside && nested.length < 50) {
      inside = true;
      nested.push(jwtVerify(cached, JWKS), jwtVerify(first, JWKS));
      inside = false;
    }
    return realNow();
  };
  let outer;
  try {
    outer = await Promise.all([jwtVerify(cached, JWKS), jwtVerify(first, JWKS), JWKS.reload()]);
  } finally {
    Date.now = realNow;
  }
  assert.equal(outer[0].payload.sub, 'cached');
  assert.equal(outer[1].payload.sub, 'first');
  assert.ok(nested.length > 0);
  const subs = (await Promise.all(nested)).map((r) => r.payload.sub);
  assert.deepEqual([...new Set(subs)].sort(), ['cached', 'first']);
});

test('Cache-Control max-age=1 is honoured', async () => {
  const JWKS = fresh();
  srv.state.cacheControl = 'public, max-age=1';
  const token = await joseJwt(k1, claims());
  await jwtVerify(token, JWKS);
  const s = JWKS.state;
  assert.equal(s.expiresAt - s.fetchedAt, 1000);
  await jwtVerify(token, JWKS);
  assert.equal(srv.count(), 1);
  await sleep(1100);
  assert.equal(JWKS.fresh, false);
  await jwtVerify(token, JWKS);
  assert.equal(srv.count(), 2);
});

test('without Cache-Control, cacheMaxAge applies', async () => {
  const JWKS = fresh({ keys: [k1.jwk] }, { cacheMaxAge: 700 });
  const token = await joseJwt(k1, claims());
  await jwtVerify(token, JWKS);
  assert.equal(JWKS.state.expiresAt - JWKS.state.fetchedAt, 700);
  await sleep(300);
  await jwtVerify(token, JWKS);
  assert.equal(srv.count(), 1);
  await sleep(500);
  await jwtVerify(token, JWKS);
  assert.equal(srv.count(), 2);
  // the default is 10 minutes
  const d = fresh();
  await jwtVerify(token, d);
  assert.equal(d.state.expiresAt - d.state.fetchedAt, 600_000);
});

test('a server that never answers yields ERR_JWKS_TIMEOUT within the timeout plus a small margin', async () => {
  const JWKS = fresh({ keys: [k1.jwk] }, { timeoutDuration: 300 });
  srv.state.mode = 'hang';
  const started = Date.now();
  const c = await code(jwtVerify(await joseJwt(k1, claims()), JWKS));
  const elapsed = Date.now() - started;
  assert.equal(c, 'ERR_JWKS_TIMEOUT');
  assert.ok(elapsed >= 290 && elapsed < 800, `took ${elapsed} ms`);
  // during the backoff the error comes at once, without another request
  const t2 = Date.now();
  assert.equal(await code(jwtVerify(await joseJwt(k1, claims()), JWKS)), 'ERR_JWKS_TIMEOUT');
  assert.ok(Date.now() - t2 < 100);
  assert.equal(srv.count(), 1);
});

test('bad answers each yield their error', async () => {
  const token = await joseJwt(k1, claims());
  const cases = [
    ['big', 'ERR_JWKS_TOO_LARGE', errors.JWKSTooLarge],
    ['big-declared', 'ERR_JWKS_TOO_LARGE', errors.JWKSTooLarge],
    ['badjson', 'ERR_JWKS_INVALID', errors.JWKSInvalid],
    ['status', 'ERR_JWKS_HTTP_ERROR', errors.JWKSHttpError],
    ['empty', 'ERR_JWKS_INVALID', errors.JWKSInvalid],
    ['html', 'ERR_JWKS_INVALID', errors.JWKSInvalid],
    ['redirect-cross', 'ERR_JWKS_CROSS_ORIGIN_REDIRECT', errors.JWKSCrossOriginRedirect],
  ];
  for (const [mode, want, Class] of cases) {
    const JWKS = fresh();
    srv.state.mode = mode;
    await assert.rejects(jwtVerify(token, JWKS), (e) => {
      assert.equal(e.code, want, `${mode}: ${e.message}`);
      assert.ok(e instanceof Class, mode);
      if (mode === 'status') assert.equal(e.status, 500);
      return true;
    });
    assert.equal(JWKS.state.lastError.code, want);
  }
  // a redirect within the same origin is followed
  const JWKS = fresh();
  srv.state.mode = 'redirect-same';
  assert.equal((await jwtVerify(token, JWKS)).payload.sub, 'u1');
});

test('unreachable server: ERR_JWKS_FETCH_FAILED', async () => {
  const dead = createRemoteJWKSet('http://127.0.0.1:9/jwks', { timeoutDuration: 2000 });
  assert.equal(await code(jwtVerify(await joseJwt(k1, claims()), dead)), 'ERR_JWKS_FETCH_FAILED');
});

test('an outage keeps verification working during the grace period, and fails after it', async () => {
  const JWKS = fresh({ keys: [k1.jwk] }, { staleIfError: 1500 });
  srv.state.cacheControl = 'max-age=1';
  const token = await joseJwt(k1, claims());
  await jwtVerify(token, JWKS);
  srv.state.mode = 'status';
  srv.state.status = 503;
  await sleep(1100);
  assert.equal((await jwtVerify(token, JWKS)).payload.sub, 'u1', 'stale keys serve');
  const s = JWKS.state;
  assert.equal(s.servingStale, true);
  assert.equal(s.fresh, false);
  assert.equal(s.lastError.code, 'ERR_JWKS_HTTP_ERROR');
  assert.equal(s.lastError.status, 503);
  await sleep(300);
  assert.equal((await jwtVerify(token, JWKS)).payload.sub, 'u1');
  await sleep(1400); // past expiry + grace
  assert.equal(await code(jwtVerify(token, JWKS)), 'ERR_JWKS_HTTP_ERROR');
  assert.equal(JWKS.state.servingStale, false);
  // recovery
  srv.state.mode = 'ok';
  await sleep(1000);
  await JWKS.reload();
  assert.equal((await jwtVerify(token, JWKS)).payload.sub, 'u1');
});

test('exported cache lets another instance verify without a request', async () => {
  const a = fresh();
  const token = await joseJwt(k1, claims());
  await jwtVerify(token, a);
  const snapshot = JSON.parse(JSON.stringify(a.exportCache()));
  assert.deepEqual(snapshot.jwks, { keys: [k1.jwk] });
  const b = createRemoteJWKSet(srv.url, { cache: snapshot });
  assert.equal(b.fresh, true);
  await jwtVerify(token, b);
  assert.equal(srv.count(), 1, 'no request from the second instance');
  assert.throws(() => b.importCache({ jwks: {}, fetchedAt: 1, expiresAt: 2 }), (e) => e.code === 'ERR_JWKS_INVALID');
  assert.throws(() => b.importCache(null), (e) => e.code === 'ERR_JWKS_INVALID');
  assert.equal(createRemoteJWKSet(srv.url).exportCache(), undefined);
});

test('reload(), headers, compactVerify and option errors', async () => {
  const JWKS = fresh({ keys: [k1.jwk] }, { headers: { 'x-api-key': 'secret-1' } });
  await JWKS.reload();
  assert.equal(srv.count(), 1);
  assert.equal(srv.state.lastHeaders['x-api-key'], 'secret-1');
  assert.equal(JWKS.fresh, true);
  const { payload } = await compactVerify(await joseJwt(k1, claims()), JWKS);
  assert.equal(JSON.parse(new TextDecoder().decode(payload)).sub, 'u1');
  srv.state.mode = 'status';
  await assert.rejects(JWKS.reload(), (e) => e.code === 'ERR_JWKS_HTTP_ERROR');
  for (const [url, opts] of [['not a url', {}], ['ftp://x/jwks', {}], [srv.url, { timeoutDuration: -1 }],
    [srv.url, { cacheMaxAge: 'soon' }], [srv.url, { headers: { a: 1 } }]]) {
    assert.throws(() => createRemoteJWKSet(url, opts), (e) => e.code === 'ERR_OPTIONS_INVALID', url);
  }
});

test('discover() reads the OpenID configuration and checks the issuer', async () => {
  srv.state.discovery = { issuer: srv.base, jwks_uri: srv.url, token_endpoint: `${srv.base}/token` };
  const config = await discover(srv.base);
  assert.equal(config.jwks_uri, srv.url);
  assert.equal(config.token_endpoint, `${srv.base}/token`);
  assert.equal(config.issuer, srv.base);
  srv.state.discovery = { issuer: 'https://evil.example', jwks_uri: srv.url };
  await assert.rejects(discover(srv.base), (e) => {
    assert.ok(e instanceof errors.DiscoveryFailed);
    assert.equal(e.code, 'ERR_DISCOVERY_FAILED');
    assert.equal(e.reason, 'invalid');
    return true;
  });
  await assert.rejects(discover('http://127.0.0.1:9'), (e) => e.code === 'ERR_DISCOVERY_FAILED' && e.reason === 'network');
});

test('the Cotter preset: URLs, issuer and audience', async () => {
  const c = cotter({ apiKeyId: 'API-KEY-1' });
  assert.equal(c.issuer, 'https://www.cotter.app');
  assert.equal(c.jwksUrl, 'https://www.cotter.app/api/v0/token/jwks');
  assert.equal(c.tokenEndpoint, 'https://www.cotter.app/api/v0/token/API-KEY-1');
  assert.throws(() => cotter({}), (e) => e.code === 'ERR_OPTIONS_INVALID');

  // against a local server speaking Cotter's JWKS path
  const local = await startJwksServer();
  try {
    const p = cotter({ apiKeyId: 'API-KEY-1', baseUrl: `${local.base}/` });
    assert.equal(p.jwksUrl, `${local.base}/api/v0/token/jwks`);
    // serve the JWKS at Cotter's path through the test server's redirect-free route
    local.state.jwks = { keys: [k1.jwk] };
    const viaJwksPath = cotter({ apiKeyId: 'API-KEY-1', baseUrl: local.base });
    assert.equal(await code(viaJwksPath.verify(await joseJwt(k1, claims()))), 'ERR_JWKS_HTTP_ERROR');
    assert.equal(local.count('/api/v0/token/jwks'), 1);
  } finally {
    await local.close();
  }
});

// A global fetch that misbehaves (a stub, an interceptor): it rejects with
// a string, resolves with something that is not a Response, or throws at
// once. Each is ERR_JWKS_FETCH_FAILED, and the key set (and the wasm
// instance under it) goes on working once fetch works again.
test('a fetch that rejects with a non-Error, resolves a non-Response or throws is ERR_JWKS_FETCH_FAILED, and nothing is left broken', async () => {
  const realFetch = globalThis.fetch;
  const token = await joseJwt(k1, claims());
  const misbehaving = [
    () => Promise.reject('offline'),
    () => Promise.reject(undefined),
    () => Promise.resolve({ status: 200, body: null }),
    () => { throw new Error('thrown at once'); },
    () => { throw 'a string, thrown'; },
  ];
  try {
    for (const [i, fake] of misbehaving.entries()) {
      const JWKS = fresh();
      globalThis.fetch = fake;
      assert.equal(await code(jwtVerify(token, JWKS)), 'ERR_JWKS_FETCH_FAILED', `fetch #${i}`);
      globalThis.fetch = realFetch;
      await JWKS.reload();
      assert.equal((await jwtVerify(token, JWKS)).payload.sub, 'u1', `fetch #${i}: the set recovers`);
    }
  } finally {
    globalThis.fetch = realFetch;
  }
});

test('a header name or value fetch refuses is ERR_JWKS_FETCH_FAILED naming it, and nothing is left broken', async () => {
  // (the Headers object refuses them when the request is built: an error
  // to answer, not an exception thrown through the wasm, which is what
  // gloo-net's `header()` would make of it with its `unwrap_throw`)
  const token = await joseJwt(k1, claims());
  for (const headers of [{ 'bad name': 'x' }, { 'x-ok': 'a\nb' }, { '': 'x' }]) {
    const JWKS = fresh({ keys: [k1.jwk] }, { headers });
    await assert.rejects(jwtVerify(token, JWKS), (e) => e.code === 'ERR_JWKS_FETCH_FAILED' && /invalid header/.test(e.message), JSON.stringify(headers));
    assert.equal(srv.count(), 0, 'nothing was sent');
  }
  const JWKS = fresh();
  assert.equal((await jwtVerify(token, JWKS)).payload.sub, 'u1', 'the next set works');
});

test('state: every member, before the first fetch, after one, and after a failed one', async () => {
  const JWKS = fresh();
  assert.deepEqual(JWKS.state, {
    fresh: false, coolingDown: false, servingStale: false, keys: 0, fetchedAt: null, expiresAt: null, lastError: null,
  });
  const before = Date.now();
  await JWKS.reload();
  const s = JWKS.state;
  assert.deepEqual(Object.keys(s), ['fresh', 'coolingDown', 'servingStale', 'keys', 'fetchedAt', 'expiresAt', 'lastError']);
  assert.equal(s.fresh, true);
  assert.equal(s.keys, 1);
  assert.equal(s.lastError, null);
  assert.ok(Number.isInteger(s.fetchedAt) && s.fetchedAt >= before - 1000 && s.fetchedAt <= Date.now(), String(s.fetchedAt));
  assert.ok(s.expiresAt > s.fetchedAt);
  srv.state.mode = 'status';
  await assert.rejects(JWKS.reload());
  const failed = JWKS.state;
  assert.ok(failed.lastError instanceof errors.JOSEError, 'the last error as its class');
  assert.equal(failed.lastError.code, 'ERR_JWKS_HTTP_ERROR');
  assert.ok(Number.isInteger(failed.lastError.at) && failed.lastError.at >= s.fetchedAt, 'with when it happened');
  assert.equal(failed.fetchedAt, s.fetchedAt, 'the keys held are the earlier fetch\'s');
});
