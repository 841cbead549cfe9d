// The demo end to end in headless Chromium: passwordless sign-in against the
// local issuer, the backend worker (workerd + D1) creating and finding users,
// a session kept fresh across a 5-second access token, refusals with codes,
// and logout. Screenshots go to test-results/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as jose from 'jose';
import { startDemo, OTHER_API_KEY } from '../../www/demo.mjs';
import { signInInPage } from '../support/issuer-client.mjs';
import { launch } from '../support/browser.mjs';

const ACCESS_TTL = 5;
let demo;
let browser;
let page;
const pageErrors = [];
const dataDir = mkdtempSync(path.join(tmpdir(), 'demo-'));
mkdirSync('test-results', { recursive: true });

before(async () => {
  // the worker backend, or Cotter's Express example (tests/e2e/express.test.mjs)
  demo = await startDemo({ port: 0, issuerPort: 0, backendPort: 0, accessTtl: ACCESS_TTL, dataDir, backendKind: process.env.DEMO_BACKEND ?? 'worker' });
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(demo.url);
  await page.waitForSelector('body[data-ready="true"]');
});
after(async () => {
  await browser?.close();
  await demo?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const userCount = () => demo.userCount();
const mail = async (to) => (await (await fetch(`${demo.issuer.url}/mailbox.json?to=${encodeURIComponent(to)}`)).json())[0];

async function signIn(identifier, { type = 'EMAIL', method = 'OTP' } = {}) {
  await page.check(`input[name=type][value=${type}]`);
  await page.check(`input[name=method][value=${method}]`);
  await page.click('#start');
  await page.waitForSelector('#identifier');
  await page.fill('#identifier', identifier);
  await page.click('button[type=submit]');
  if (method === 'OTP') {
    await page.waitForSelector('#otp');
    await page.fill('#otp', (await mail(identifier)).otp);
    await page.click('button[type=submit]');
  } else {
    await page.waitForSelector('text=Check your mailbox');
    await page.goto((await mail(identifier)).link);
  }
  await page.waitForSelector('body[data-state="signed-in"][data-ready="true"]');
  // the expiry shows as soon as the page says signed in, never "?"
  assert.match(await page.textContent('#expires'), /^\d+ s$/);
  return JSON.parse(await page.evaluate(() => sessionStorage.getItem('demo.login')));
}

test('the dev mailbox keeps a long address in its cell, the code and the time on one line each', async () => {
  const long = `a.very.long.address.${'x'.repeat(60)}@example.com`;
  await fetch(`${demo.issuer.url}/app/api/start`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ api_key: 'demo-api-key', identifier: long, type: 'EMAIL', auth_method: 'OTP' }) });
  const box = await browser.newPage();
  try {
    await box.setViewportSize({ width: 900, height: 700 });
    await box.goto(`${demo.issuer.url}/mailbox`);
    const lines = await box.evaluate(() => {
      const row = document.querySelector('tbody tr');
      const height = (el) => el.getBoundingClientRect().height;
      const line = parseFloat(getComputedStyle(row.querySelector('td.what code')).lineHeight) || 20;
      return { code: height(row.querySelector('td.what code')) / line, at: height(row.querySelector('td.at')) / line,
        fits: document.querySelector('table').getBoundingClientRect().right <= document.querySelector('main').getBoundingClientRect().right + 1 };
    });
    assert.ok(lines.code < 1.6 && lines.fits, JSON.stringify(lines));
  } finally {
    await box.close();
  }
});

test('make playground serves the playground at /', async () => {
  const { startServer } = await import('../../www/serve.mjs');
  const server = await startServer({ index: 'playground.html' });
  try {
    const html = await (await fetch(server.url)).text();
    assert.match(html, /<title>edgetoken playground/);
  } finally {
    await server.close();
  }
});

async function signOut() {
  await page.click('#logout');
  await page.waitForSelector('body[data-state="signed-out"]');
}

test('a new email signs in by OTP: the backend creates the user', async () => {
  const login = await signIn('new.user@example.com');
  assert.equal(login.created, true);
  assert.equal(login.user.identifier, 'new.user@example.com');
  assert.match(await page.textContent('#welcome'), /new\.user@example\.com/);
  const claims = JSON.parse(await page.textContent('#claims'));
  assert.equal(claims.type, 'client_id_token');
  await page.waitForFunction(() => document.getElementById('api').dataset.status === '200');
  assert.equal(JSON.parse(await page.textContent('#api')).user.identifier, 'new.user@example.com');
  await page.screenshot({ path: 'test-results/demo-signed-in.png', fullPage: true });
  assert.equal(await userCount(), 1);
  await signOut();
});

test('the same email by magic link: the backend finds the user, one row', async () => {
  const login = await signIn('new.user@example.com', { method: 'MAGIC_LINK' });
  assert.equal(login.created, false);
  assert.equal(await page.getAttribute('#backend-login', 'data-created'), 'false');
  assert.equal(await userCount(), 1);
  await signOut();
});

