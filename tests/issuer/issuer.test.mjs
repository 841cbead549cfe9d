// The local issuer's own tests: PKCE, refresh rotation and reuse detection,
// Cotter's claim sets, key rotation, knobs, persistence, and that its tokens
// verify with jose and with edgetoken.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as jose from 'jose';
import { cotter, discover, createRemoteJWKSet, jwtVerify } from 'edgetoken';
import { startIssuer } from '../../www/issuer/server.mjs';
import { block, repo } from '../support/docs.mjs';
import { signInWithRedirect, exchangeCode, signInInPage, pkcePair, refresh, b64json } from '../support/issuer-client.mjs';

const API_KEY = 'dev-api-key';
const OTHER_KEY = 'other-api-key';
let iss;
const dir = mkdtempSync(path.join(tmpdir(), 'issuer-'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  iss = await startIssuer({ apiKeys: [API_KEY, OTHER_KEY], db: path.join(dir, 'issuer.sqlite') });
});
after(async () => {
  await iss?.close();
  rmSync(dir, { recursive: true, force: true });
});

const admin = (p, body) => fetch(`${iss.url}/__admin/${p}`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}),
}).then((r) => r.json());

test('PKCE: a full OTP sign-in through the login page, then the code exchange', async () => {
  const page = await fetch(`${iss.url}/app?api_key=${API_KEY}&redirect_url=http://127.0.0.1:9/cb&state=s1&code_challenge=x&type=EMAIL&auth_method=OTP`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /name="identifier"/);
  const flow = await signInWithRedirect(iss.url, { apiKey: API_KEY, identifier: 'ada@example.com', state: 'state-123' });
  assert.equal(flow.state, 'state-123');
  const res = await exchangeCode(iss.url, flow);
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.deepEqual(Object.keys(body).sort(), ['identifier', 'oauth_token', 'token', 'user']);
  assert.equal(body.user.identifier, 'ada@example.com');
  assert.equal(body.user.issuer, API_KEY);
  assert.equal(body.oauth_token.token_type, 'Bearer');
  assert.equal(body.oauth_token.auth_method, 'OTP');
  assert.match(body.oauth_token.refresh_token, /^\d+:[A-Za-z0-9_-]+$/);
});

test('PKCE: wrong verifier, reused code, expired code, wrong redirect and wrong API key are rejected', async () => {
  const rejected = async (res, pattern) => {
    assert.equal(res.status, 400);
    const body = await res.json();
    assert.equal(body.type, '');
    assert.match(body.msg, pattern);
  };
  const a = await signInWithRedirect(iss.url, { apiKey: API_KEY, identifier: 'pkce@example.com' });
  await rejected(await exchangeCode(iss.url, { ...a, verifier: pkcePair().verifier }), /code_verifier/);
  // a code presented once (even with a wrong verifier) is spent
  await rejected(await exchangeCode(iss.url, a), /already used/);

  const b = await signInWithRedirect(iss.url, { apiKey: API_KEY, identifier: 'pkce@example.com' });
  assert.equal((await exchangeCode(iss.url, b)).status, 200);
  await rejected(await exchangeCode(iss.url, b), /already used/);

  const c = await signInWithRedirect(iss.url, { apiKey: API_KEY, identifier: 'pkce@example.com' });
  await rejected(await exchangeCode(iss.url, { ...c, redirect: 'http://127.0.0.1:9/evil' }), /redirect_url/);

  const d = await signInWithRedirect(iss.url, { apiKey: API_KEY, identifier: 'pkce@example.com' });
  await rejected(await exchangeCode(iss.url, { ...d, apiKey: OTHER_KEY }), /another API key/);
  assert.equal((await exchangeCode(iss.url, { ...d, apiKey: 'unknown' })).status, 401);

  await admin('config', { codeTtl: 1 });
  try {
    const e = await signInWithRedirect(iss.url, { apiKey: API_KEY, identifier: 'pkce@example.com' });
    await sleep(1100);
    await rejected(await exchangeCode(iss.url, e), /expired/);
  } finally {
    await admin('config', { codeTtl: 300 });
  }
});

