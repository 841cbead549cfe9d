// The package in real workerd (miniflare 4): a worker imports `edgetoken`,
// resolved through the package's own `workerd` export condition, and
// verifies bearer tokens against a remote JWKS on 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startJwksServer } from '../support/jwks-server.mjs';
import { newKey, joseJwt, now } from '../support/tokens.mjs';
import { startWorker } from '../support/workerd.mjs';

let jwksServer;
let mf;
const key = await newKey('edge-1');
const worker = new URL('./worker.mjs', import.meta.url);

before(async () => {
  jwksServer = await startJwksServer();
  jwksServer.state.jwks = { keys: [key.jwk] };
  mf = await startWorker(worker, { JWKS_URL: jwksServer.url, AUDIENCE: 'edge-api', TIMEOUT_MS: '500', COOLDOWN_MS: '300' });
});

after(async () => {
  await mf?.dispose();
  await jwksServer?.close();
});

function call(token) {
  const req = mf.dispatchFetch('http://worker/api', { headers: { authorization: `Bearer ${token}` } })
    .then(async (r) => ({ status: r.status, body: await r.json() }));
  const hang = new Promise((_, reject) => { setTimeout(() => reject(new Error('request hung')), 10_000).unref(); });
  return Promise.race([req, hang]);
}

test('50 concurrent requests on a cold isolate make 1 JWKS request, all verify, none hangs', async () => {
  const token = await joseJwt(key, { sub: 'edge-user', aud: 'edge-api', exp: now() + 600 });
  jwksServer.state.delayMs = 100;
  const results = await Promise.all(Array.from({ length: 50 }, () => call(token)));
  assert.ok(results.every((r) => r.status === 200 && r.body.sub === 'edge-user'), JSON.stringify(results.find((r) => r.status !== 200)));
  // No request awaits another's promise; the waiting ones watch the cache on their own timers.
  assert.equal(jwksServer.count(), 1);
  jwksServer.state.delayMs = 0;
});

test('across many requests the cached keys are reused: no more JWKS requests', async () => {
  const before = jwksServer.count();
  const token = await joseJwt(key, { sub: 'edge-user', aud: 'edge-api', exp: now() + 600 });
  for (let i = 0; i < 100; i += 1) {
    const r = await call(token);
    assert.equal(r.status, 200);
  }
  const burst = await Promise.all(Array.from({ length: 100 }, () => call(token)));
  assert.ok(burst.every((r) => r.status === 200));
  assert.equal(jwksServer.count(), before);
  const state = await (await mf.dispatchFetch('http://worker/state')).json();
  assert.equal(state.fresh, true);
  assert.equal(state.keys, 1);
});

test('rotation, forged, wrong-audience and expired tokens in workerd', async () => {
  const other = await newKey('edge-2');
  const forged = await joseJwt(other, { sub: 'x', aud: 'edge-api', exp: now() + 60 }, { kid: 'edge-1' });
  assert.deepEqual(await call(forged), { status: 401, body: { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' } });
  assert.deepEqual(await call(await joseJwt(key, { sub: 'x', aud: 'other', exp: now() + 60 })),
    { status: 401, body: { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' } });
  assert.deepEqual(await call(await joseJwt(key, { sub: 'x', aud: 'edge-api', exp: now() - 60 })),
    { status: 401, body: { code: 'ERR_JWT_EXPIRED' } });
  assert.deepEqual(await call('not-a-token'), { status: 401, body: { code: 'ERR_JWS_INVALID' } });
  // the issuer rotates in a new key: once the cooldown (300 ms here) has
  // passed, a token with the new kid triggers one refetch and verifies
  await new Promise((r) => setTimeout(r, 350));
  const newcomer = await newKey('edge-3');
  jwksServer.state.jwks = { keys: [key.jwk, newcomer.jwk] };
  const before = jwksServer.count();
  const r = await call(await joseJwt(newcomer, { sub: 'rotated', aud: 'edge-api', exp: now() + 60 }));
  assert.deepEqual(r, { status: 200, body: { sub: 'rotated' } });
  assert.equal(jwksServer.count(), before + 1);
  // unknown kids inside the cooldown: no further requests
  const strangers = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
    const s = await newKey(`stranger-${i}`);
    return call(await joseJwt(s, { sub: 'x', aud: 'edge-api', exp: now() + 60 }));
  }));
  assert.ok(strangers.every((x) => x.status === 401 && x.body.code === 'ERR_JWKS_NO_MATCHING_KEY'));
  assert.equal(jwksServer.count(), before + 1);
});

test('a JWKS that never answers yields ERR_JWKS_TIMEOUT in workerd, without hanging', async () => {
  const fresh = await startWorker(worker, { JWKS_URL: jwksServer.url, AUDIENCE: 'edge-api', TIMEOUT_MS: '300' });
  try {
    jwksServer.state.mode = 'hang';
    const token = await joseJwt(key, { sub: 'x', aud: 'edge-api', exp: now() + 60 });
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 5 }, () => fresh.dispatchFetch('http://worker/api', {
      headers: { authorization: `Bearer ${token}` },
    }).then((res) => res.json())));
    assert.ok(results.every((b) => b.code === 'ERR_JWKS_TIMEOUT'), JSON.stringify(results));
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
  } finally {
    jwksServer.state.mode = 'ok';
    await fresh.dispose();
  }
});

test('redirects in workerd: same-origin ones are followed, one to another origin is refused before it is sent', async () => {
  const token = await joseJwt(key, { sub: 'moved', aud: 'edge-api', exp: now() + 60 });
  for (const [mode, want] of [['redirect-cross', { status: 401, body: { code: 'ERR_JWKS_CROSS_ORIGIN_REDIRECT' } }],
    ['redirect-same', { status: 200, body: { sub: 'moved' } }]]) {
    const fresh = await startWorker(worker, { JWKS_URL: jwksServer.url, AUDIENCE: 'edge-api', TIMEOUT_MS: '2000' });
    try {
      jwksServer.state.mode = mode;
      jwksServer.reset();
      const r = await fresh.dispatchFetch('http://worker/api', { headers: { authorization: `Bearer ${token}` } });
      assert.deepEqual({ status: r.status, body: await r.json() }, want, mode);
      assert.equal(jwksServer.count('/moved'), mode === 'redirect-same' ? 1 : 0, mode);
    } finally {
      jwksServer.state.mode = 'ok';
      await fresh.dispose();
    }
  }
});