test('a phone number signs in', async () => {
  const login = await signIn('+15555550199', { type: 'PHONE' });
  assert.equal(login.created, true);
  assert.equal(login.user.identifier_type, 'PHONE');
  assert.equal(await userCount(), 2);
});

test('with a 5-second access token, calls keep working across the expiry with one refresh', async () => {
  demo.issuer.admin.resetCounts();
  const expiresAt = await page.evaluate(() => JSON.parse(sessionStorage.getItem('edgetoken.session')).expires_at * 1000);
  const refreshesBefore = Number(await page.textContent('#refreshes'));
  await page.check('#auto');
  const statuses = [];
  // across the current token's expiry, and not as far as the next one
  const deadline = expiresAt + 2000;
  while (Date.now() < deadline) {
    await page.waitForTimeout(500);
    statuses.push(await page.getAttribute('#api', 'data-status'));
  }
  await page.uncheck('#auto');
  assert.ok(statuses.every((s) => s === '200'), statuses.join(','));
  assert.equal(demo.issuer.admin.counts().refresh, 1, 'one refresh across the expiry');
  assert.equal(Number(await page.textContent('#refreshes')), refreshesBefore + 1);
  assert.equal(await page.isHidden('#error'), true);
  await page.screenshot({ path: 'test-results/demo-after-refresh.png', fullPage: true });
});

test('forged, other-API-key and expired tokens get 401 with their code', async () => {
  const api = (token) => fetch(`${demo.backendUrl}/api/me`, { headers: token ? { authorization: `Bearer ${token}` } : {} })
    .then(async (r) => [r.status, (await r.json()).error]);
  const good = await page.evaluate(() => JSON.parse(sessionStorage.getItem('edgetoken.session')).access_token);
  assert.equal((await api(good))[0], 200);
  // the library's codes and RFC 6750's answers (edgetoken's unauthorized())
  assert.deepEqual(await api(null), [401, 'ERR_BEARER_TOKEN_MISSING']);
  const missing = await fetch(`${demo.backendUrl}/api/me`);
  assert.equal(missing.headers.get('www-authenticate'), 'Bearer');
  const malformed = await fetch(`${demo.backendUrl}/api/me`, { headers: { authorization: 'Basic abc' } });
  assert.deepEqual([malformed.status, (await malformed.json()).error], [401, 'ERR_BEARER_TOKEN_MISSING']);
  const expiredAnswer = await fetch(`${demo.backendUrl}/api/me`, { headers: { authorization: 'Bearer not.a.token' } });
  assert.match(expiredAnswer.headers.get('www-authenticate') ?? '', /^Bearer error="invalid_token"/);
  // forged: the same claims signed by a key the issuer never published
  const { privateKey } = await jose.generateKeyPair('ES256');
  const [h, p] = good.split('.');
  const forged = await new jose.SignJWT(JSON.parse(Buffer.from(p, 'base64url')))
    .setProtectedHeader(JSON.parse(Buffer.from(h, 'base64url'))).sign(privateKey);
  assert.deepEqual(await api(forged), [401, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED']);
  // a real token of the same issuer, for another app
  const other = await signInInPage(demo.issuer.url, { apiKey: OTHER_API_KEY, identifier: 'new.user@example.com' });
  assert.deepEqual(await api(other.oauth_token.access_token), [401, 'ERR_JWT_CLAIM_VALIDATION_FAILED']);
  // the ID token is not an access token
  assert.deepEqual(await api(other.oauth_token.id_token), [401, 'ERR_JWT_CLAIM_VALIDATION_FAILED']);
  // expired
  const expired = JSON.parse(await page.evaluate(() => sessionStorage.getItem('edgetoken.session'))).access_token;
  await new Promise((r) => setTimeout(r, (ACCESS_TTL + 1) * 1000));
  assert.deepEqual(await api(expired), [401, 'ERR_JWT_EXPIRED']);
  // /login refuses a payload whose email is not the ID token's
  const mismatch = await fetch(`${demo.backendUrl}/login`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...other, email: 'someone.else@example.com' }) });
  assert.equal(mismatch.status, 401);
});

test('logout ends the session', async () => {
  const refreshToken = await page.evaluate(() => JSON.parse(sessionStorage.getItem('edgetoken.session')).refresh_token);
  await signOut();
  assert.equal(await page.evaluate(() => sessionStorage.getItem('edgetoken.session')), null);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"][data-state="signed-out"]');
  const r = await fetch(`${demo.issuer.url}/api/v0/token/demo-api-key`, { method: 'POST',
    headers: { 'content-type': 'application/json', API_KEY_ID: 'demo-api-key' },
    body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: refreshToken }) });
  assert.equal(r.status, 400, 'the issuer revoked the refresh token');
  assert.deepEqual(pageErrors, []);
  await page.screenshot({ path: 'test-results/demo-signed-out.png', fullPage: true });
});