test('tokens carry exactly Cotter\'s claim sets', async () => {
  const payload = await signInInPage(iss.url, { apiKey: API_KEY, identifier: 'claims@example.com' });
  const access = b64json(payload.oauth_token.access_token.split('.')[1]);
  const id = b64json(payload.oauth_token.id_token.split('.')[1]);
  const header = b64json(payload.oauth_token.access_token.split('.')[0]);
  assert.deepEqual(Object.keys(header).sort(), ['alg', 'kid', 'typ']);
  assert.equal(header.alg, 'ES256');
  assert.match(header.kid, /^SPACE_JWT_PUBLIC:[0-9A-F-]{36}$/);
  assert.deepEqual(Object.keys(access).sort(), ['aud', 'authentication_method', 'client_user_id', 'exp', 'iat', 'identifier',
    'iss', 'jti', 'scope', 'sub', 'type']);
  assert.deepEqual(Object.keys(id).sort(), ['aud', 'auth_time', 'client_user_id', 'exp', 'iat', 'identifier', 'iss', 'jti',
    'sub', 'type']);
  assert.equal(access.type, 'client_access_token');
  assert.equal(access.scope, 'access');
  assert.equal(access.authentication_method, 'OTP');
  assert.equal(access.aud, API_KEY);
  assert.equal(access.iss, iss.issuer);
  assert.equal(access.sub, access.client_user_id);
  assert.equal(access.sub, payload.user.ID);
  assert.equal(access.exp - access.iat, 3600);
  assert.equal(id.type, 'client_id_token');
  assert.equal(typeof id.auth_time, 'string');
  assert.match(id.auth_time, /^\d+$/);
  assert.equal(id.identifier, 'claims@example.com');
  assert.equal(id.sub, access.sub);
  assert.notEqual(id.jti, access.jti);
});

test('the in-page magic link flow returns the auth payload once; phone numbers sign in', async () => {
  const start = await fetch(`${iss.url}/app/api/start`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ api_key: API_KEY, identifier: '+15555550123', type: 'PHONE', auth_method: 'MAGIC_LINK' }),
  }).then((r) => r.json());
  const poll = () => fetch(`${iss.url}/app/api/poll`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(start),
  });
  assert.equal((await poll()).status, 202);
  const [mail] = await fetch(`${iss.url}/mailbox.json?to=${encodeURIComponent('+15555550123')}`).then((r) => r.json());
  assert.equal(mail.otp, null);
  assert.equal((await fetch(mail.link)).status, 200);
  const got = await poll();
  assert.equal(got.status, 200);
  const payload = await got.json();
  assert.equal(payload.phone, '+15555550123');
  assert.equal(payload.oauth_token.auth_method, 'MAGIC_LINK');
  assert.equal((await poll()).status, 202, 'the payload is handed out once');
  assert.equal((await fetch(mail.link)).status, 400, 'the link is single-use');
  const mailbox = await fetch(`${iss.url}/mailbox`).then((r) => r.text());
  assert.match(mailbox, /\+15555550123/);
});

test('magic link through the redirect flow; bad input and wrong codes', async () => {
  const flow = await signInWithRedirect(iss.url, { apiKey: API_KEY, identifier: 'link@example.com', method: 'MAGIC_LINK' });
  assert.equal((await exchangeCode(iss.url, flow)).status, 200);
  const bad = await fetch(`${iss.url}/app/start`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ api_key: API_KEY, identifier: 'not-an-email', type: 'EMAIL', auth_method: 'OTP',
      redirect_url: 'http://127.0.0.1:9/cb', code_challenge: pkcePair().challenge }),
  });
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /valid email/);
  const start = await fetch(`${iss.url}/app/api/start`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ api_key: API_KEY, identifier: 'guess@example.com', type: 'EMAIL', auth_method: 'OTP' }),
  }).then((r) => r.json());
  const verify = (otp) => fetch(`${iss.url}/app/api/verify`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...start, otp }),
  });
  for (let i = 0; i < 5; i += 1) assert.equal((await verify('000000')).status, 400);
  const [mail] = await fetch(`${iss.url}/mailbox.json?to=guess@example.com`).then((r) => r.json());
  const locked = await verify(mail.otp);
  assert.equal(locked.status, 400);
  assert.match((await locked.json()).msg, /too many/);
});

