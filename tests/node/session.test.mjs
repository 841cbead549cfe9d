// createSession under Node against the local issuer (rotation with reuse
// detection on): refresh on expiry, single flight, transient and terminal
// failures, refusing bad tokens, storage, logout, and the OAuth 2.0 profile.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import * as jose from 'jose';
import { createSession, cotter, oidc, errors } from 'edgetoken';
import { startIssuer } from '../../www/issuer/server.mjs';
import { signInInPage } from '../support/issuer-client.mjs';

const API_KEY = 'dev-api-key';
let iss;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => { iss = await startIssuer({ apiKeys: [API_KEY] }); });
after(() => iss.close());
beforeEach(() => {
  iss.config.accessTtl = 3600;
  iss.admin.tamper({ rogueKey: false, idTokenSub: null, omitRefreshToken: false });
  iss.admin.resetCounts();
});

const exchanges = () => iss.admin.counts().refresh ?? 0;
function newSession(extra = {}) {
  const s = createSession({ provider: cotter({ apiKeyId: API_KEY, baseUrl: iss.url }), refreshLeeway: 0,
    retry: { retries: 3, baseDelay: 20, maxDelay: 200 }, ...extra });
  const events = [];
  for (const type of ['tokens', 'refresh_failed', 'signed_out', 'storage_corrupt', 'storage_failed']) {
    s.addEventListener(type, (e) => events.push({ type, detail: e.detail }));
  }
  return { s, events };
}
async function signedIn(identifier, ttl = 2, extra = {}) {
  iss.config.accessTtl = ttl;
  const payload = await signInInPage(iss.url, { apiKey: API_KEY, identifier });
  const { s, events } = newSession(extra);
  await s.setTokens(payload);
  assert.deepEqual(events.map((e) => e.type), ['tokens']);
  assert.equal(events[0].detail.source, 'login');
  events.length = 0;
  iss.admin.resetCounts();
  return { s, events, payload };
}

test('an expired access token is refreshed once; the new tokens verify; the rotated refresh token is stored', async () => {
  const { s, events, payload } = await signedIn('expire@example.com');
  assert.equal(await s.getAccessToken(), payload.oauth_token.access_token, 'fresh token returned as is');
  assert.equal(exchanges(), 0);
  await sleep(2100);
  iss.config.accessTtl = 3600;
  const token = await s.getAccessToken();
  assert.notEqual(token, payload.oauth_token.access_token);
  assert.equal(exchanges(), 1);
  const jwks = jose.createRemoteJWKSet(new URL(`${iss.url}/api/v0/token/jwks`));
  const { payload: claims } = await jose.jwtVerify(token, jwks, { issuer: iss.issuer, audience: API_KEY });
  assert.equal(claims.sub, payload.user.ID);
  assert.notEqual(s.tokens.refresh_token, payload.oauth_token.refresh_token, 'rotated token stored');
  assert.equal(await s.getAccessToken(), token);
  assert.equal(exchanges(), 1);
  assert.deepEqual(events.map((e) => e.type), ['tokens']);
  assert.equal(events[0].detail.source, 'refresh');
  assert.equal((await s.getIdTokenClaims()).type, 'client_id_token');
});

test('50 concurrent getAccessToken() calls cause exactly one exchange', async () => {
  const { s } = await signedIn('concurrent@example.com');
  await sleep(2100);
  iss.config.accessTtl = 3600;
  const tokens = await Promise.all(Array.from({ length: 50 }, () => s.getAccessToken()));
  assert.equal(new Set(tokens).size, 1);
  assert.equal(exchanges(), 1);
});

test('the issuer fails twice with 500, then succeeds: the session survives', async () => {
  const { s, events } = await signedIn('flaky@example.com');
  await sleep(2100);
  iss.config.accessTtl = 3600;
  iss.admin.fault({ endpoint: 'refresh', mode: 'fail', count: 2, status: 500 });
  const token = await s.getAccessToken();
  assert.ok(token);
  assert.equal(exchanges(), 3);
  assert.deepEqual(events.map((e) => e.type), ['tokens']);
});

test('transient failures past the retries keep the tokens and report refresh_failed', async () => {
  const { s, events, payload } = await signedIn('down@example.com');
  await sleep(2100);
  iss.admin.fault({ endpoint: 'refresh', mode: 'fail', count: 4, status: 503 });
  await assert.rejects(s.getAccessToken(), (e) => e instanceof errors.RefreshUnavailable && e.status === 503);
  assert.equal(exchanges(), 4, 'one try and three retries');
  assert.equal(s.tokens.refresh_token, payload.oauth_token.refresh_token, 'tokens kept');
  assert.deepEqual(events.map((e) => e.type), ['refresh_failed']);
  assert.equal(events[0].detail.attempts, 4);
  // the issuer is back: the same session refreshes
  assert.ok(await s.getAccessToken());
});

