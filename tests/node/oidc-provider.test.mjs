// Sessions against a certified OpenID Provider (oidc-provider from npm, on
// 127.0.0.1): ES256 keys, a public PKCE client, refresh-token rotation with
// reuse detection, 4-second tokens, JWT and opaque access tokens. A sign-in
// goes through its development login pages; edgetoken then keeps the
// session: refreshes across expiry without a storm, concurrent callers,
// a key rotation inside the JWKS cooldown, revocation, logout, dispose()
// during a refresh, and a timer that fires early.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSession, oidc, errors } from 'edgetoken';
import { startOidcProvider, RESOURCE } from '../support/oidc-provider.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const TTL = 4;
let op;
before(async () => { op = await startOidcProvider({ accessTtl: TTL, idTtl: TTL }); });
after(() => op.close());

const tokenRequests = () => op.counts['/token'] ?? 0;

async function signedIn({ resource, autoRefresh = false, verifyAccessToken = false, login = 'user-1', extra = {} } = {}) {
  const provider = await oidc({ issuer: op.issuer, clientId: 'app', ...(verifyAccessToken ? { accessToken: { audience: RESOURCE } } : {}) });
  const { tokens, nonce } = await op.signIn({ resource, login });
  const s = createSession({ provider, autoRefresh, refreshLeeway: 60, retry: { retries: 1, baseDelay: 50, maxDelay: 200 }, ...extra });
  const events = [];
  for (const type of ['tokens', 'refresh_failed', 'signed_out', 'storage_failed']) s.addEventListener(type, (e) => events.push(type));
  await s.setTokens(tokens, { nonce });
  op.reset();
  return { s, tokens, provider, events, nonce };
}

test('standard access tokens: an opaque one is carried, a JWT one is verified when asked; the ID token and its nonce are checked', async () => {
  const { s, tokens } = await signedIn();
  assert.equal(tokens.access_token.split('.').length, 1, 'oidc-provider\'s default access token is opaque');
  assert.equal(await s.getAccessToken(), tokens.access_token);
  assert.equal((await s.getIdTokenClaims()).sub, 'user-1');
  assert.equal(s.tokens.sub, 'user-1');
  s.dispose();
  // an RFC 9068 access token: its audience is the resource server, not the client
  const jwt = await signedIn({ resource: RESOURCE, verifyAccessToken: true });
  assert.equal(jwt.tokens.access_token.split('.').length, 3);
  assert.equal(await jwt.s.getAccessToken(), jwt.tokens.access_token);
  jwt.s.dispose();
  // carried as opaque too when nobody asked to verify it
  const carried = await signedIn({ resource: RESOURCE });
  assert.equal(await carried.s.getAccessToken(), carried.tokens.access_token);
  carried.s.dispose();
  // the sign-in's nonce must be the ID token's
  const provider = await oidc({ issuer: op.issuer, clientId: 'app' });
  const other = await op.signIn();
  const s2 = createSession({ provider, autoRefresh: false });
  await assert.rejects(s2.setTokens(other.tokens, { nonce: 'not-the-one-sent' }), (e) => e instanceof errors.TokensInvalid);
  assert.equal(s2.tokens, null);
  // and a JWT access token verified for the wrong audience is refused
  const wrong = await oidc({ issuer: op.issuer, clientId: 'app', accessToken: { audience: 'https://other.test' } });
  const jwtSignIn = await op.signIn({ resource: RESOURCE });
  await assert.rejects(createSession({ provider: wrong, autoRefresh: false }).setTokens(jwtSignIn.tokens, { nonce: jwtSignIn.nonce }),
    (e) => e instanceof errors.TokensInvalid && e.reason === 'ERR_JWT_CLAIM_VALIDATION_FAILED');
});