test('refresh rotation, and reuse detection revokes the token family', async () => {
  const p = await signInInPage(iss.url, { apiKey: API_KEY, identifier: 'rotate@example.com' });
  const r1 = await refresh(iss.url, API_KEY, p.oauth_token.refresh_token);
  assert.equal(r1.status, 200);
  const t1 = await r1.json();
  assert.notEqual(t1.refresh_token, p.oauth_token.refresh_token);
  assert.deepEqual(Object.keys(t1).sort(), ['access_token', 'auth_method', 'expires_in', 'id_token', 'refresh_token', 'token_type']);
  const r2 = await refresh(iss.url, API_KEY, t1.refresh_token);
  assert.equal(r2.status, 200);
  const t2 = await r2.json();
  // the first token again: reuse, so the whole family (t2 included) is revoked
  const reuse = await refresh(iss.url, API_KEY, p.oauth_token.refresh_token);
  assert.equal(reuse.status, 400);
  assert.match((await reuse.json()).msg, /already used/);
  const after = await refresh(iss.url, API_KEY, t2.refresh_token);
  assert.equal(after.status, 400);
  assert.match((await after.json()).msg, /revoked/);
  // wrong API key, unknown token, older path without the key in the URL
  const q = await signInInPage(iss.url, { apiKey: API_KEY, identifier: 'rotate@example.com' });
  assert.equal((await refresh(iss.url, OTHER_KEY, q.oauth_token.refresh_token)).status, 400);
  assert.equal((await refresh(iss.url, API_KEY, 'nope')).status, 400);
  const legacy = await fetch(`${iss.url}/api/v0/token`, {
    method: 'POST', headers: { 'content-type': 'application/json', API_KEY_ID: API_KEY },
    body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: q.oauth_token.refresh_token }),
  });
  assert.equal(legacy.status, 200);
});

test('logout revokes the session\'s refresh tokens', async () => {
  const p = await signInInPage(iss.url, { apiKey: API_KEY, identifier: 'bye@example.com' });
  const res = await fetch(`${iss.url}/api/v0/token/${API_KEY}`, {
    method: 'DELETE', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: p.oauth_token.refresh_token }),
  });
  assert.equal(res.status, 200);
  assert.equal((await refresh(iss.url, API_KEY, p.oauth_token.refresh_token)).status, 400);
});

test('OpenID Connect: discovery, form-encoded refresh_token and authorization_code grants', async () => {
  const config = await discover(iss.issuer);
  assert.equal(config.jwks_uri, `${iss.url}/api/v0/token/jwks`);
  assert.equal(config.token_endpoint, `${iss.url}/oauth/token`);
  const token = (form) => fetch(config.token_endpoint, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form),
  });
  const p = await signInInPage(iss.url, { apiKey: API_KEY, identifier: 'oidc@example.com' });
  const r = await token({ grant_type: 'refresh_token', refresh_token: p.oauth_token.refresh_token, client_id: API_KEY });
  assert.equal(r.status, 200);
  const t = await r.json();
  assert.deepEqual(Object.keys(t).sort(), ['access_token', 'expires_in', 'id_token', 'refresh_token', 'token_type']);
  const reuse = await token({ grant_type: 'refresh_token', refresh_token: p.oauth_token.refresh_token, client_id: API_KEY });
  assert.equal(reuse.status, 400);
  assert.equal((await reuse.json()).error, 'invalid_grant');
  assert.equal((await token({ grant_type: 'password', client_id: API_KEY })).status, 400);
  assert.equal((await token({ grant_type: 'refresh_token', refresh_token: 'x', client_id: 'nobody' })).status, 401);

  const flow = await signInWithRedirect(iss.url, { apiKey: API_KEY, identifier: 'oidc@example.com' });
  const code = await token({ grant_type: 'authorization_code', code: flow.code, redirect_uri: flow.redirect,
    code_verifier: flow.verifier, client_id: API_KEY });
  assert.equal(code.status, 200);
  assert.ok((await code.json()).id_token);
});