test('a fetch that throws at once or rejects with a non-Error is a transient failure: tokens kept, the session refreshes later', async () => {
  const { s, events, payload } = await signedIn('thrown@example.com', 3600);
  const realFetch = globalThis.fetch;
  try {
    for (const fake of [() => { throw new TypeError('offline'); }, () => Promise.reject('offline')]) {
      globalThis.fetch = fake;
      await assert.rejects(s.refresh(), (e) => e instanceof errors.RefreshUnavailable);
      assert.equal(s.tokens.refresh_token, payload.oauth_token.refresh_token, 'tokens kept');
    }
  } finally {
    globalThis.fetch = realFetch;
  }
  assert.deepEqual(events.map((e) => e.type), ['refresh_failed', 'refresh_failed']);
  await s.refresh();
  assert.notEqual(s.tokens.refresh_token, payload.oauth_token.refresh_token);
  assert.equal(exchanges(), 1);
});

test('a rejected refresh token clears the session and emits signed_out', async () => {
  const { s, events, payload } = await signedIn('revoked@example.com');
  // the session is revoked at the issuer (logout elsewhere)
  await fetch(`${iss.url}/api/v0/token/${API_KEY}`, { method: 'DELETE', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refresh_token: payload.oauth_token.refresh_token }) });
  await sleep(2100);
  await assert.rejects(s.getAccessToken(), (e) => e.code === 'ERR_REFRESH_REJECTED' && e.terminal === true);
  assert.equal(s.tokens, null);
  assert.deepEqual(events.map((e) => e.type), ['signed_out']);
  assert.equal(events[0].detail.reason, 'refresh_rejected');
  await assert.rejects(s.getAccessToken(), errors.NotSignedIn);
});

test('tokens signed by an unknown key are refused, the old ones kept, and the rotated refresh token kept', async () => {
  const { s, events, payload } = await signedIn('rogue@example.com');
  await sleep(2100);
  iss.admin.tamper({ rogueKey: true });
  await assert.rejects(s.refresh(), (e) => e instanceof errors.TokensInvalid && e.reason === 'ERR_JWKS_NO_MATCHING_KEY');
  assert.equal(s.tokens.access_token, payload.oauth_token.access_token);
  // the issuer rotated the refresh token: the old one is spent, so the new one is kept
  assert.notEqual(s.tokens.refresh_token, payload.oauth_token.refresh_token);
  assert.deepEqual(events.map((e) => e.type), ['refresh_failed']);
  iss.admin.tamper({ rogueKey: false });
  await s.refresh();
  assert.notEqual(s.tokens.access_token, payload.oauth_token.access_token, 'the kept refresh token works');
});

test('an ID token for another sub is refused and the old tokens kept', async () => {
  const { s, payload } = await signedIn('sub@example.com', 3600);
  iss.admin.tamper({ idTokenSub: 'someone-else' });
  await assert.rejects(s.refresh(), (e) => e instanceof errors.TokensInvalid && e.reason === 'ERR_JWT_CLAIM_VALIDATION_FAILED');
  assert.equal(s.tokens.access_token, payload.oauth_token.access_token);
  // setTokens verifies too
  const other = await signInInPage(iss.url, { apiKey: API_KEY, identifier: 'sub2@example.com' });
  const { s: fresh } = newSession();
  await assert.rejects(fresh.setTokens(other), errors.TokensInvalid);
  assert.equal(fresh.tokens, null);
});

test('a response without refresh_token keeps the old one', async () => {
  const { s, payload } = await signedIn('norotate@example.com', 3600);
  iss.admin.tamper({ omitRefreshToken: true });
  await s.refresh();
  assert.notEqual(s.tokens.access_token, payload.oauth_token.access_token);
  assert.equal(s.tokens.refresh_token, payload.oauth_token.refresh_token);
  iss.admin.tamper({ omitRefreshToken: false });
  await s.refresh();
  assert.notEqual(s.tokens.refresh_token, payload.oauth_token.refresh_token);
});