test('short tokens: refreshes across expiry without a storm, with auto-refresh, and concurrent callers share one request', async () => {
  const { s, tokens, events } = await signedIn({ resource: RESOURCE, verifyAccessToken: true, autoRefresh: true });
  // 4-second tokens, a 60-second leeway: due after 2 s (half the lifetime), not at once
  assert.equal(await s.getAccessToken(), tokens.access_token);
  assert.equal(tokenRequests(), 0);
  await sleep(7000);
  const n = tokenRequests();
  assert.ok(n >= 2 && n <= 5, `${n} token requests in 7 s`);
  assert.ok(events.filter((e) => e === 'tokens').length >= 2, 'auto-refresh kept going');
  assert.ok(!events.includes('signed_out') && !events.includes('refresh_failed'), events.join());
  // many callers at once while due: one exchange
  const before = tokenRequests();
  const all = await Promise.all(Array.from({ length: 20 }, () => s.getAccessToken()));
  assert.equal(new Set(all).size, 1);
  assert.ok(tokenRequests() - before <= 1);
  s.dispose();
  const settled = tokenRequests();
  await sleep(2500);
  assert.equal(tokenRequests(), settled, 'nothing after dispose()');
});

test('a key rotation inside the JWKS cooldown: the key set refetches once and the session goes on', async () => {
  const { s, provider, events } = await signedIn({ resource: RESOURCE, verifyAccessToken: true });
  assert.equal(provider.jwks.coolingDown, true);
  await op.rotate();
  const jwksBefore = op.counts['/jwks'] ?? 0;
  await s.refresh();
  const kid = JSON.parse(Buffer.from((await s.getAccessToken()).split('.')[0], 'base64url')).kid;
  assert.equal(kid, 'op-2', 'tokens of the new key');
  assert.equal((op.counts['/jwks'] ?? 0) - jwksBefore, 1, 'one refetch');
  // the rotated refresh token was kept: the next refresh works (no reuse detection)
  await s.refresh();
  await s.refresh();
  assert.ok(!events.includes('signed_out'), events.join());
  assert.equal(s.tokens.sub, 'user-1');
  s.dispose();
});

test('provider-side revocation signs the session out; logout revokes the refresh token', async () => {
  const { s, events } = await signedIn();
  await op.revoke(s.tokens.refresh_token);
  await assert.rejects(s.refresh(), (e) => e instanceof errors.RefreshRejected);
  assert.equal(s.tokens, null);
  assert.ok(events.includes('signed_out'));
  const other = await signedIn({ login: 'user-2' });
  const rt = other.s.tokens.refresh_token;
  await other.s.logout();
  assert.equal(other.s.tokens, null);
  assert.ok((op.counts['/token/revocation'] ?? 0) >= 1);
  assert.equal((await op.refreshWith(rt)).body.error, 'invalid_grant', 'revoked at the provider');
});

test('dispose() during a refresh: no request after it, and the rotated refresh token is kept', async () => {
  const stored = new Map();
  const storage = { get: (k) => stored.get(k) ?? null, set: (k, v) => { stored.set(k, v); }, remove: (k) => { stored.delete(k); } };
  const { s, tokens } = await signedIn({ autoRefresh: true, extra: { storage } });
  op.delayToken(500);
  const refreshing = s.refresh().then(() => 'resolved', (e) => e.code);
  await sleep(100);
  s.dispose();
  assert.equal(await refreshing, 'ERR_DISPOSED');
  op.delayToken(0);
  const settled = tokenRequests();
  await sleep(3000);
  assert.equal(tokenRequests(), settled, 'no request after dispose()');
  await assert.rejects(s.getAccessToken(), errors.Disposed);
  // a new session from the same storage carries on with the rotated refresh token
  const kept = JSON.parse(stored.get('edgetoken.session')).refresh_token;
  assert.notEqual(kept, tokens.refresh_token);
  const again = createSession({ provider: await oidc({ issuer: op.issuer, clientId: 'app' }), storage, autoRefresh: false });
  await again.refresh();
  assert.equal(again.tokens.sub, 'user-1');
});

test('auto-refresh goes on when timers fire early', async () => {
  const real = globalThis.setTimeout;
  // every timer fires 20 ms early, as Node's may by a millisecond
  globalThis.setTimeout = (fn, ms, ...args) => real(fn, Math.max(0, (ms ?? 0) - 20), ...args);
  try {
    const { s, events } = await signedIn({ autoRefresh: true });
    await new Promise((r) => real(r, 6500));
    assert.ok(events.filter((e) => e === 'tokens').length >= 2, `refreshed ${events.join()}`);
    assert.ok(tokenRequests() <= 5, `${tokenRequests()} token requests`);
    s.dispose();
  } finally {
    globalThis.setTimeout = real;
  }
});