test('tokens verify with jose and with edgetoken (Cotter preset and discovery)', async () => {
  const p = await signInInPage(iss.url, { apiKey: API_KEY, identifier: 'verify@example.com' });
  const joseJwks = jose.createRemoteJWKSet(new URL(`${iss.url}/api/v0/token/jwks`));
  const j = await jose.jwtVerify(p.oauth_token.access_token, joseJwks, { issuer: iss.issuer, audience: API_KEY });
  assert.equal(j.payload.type, 'client_access_token');
  const ours = cotter({ apiKeyId: API_KEY, baseUrl: iss.url });
  const a = await ours.verify(p.oauth_token.access_token);
  const i = await ours.verify(p.oauth_token.id_token);
  assert.equal(a.payload.sub, i.payload.sub);
  assert.equal(i.payload.type, 'client_id_token');
  await assert.rejects(cotter({ apiKeyId: OTHER_KEY, baseUrl: iss.url }).verify(p.oauth_token.access_token),
    (e) => e.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && e.claim === 'aud');
  const config = await discover(iss.issuer);
  const viaDiscovery = await jwtVerify(p.oauth_token.id_token, createRemoteJWKSet(config.jwks_uri), { issuer: config.issuer, audience: API_KEY });
  assert.equal(viaDiscovery.payload.identifier, 'verify@example.com');
});

test('key rotation: a new kid signs, the old key stays published for the overlap', async () => {
  const before = await fetch(`${iss.url}/api/v0/token/jwks`).then((r) => r.json());
  const oldKid = before.keys[0].kid;
  const old = await signInInPage(iss.url, { apiKey: API_KEY, identifier: 'keys@example.com' });
  const { kid } = await admin('rotate-keys', { overlap: 1 });
  assert.notEqual(kid, oldKid);
  const during = await fetch(`${iss.url}/api/v0/token/jwks`).then((r) => r.json());
  assert.deepEqual(during.keys.map((k) => k.kid), [kid, oldKid]);
  const fresh = await signInInPage(iss.url, { apiKey: API_KEY, identifier: 'keys@example.com' });
  assert.equal(b64json(fresh.oauth_token.access_token.split('.')[0]).kid, kid);
  const jwks = jose.createLocalJWKSet(during);
  await jose.jwtVerify(old.oauth_token.access_token, jwks);
  await jose.jwtVerify(fresh.oauth_token.access_token, jwks);
  await sleep(1100);
  const afterOverlap = await fetch(`${iss.url}/api/v0/token/jwks`).then((r) => r.json());
  assert.deepEqual(afterOverlap.keys.map((k) => k.kid), [kid]);
});