test('storage: custom adapters persist; a corrupt value is discarded with an event', async () => {
  const backing = new Map();
  const storage = { get: async (k) => backing.get(k) ?? null, set: async (k, v) => { backing.set(k, v); }, remove: async (k) => { backing.delete(k); } };
  const { s, payload } = await signedIn('store@example.com', 3600, { storage });
  assert.ok(backing.get('edgetoken.session'));
  const { s: reopened } = newSession({ storage });
  assert.equal(await reopened.getAccessToken(), payload.oauth_token.access_token);
  backing.set('edgetoken.session', '{"v":1,"access_token":');
  const { s: broken, events } = newSession({ storage });
  await assert.rejects(broken.getAccessToken(), errors.NotSignedIn);
  assert.deepEqual(events.map((e) => e.type), ['storage_corrupt']);
  assert.equal(events[0].detail.error.code, 'ERR_SESSION_STORAGE_CORRUPT');
  assert.equal(backing.has('edgetoken.session'), false);
  assert.throws(() => createSession({ provider: s, storage: 'localStorage' }), errors.OptionsInvalid);
  assert.throws(() => newSession({ storage: 'localStorage' }), errors.OptionsInvalid, 'no localStorage in Node');
});

test('logout clears the session and revokes it at the issuer', async () => {
  const { s, events, payload } = await signedIn('logout@example.com', 3600);
  await s.logout();
  assert.equal(s.tokens, null);
  assert.deepEqual(events.map((e) => e.type), ['signed_out']);
  assert.equal(events[0].detail.reason, 'logout');
  assert.equal(iss.admin.counts().logout, 1);
  const r = await fetch(`${iss.url}/api/v0/token/${API_KEY}`, { method: 'POST', headers: { 'content-type': 'application/json', API_KEY_ID: API_KEY },
    body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: payload.oauth_token.refresh_token }) });
  assert.equal(r.status, 400);
});

test('the OAuth 2.0 profile: discovery, form-encoded refresh, revocation', async () => {
  iss.config.accessTtl = 2;
  const payload = await signInInPage(iss.url, { apiKey: API_KEY, identifier: 'oauth@example.com' });
  const provider = await oidc({ issuer: iss.issuer, clientId: API_KEY });
  assert.equal(provider.tokenEndpoint, `${iss.url}/oauth/token`);
  const s = createSession({ provider, refreshLeeway: '0s' });
  await s.setTokens(payload.oauth_token);
  iss.admin.resetCounts();
  await sleep(2100);
  iss.config.accessTtl = 3600;
  const token = await s.getAccessToken();
  assert.notEqual(token, payload.oauth_token.access_token);
  assert.equal(iss.admin.counts().oidc_token, 1);
  await s.logout();
  assert.equal(iss.admin.counts().revoke, 1);
});

test('both profiles: short tokens with auto-refresh make no storm; a key rotation inside the cooldown keeps the session, at refresh and at sign-in', async () => {
  const providers = {
    cotter: () => cotter({ apiKeyId: API_KEY, baseUrl: iss.url }),
    oidc: () => oidc({ issuer: iss.issuer, clientId: API_KEY }),
  };
  for (const [name, make] of Object.entries(providers)) {
    const provider = await make();
    iss.config.accessTtl = 2;
    const payload = await signInInPage(iss.url, { apiKey: API_KEY, identifier: `storm-${name}@example.com` });
    const s = createSession({ provider, autoRefresh: true, retry: { retries: 0 } });
    const events = [];
    for (const type of ['tokens', 'refresh_failed', 'signed_out']) s.addEventListener(type, () => events.push(type));
    await s.setTokens(name === 'oidc' ? payload.oauth_token : payload);
    iss.admin.resetCounts();
    // 2-second tokens under the default 60-second leeway: a refresh a second, not a storm
    await sleep(3200);
    const n = (iss.admin.counts().refresh ?? 0) + (iss.admin.counts().oidc_token ?? 0);
    assert.ok(n >= 2 && n <= 4, `${name}: ${n} refreshes in 3.2 s`);
    assert.ok(!events.includes('refresh_failed') && !events.includes('signed_out'), `${name}: ${events}`);
    // the issuer rotates its key while the key set is in its cooldown
    iss.config.accessTtl = 3600;
    s.dispose();
    const t = createSession({ provider, autoRefresh: false });
    await t.setTokens(name === 'oidc' ? (await signInInPage(iss.url, { apiKey: API_KEY, identifier: `rot-${name}@example.com` })).oauth_token
      : await signInInPage(iss.url, { apiKey: API_KEY, identifier: `rot-${name}@example.com` }));
    assert.equal(provider.jwks.coolingDown, true);
    await iss.admin.rotateKeys();
    await t.refresh();
    await t.refresh(); // the rotated refresh token was kept: no reuse detection
    assert.ok(t.tokens, `${name}: still signed in`);
    // and at sign-in: tokens of a newer key still
    await iss.admin.rotateKeys();
    const u = createSession({ provider, autoRefresh: false });
    const fresh = await signInInPage(iss.url, { apiKey: API_KEY, identifier: `rot2-${name}@example.com` });
    await u.setTokens(name === 'oidc' ? fresh.oauth_token : fresh);
    assert.ok(u.tokens);
  }
  iss.config.accessTtl = 3600;
});

