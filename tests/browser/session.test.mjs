// Sessions across tabs in headless Chromium: pages of one origin whose
// tokens expire together make exactly one exchange between them (Web Locks
// + BroadcastChannel), end with the same valid tokens, and never trip the
// issuer's refresh-token reuse detection.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../www/serve.mjs';
import { startIssuer } from '../../www/issuer/server.mjs';
import { signInInPage } from '../support/issuer-client.mjs';
import { launch } from '../support/browser.mjs';

const API_KEY = 'dev-api-key';
let server;
let iss;
let browser;

before(async () => {
  server = await startServer();
  iss = await startIssuer({ apiKeys: [API_KEY] });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await iss?.close();
  await server?.close();
});

// `options`: more options of the sessions (JSON-safe).
async function openTabs(context, n, payload, options = {}) {
  const pages = [];
  for (let i = 0; i < n; i += 1) {
    const page = await context.newPage();
    await page.goto(`${server.url}playground.html`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.evaluate(async ({ issuerUrl, apiKey, payload, options }) => {
      const { createSession, cotter } = await import('edgetoken');
      window.session = createSession({ provider: cotter({ apiKeyId: apiKey, baseUrl: issuerUrl }), refreshLeeway: 0, ...options });
      window.events = [];
      for (const t of ['tokens', 'refresh_failed', 'signed_out']) window.session.addEventListener(t, (e) => window.events.push([t, e.detail?.source ?? e.detail?.reason ?? null]));
      await window.session.setTokens(payload);
    }, { issuerUrl: iss.url, apiKey: API_KEY, payload, options });
    pages.push(page);
  }
  return pages;
}

for (const n of [2, 5]) {
  test(`${n} tabs whose tokens expire together make exactly one exchange and end with the same tokens`, async () => {
    iss.config.accessTtl = 2 + n; // long enough to open every tab first
    const payload = await signInInPage(iss.url, { apiKey: API_KEY, identifier: `tabs${n}@example.com` });
    const exp = JSON.parse(Buffer.from(payload.oauth_token.access_token.split('.')[1], 'base64url')).exp;
    iss.config.accessTtl = 3600;
    const context = await browser.newContext();
    try {
      const pages = await openTabs(context, n, payload);
      iss.admin.resetCounts();
      // every tab's refresh timer fires at the same moment
      await new Promise((r) => setTimeout(r, exp * 1000 - Date.now() + 200));
      const results = await Promise.all(pages.map((p) => p.evaluate(async () => {
        const token = await window.session.getAccessToken();
        return { token, refresh: window.session.tokens.refresh_token, events: window.events };
      })));
      assert.equal(iss.admin.counts().refresh, 1, 'exactly one exchange');
      assert.equal(new Set(results.map((r) => r.token)).size, 1, 'every tab has the same access token');
      assert.equal(new Set(results.map((r) => r.refresh)).size, 1, 'and the same refresh token');
      assert.notEqual(results[0].token, payload.oauth_token.access_token);
      assert.ok(results.every((r) => !r.events.some(([t]) => t === 'signed_out' || t === 'refresh_failed')));
      // the shared refresh token is the live one: no reuse-detection revocation
      const next = await pages[n - 1].evaluate(async () => { await window.session.refresh(); return window.session.tokens.refresh_token; });
      assert.notEqual(next, results[0].refresh);
      assert.equal(iss.admin.counts().refresh, 2);
      // and the other tabs adopted it
      await new Promise((r) => setTimeout(r, 100));
      const adopted = await Promise.all(pages.map((p) => p.evaluate(() => window.session.tokens.refresh_token)));
      assert.ok(adopted.every((t) => t === next));
    } finally {
      await context.close();
    }
  });
}

// A refresh() asked while the tab's automatic refresh waits for another
// tab's lock, after tokens from another tab have arrived: the automatic
// one then ends without an exchange (the tokens are fresh), but refresh()
// is answered by an exchange made after it was asked for.
test('refresh() during an automatic refresh queued on another tab\'s lock makes an exchange of its own', async () => {
  const identifier = 'queued-refresh@example.com';
  iss.config.accessTtl = 2;
  const first = await signInInPage(iss.url, { apiKey: API_KEY, identifier });
  iss.config.accessTtl = 3600;
  const context = await browser.newContext();
  try {
    // (no timer: the test starts the tab's automatic refresh itself)
    const [a] = await openTabs(context, 1, first, { autoRefresh: false });
    const other = await context.newPage();
    await other.goto(`${server.url}playground.html`);
    await other.waitForSelector('body[data-ready="true"]');
    // the other tab holds the session's lock (as while it refreshes)
    await other.evaluate(() => new Promise((held) => {
      navigator.locks.request('edgetoken:edgetoken.session', () => new Promise((release) => { window.release = release; held(); }));
    }));
    await new Promise((r) => setTimeout(r, first.oauth_token.expires_in * 1000 + 200)); // the access token expires
    // this tab's automatic refresh (its token is due) queues on the lock
    await a.evaluate(() => { window.auto = window.session.getAccessToken(); });
    await other.waitForFunction(async () => (await navigator.locks.query()).pending.some((l) => l.name === 'edgetoken:edgetoken.session'),
      null, { timeout: 5000, polling: 20 });
    // the other tab signs the same user in again: fresh tokens reach this tab
    const second = await signInInPage(iss.url, { apiKey: API_KEY, identifier });
    await other.evaluate(async ({ issuerUrl, apiKey, payload }) => {
      const { createSession, cotter } = await import('edgetoken');
      await createSession({ provider: cotter({ apiKeyId: apiKey, baseUrl: issuerUrl }), autoRefresh: false }).setTokens(payload);
    }, { issuerUrl: iss.url, apiKey: API_KEY, payload: second });
    await a.waitForFunction((r) => window.session.tokens?.refresh_token === r, second.oauth_token.refresh_token, { timeout: 5000, polling: 20 });
    iss.admin.resetCounts();
    await a.evaluate(() => { window.asked = window.session.refresh(); });
    await other.evaluate(() => window.release());
    const after = await a.evaluate(async () => {
      const token = await window.auto;
      await window.asked;
      return { token, refresh: window.session.tokens.refresh_token };
    });
    assert.equal(iss.admin.counts().refresh, 1, 'refresh() made one exchange');
    assert.notEqual(after.refresh, second.oauth_token.refresh_token, 'and holds the refresh token it rotated to');
    assert.equal(after.token, second.oauth_token.access_token, 'the automatic refresh used the fresh tokens as they were');
  } finally {
    await context.close();
  }
});

test('logout in one tab signs every tab out', async () => {
  const payload = await signInInPage(iss.url, { apiKey: API_KEY, identifier: 'tabs-logout@example.com' });
  const context = await browser.newContext();
  try {
    const [a, b] = await openTabs(context, 2, payload);
    await a.evaluate(() => window.session.logout());
    await new Promise((r) => setTimeout(r, 100));
    const state = await b.evaluate(() => ({ tokens: window.session.tokens, events: window.events }));
    assert.equal(state.tokens, null);
    assert.deepEqual(state.events.at(-1), ['signed_out', 'other_tab']);
  } finally {
    await context.close();
  }
});

test('sessionStorage keeps the session across a reload; a corrupt value is discarded', async () => {
  const payload = await signInInPage(iss.url, { apiKey: API_KEY, identifier: 'reload@example.com' });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}playground.html`);
    const make = `(async () => {
      const { createSession, cotter } = await import('edgetoken');
      window.session = createSession({ provider: cotter({ apiKeyId: '${API_KEY}', baseUrl: '${iss.url}' }), storage: 'sessionStorage' });
      window.corrupt = 0;
      window.session.addEventListener('storage_corrupt', () => { window.corrupt += 1; });
    })()`;
    await page.evaluate(make);
    await page.evaluate((p) => window.session.setTokens(p), payload);
    await page.reload();
    await page.evaluate(make);
    assert.equal(await page.evaluate(() => window.session.getAccessToken()), payload.oauth_token.access_token);
    await page.evaluate(() => sessionStorage.setItem('edgetoken.session', 'garbage'));
    await page.reload();
    await page.evaluate(make);
    const r = await page.evaluate(() => window.session.getAccessToken().then(() => 'token', (e) => e.code));
    assert.equal(r, 'ERR_NOT_SIGNED_IN');
    assert.equal(await page.evaluate(() => window.corrupt), 1);
  } finally {
    await context.close();
  }
});
