// The browser sign-in by redirect in headless Chromium against the local
// issuer: session.signInWithRedirect() and session.handleRedirectCallback()
// for Cotter (email and phone, OTP and magic link) and for OpenID Connect
// (its standard /authorize); a magic link opened in another tab completes
// the sign-in there and the first tab learns of it; a link opened in
// another browser, a forged state, a replayed callback, an expired pending
// sign-in and an issuer error are coded errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../www/serve.mjs';
import { startIssuer } from '../../www/issuer/server.mjs';
import { launch } from '../support/browser.mjs';

const API_KEY = 'dev-api-key';
let server;
let iss;
let browser;
let page0;

before(async () => {
  [server, iss, browser] = await Promise.all([startServer(), startIssuer({ apiKeys: [API_KEY] }), launch()]);
});
after(async () => {
  await browser?.close();
  await Promise.all([iss?.close(), server?.close()]);
});

const app = () => `${server.url}playground.html`;
const mail = async (to) => (await fetch(`${iss.url}/mailbox.json?to=${encodeURIComponent(to)}`).then((r) => r.json()))[0];

// Makes `window.session` in a page of the app (and records its events).
async function sessionIn(page, profile) {
  await page.waitForSelector('body[data-ready="true"]');
  await page.evaluate(async ({ issuerUrl, issuer, apiKey, profile }) => {
    const { createSession, cotter, oidc } = await import('edgetoken');
    const provider = profile === 'oidc' ? await oidc({ issuer, clientId: apiKey }) : cotter({ apiKeyId: apiKey, baseUrl: issuerUrl });
    window.session = createSession({ provider, autoRefresh: false });
    window.events = [];
    window.session.addEventListener('tokens', (e) => window.events.push(e.detail.source));
  }, { issuerUrl: iss.url, issuer: iss.issuer, apiKey: API_KEY, profile });
}

async function complete(page) {
  await page.waitForURL((u) => u.searchParams.has('state'));
  await sessionIn(page, page.profile);
  return page.evaluate(async () => {
    try {
      const { payload, tokens } = await window.session.handleRedirectCallback();
      return { payload, sub: tokens.sub, url: location.href };
    } catch (e) {
      return { code: e.code, message: e.message };
    }
  });
}

for (const [profile, type, method, identifier] of [
  ['cotter', 'EMAIL', 'OTP', 'web-otp@example.com'], ['cotter', 'PHONE', 'OTP', '+15555550121'],
  ['cotter', 'PHONE', 'MAGIC_LINK', '+15555550122'], ['oidc', 'EMAIL', 'OTP', 'web-oidc@example.com'],
]) {
  test(`${profile}: ${type} by ${method}, redirect and callback in one tab`, async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      page.profile = profile;
      await page.goto(app());
      await sessionIn(page, profile);
      await page.evaluate(({ type, method }) => window.session.signInWithRedirect({ type, authMethod: method }), { type, method });
      await page.waitForURL((u) => u.href.startsWith(iss.url));
      await page.fill('#identifier', identifier);
      await page.click('button[type=submit]');
      await page.waitForLoadState();
      const m = await mail(identifier);
      if (method === 'OTP') {
        await page.fill('#otp', m.otp);
        await page.click('button[type=submit]');
      } else {
        await page.goto(m.link);
      }
      const r = await complete(page);
      assert.equal(r.code, undefined, r.message);
      assert.ok(r.sub);
      if (profile === 'cotter') assert.equal(r.payload[type === 'PHONE' ? 'phone' : 'email'], identifier);
      assert.equal(new URL(r.url).search, '', 'code and state left the address bar');
      // the callback is single use
      const again = await page.evaluate(async (u) => window.session.handleRedirectCallback(u).then(() => 'accepted', (e) => e.code),
        `${app()}?code=x&state=${new URLSearchParams(new URL(r.url).search).get('state') ?? 'gone'}`);
      assert.equal(again, 'ERR_SIGNIN_UNKNOWN');
    } finally {
      await context.close();
    }
  });
}

test('a magic link opened in another tab signs in there, and the first tab learns of it; in another browser it is a coded error', async () => {
  const context = await browser.newContext();
  const other = await browser.newContext();
  try {
    const first = await context.newPage();
    await first.goto(app());
    await sessionIn(first, 'cotter');
    const url = await first.evaluate(() => window.session.signInWithRedirect({ type: 'EMAIL', authMethod: 'MAGIC_LINK', navigate: false }));
    // the issuer's page in a tab of its own; the first tab stays on the app
    const issuerTab = await context.newPage();
    await issuerTab.goto(url);
    await issuerTab.fill('#identifier', 'two-tabs@example.com');
    await issuerTab.click('button[type=submit]');
    const { link } = await mail('two-tabs@example.com');
    // opened in another browser first: a coded error saying where to open it
    const elsewhere = await other.newPage();
    elsewhere.profile = 'cotter';
    await elsewhere.goto(link);
    const refused = await complete(elsewhere);
    assert.equal(refused.code, 'ERR_SIGNIN_UNKNOWN');
    assert.match(refused.message, /where the sign-in started/);
    // a second link for the same sign-in, opened in a new tab of the first browser
    const again = await context.newPage();
    await issuerTab.goto(url);
    await issuerTab.fill('#identifier', 'two-tabs@example.com');
    await issuerTab.click('button[type=submit]');
    again.profile = 'cotter';
    await again.goto((await mail('two-tabs@example.com')).link);
    const done = await complete(again);
    assert.equal(done.code, undefined, done.message);
    assert.equal(done.payload.email, 'two-tabs@example.com');
    await first.waitForFunction(() => window.events.includes('other_tab'));
    assert.equal(await first.evaluate(() => window.session.tokens?.sub), done.sub, 'the first tab is signed in');
  } finally {
    await context.close();
    await other.close();
  }
});

test('a forged state, an expired pending sign-in and an issuer error are coded errors', async () => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(app());
    await sessionIn(page, 'cotter');
    const codes = await page.evaluate(async () => {
      const out = {};
      const url = new URL(await window.session.signInWithRedirect({ navigate: false }));
      const state = url.searchParams.get('state');
      const cb = (q) => `${location.origin}${location.pathname}?${q}`;
      const code = (p) => p.then(() => 'accepted', (e) => e.code);
      out.forged = await code(window.session.handleRedirectCallback(cb('code=c&state=forged')));
      out.denied = await code(window.session.handleRedirectCallback(cb(`error=access_denied&state=${state}`)));
      out.deniedEnds = localStorage.getItem(`edgetoken.signin.${state}`); // an error ends that sign-in
      const later = new URL(await window.session.signInWithRedirect({ navigate: false })).searchParams.get('state');
      const key = `edgetoken.signin.${later}`;
      localStorage.setItem(key, JSON.stringify({ ...JSON.parse(localStorage.getItem(key)), expiresAt: Date.now() - 1 }));
      out.expired = await code(window.session.handleRedirectCallback(cb(`code=c&state=${later}`)));
      out.left = localStorage.getItem(key);
      return out;
    });
    assert.deepEqual(codes, { forged: 'ERR_SIGNIN_STATE_MISMATCH', denied: 'ERR_SIGNIN_DENIED', deniedEnds: null, expired: 'ERR_SIGNIN_EXPIRED', left: null });
  } finally {
    await context.close();
  }
});