// A storage adapter over `backing` whose operations fail as `faults` says:
// { get: n } fails the next n gets (Infinity: always), and so on.
function faulty(backing, faults) {
  const fail = (op) => {
    if (!(faults[op] > 0)) return false;
    faults[op] -= 1;
    return true;
  };
  return {
    get: async (k) => { if (fail('get')) throw new Error('KV timeout'); return backing.get(k) ?? null; },
    set: async (k, v) => { if (fail('set')) throw new Error('KV write failed'); backing.set(k, v); },
    remove: async (k) => { if (fail('remove')) throw new Error('KV delete failed'); backing.delete(k); },
  };
}

test('storage failures are transient: a failed read is tried again, the session goes on in memory, writes are retried', async () => {
  const backing = new Map();
  const { payload } = await signedIn('faults@example.com', 3600, { storage: faulty(backing, {}) });
  // a read that fails once: that call fails with a coded error and an event; the next one reads
  const faults = { get: 1 };
  const { s, events } = newSession({ storage: faulty(backing, faults) });
  await assert.rejects(s.getAccessToken(), (e) => e instanceof errors.SessionStorageFailed && e.code === 'ERR_SESSION_STORAGE_FAILED'
    && e.cause?.message === 'KV timeout');
  assert.deepEqual(events.map((e) => e.type), ['storage_failed']);
  assert.equal(await s.getAccessToken(), payload.oauth_token.access_token, 'read again');
  // writes that fail during a refresh: the refresh succeeds in memory, the caller gets the new token
  faults.set = Infinity;
  events.length = 0;
  await s.refresh();
  const fresh = s.tokens;
  assert.notEqual(fresh.refresh_token, payload.oauth_token.refresh_token);
  assert.equal(await s.getAccessToken(), fresh.access_token);
  assert.ok(events.some((e) => e.type === 'storage_failed' && e.detail.operation === 'set'));
  assert.equal(JSON.parse(backing.get('edgetoken.session')).refresh_token, payload.oauth_token.refresh_token, 'not written yet');
  // storage back: the next use writes what it could not
  faults.set = 0;
  await s.getAccessToken();
  assert.equal(JSON.parse(backing.get('edgetoken.session')).refresh_token, fresh.refresh_token, 'written on the next use');
  // a logout whose removal fails: signed out in memory, removed on the next use, never resurrected
  faults.remove = 1;
  await s.logout();
  assert.equal(s.tokens, null);
  assert.ok(backing.has('edgetoken.session'));
  await assert.rejects(s.getAccessToken(), errors.NotSignedIn);
  assert.equal(backing.has('edgetoken.session'), false, 'removed on the next use');
  // setTokens with a storage that refuses every write: the session starts in memory
  const { s: mem, events: memEvents } = newSession({ storage: faulty(new Map(), { set: Infinity, get: Infinity }) });
  const other = await signInInPage(iss.url, { apiKey: API_KEY, identifier: 'faults2@example.com' });
  await mem.setTokens(other);
  assert.equal(await mem.getAccessToken(), other.oauth_token.access_token);
  assert.ok(memEvents.some((e) => e.type === 'tokens') && memEvents.some((e) => e.type === 'storage_failed'));
});

test('a corrupt stored value whose removal fails still reports storage_corrupt', async () => {
  const backing = new Map([['edgetoken.session', '{"v":1,"garbage":true}']]);
  const { s, events } = newSession({ storage: faulty(backing, { remove: 1 }) });
  await assert.rejects(s.getAccessToken(), errors.NotSignedIn);
  assert.deepEqual(events.map((e) => e.type).sort(), ['storage_corrupt', 'storage_failed']);
  const { s: again, events: more } = newSession({ storage: faulty(backing, {}) });
  await assert.rejects(again.getAccessToken(), errors.NotSignedIn);
  assert.deepEqual(more.map((e) => e.type), ['storage_corrupt']);
  assert.equal(backing.has('edgetoken.session'), false);
});