test('knobs: token lifetimes, injected failures and delays, request counters', async () => {
  await admin('config', { accessTtl: 5 });
  try {
    const p = await signInInPage(iss.url, { apiKey: API_KEY, identifier: 'knobs@example.com' });
    const access = b64json(p.oauth_token.access_token.split('.')[1]);
    assert.equal(access.exp - access.iat, 5);
    assert.equal(p.oauth_token.expires_in, 5);
    await fetch(`${iss.url}/__admin/counts/reset`, { method: 'POST' });
    await admin('faults', { endpoint: 'refresh', mode: 'fail', count: 2, status: 503 });
    assert.equal((await refresh(iss.url, API_KEY, p.oauth_token.refresh_token)).status, 503);
    assert.equal((await refresh(iss.url, API_KEY, p.oauth_token.refresh_token)).status, 503);
    assert.equal((await refresh(iss.url, API_KEY, p.oauth_token.refresh_token)).status, 200, 'the token was not spent by failures');
    await admin('faults', { endpoint: 'jwks', mode: 'delay', delayMs: 300 });
    const t = Date.now();
    await fetch(`${iss.url}/api/v0/token/jwks`);
    assert.ok(Date.now() - t >= 290);
    const counts = await fetch(`${iss.url}/__admin/counts`).then((r) => r.json());
    assert.equal(counts.refresh, 3);
    assert.equal(counts.jwks, 1);
    assert.equal((await admin('faults', { endpoint: 'nope' })).msg, 'unknown endpoint nope');
  } finally {
    await admin('config', { accessTtl: 3600 });
  }
});

test('a restart keeps users, keys and refresh tokens (SQLite on disk)', async () => {
  const db = path.join(dir, 'restart.sqlite');
  let a = await startIssuer({ apiKeys: [API_KEY], db });
  const p = await signInInPage(a.url, { apiKey: API_KEY, identifier: 'persist@example.com' });
  const kid = (await fetch(`${a.url}/api/v0/token/jwks`).then((r) => r.json())).keys[0].kid;
  await a.close();
  a = await startIssuer({ apiKeys: [API_KEY], db });
  try {
    assert.equal((await fetch(`${a.url}/api/v0/token/jwks`).then((r) => r.json())).keys[0].kid, kid);
    const r = await refresh(a.url, API_KEY, p.oauth_token.refresh_token);
    assert.equal(r.status, 200);
    const again = await signInInPage(a.url, { apiKey: API_KEY, identifier: 'persist@example.com' });
    assert.equal(again.user.ID, p.user.ID, 'same user after the restart');
  } finally {
    await a.close();
  }
});

// docs/local-issuer.md's two ways to start the issuer, each run by bash as
// written from the repository (both listen on 127.0.0.1:8790), then asked
// for its key set and a sign-in with the API key the line gives.
test('docs/local-issuer.md\'s start commands, as written', async () => {
  const lines = block('sh', 'make issuer', 'docs/local-issuer.md').trim().split('\n');
  assert.equal(lines.length, 2);
  const hadDb = existsSync('/tmp/issuer.sqlite');
  for (const [line, apiKey, ttl] of [[lines[0], 'dev-api-key', 3600], [lines[1], 'my-key', 5]]) {
    const child = spawn('bash', ['-c', line], { cwd: repo, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    try {
      const url = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${line}: no start within 60 s: ${out}`)), 60_000);
        const seen = (d) => {
          out += d;
          const m = out.match(/local issuer: (http:\/\/127\.0\.0\.1:8790)/);
          if (m) { clearTimeout(timer); resolve(m[1]); }
        };
        child.stdout.on('data', seen);
        child.stderr.on('data', seen);
        child.on('exit', (c) => { clearTimeout(timer); reject(new Error(`${line}: exited ${c}: ${out}`)); });
      });
      const jwks = await fetch(`${url}/api/v0/token/jwks`).then((r) => r.json());
      assert.equal(jwks.keys[0].crv, 'P-256', line);
      const payload = await signInInPage(url, { apiKey, identifier: 'doc-line@example.com' });
      const claims = b64json(payload.oauth_token.access_token.split('.')[1]);
      assert.equal(claims.aud, apiKey, line);
      assert.equal(claims.exp - claims.iat, ttl, `${line}: the access token's lifetime`);
    } finally {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
      await new Promise((r) => { if (child.exitCode !== null || child.signalCode !== null) r(); else child.on('exit', r); });
    }
  }
  assert.ok(existsSync('/tmp/issuer.sqlite'), 'the second line keeps its data in /tmp/issuer.sqlite');
  if (!hadDb) rmSync('/tmp/issuer.sqlite', { force: true });
});
