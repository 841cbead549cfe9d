// Remote key sets in headless Chromium: the page (on one origin) fetches the
// JWKS from a counting server on another origin, with CORS.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../www/serve.mjs';
import { startJwksServer } from '../support/jwks-server.mjs';
import { newKey, joseJwt, now } from '../support/tokens.mjs';
import { launch } from '../support/browser.mjs';

let server;
let jwksServer;
let browser;
let page;

before(async () => {
  server = await startServer();
  jwksServer = await startJwksServer();
  browser = await launch();
  page = await browser.newPage();
  await page.goto(`${server.url}playground.html`);
  await page.waitForSelector('body[data-ready="true"]');
});

after(async () => {
  await browser?.close();
  await server?.close();
  await jwksServer?.close();
});

test('1000 concurrent verifications with a cold cache make exactly 1 JWKS request in Chromium', async () => {
  const key = await newKey('web-1');
  jwksServer.state.jwks = { keys: [key.jwk] };
  jwksServer.state.delayMs = 50;
  jwksServer.reset();
  const token = await joseJwt(key, { sub: 'web-user', exp: now() + 600 });
  const r = await page.evaluate(async ({ url, token }) => {
    const { createRemoteJWKSet, jwtVerify } = await import('edgetoken');
    const JWKS = createRemoteJWKSet(url);
    const results = await Promise.all(Array.from({ length: 1000 }, () => jwtVerify(token, JWKS)));
    return { n: results.filter((x) => x.payload.sub === 'web-user').length, fresh: JWKS.fresh };
  }, { url: jwksServer.url, token });
  assert.deepEqual(r, { n: 1000, fresh: true });
  assert.equal(jwksServer.count(), 1);
});

test('timeout and HTTP errors carry their codes in Chromium', async () => {
  const key = await newKey('web-2');
  const token = await joseJwt(key, { sub: 'x', exp: now() + 600 });
  jwksServer.state.delayMs = 0;
  for (const [mode, want] of [['hang', 'ERR_JWKS_TIMEOUT'], ['status', 'ERR_JWKS_HTTP_ERROR'], ['empty', 'ERR_JWKS_INVALID']]) {
    jwksServer.state.mode = mode;
    const r = await page.evaluate(async ({ url, token }) => {
      const { createRemoteJWKSet, jwtVerify } = await import('edgetoken');
      const started = performance.now();
      const JWKS = createRemoteJWKSet(url, { timeoutDuration: 300 });
      return jwtVerify(token, JWKS).then(() => ['accepted'], (e) => [e.code, performance.now() - started]);
    }, { url: jwksServer.url, token });
    assert.equal(r[0], want, mode);
    if (mode === 'hang') assert.ok(r[1] < 1000, `timeout took ${r[1]} ms`);
  }
  jwksServer.state.mode = 'ok';
});

test('a redirecting JWKS URL fails in Chromium before anything reaches another origin', async () => {
  // browsers hide where a redirect goes (an opaque redirect), so edgetoken
  // cannot check the origin and follows none: nothing is sent past it
  const key = await newKey('web-3');
  const token = await joseJwt(key, { sub: 'x', exp: now() + 600 });
  jwksServer.state.jwks = { keys: [key.jwk] };
  for (const mode of ['redirect-cross', 'redirect-same']) {
    jwksServer.state.mode = mode;
    jwksServer.reset();
    const r = await page.evaluate(async ({ url, token }) => {
      const { createRemoteJWKSet, jwtVerify } = await import('edgetoken');
      const JWKS = createRemoteJWKSet(url, { headers: { 'x-api-key': 'secret' } });
      return jwtVerify(token, JWKS).then(() => 'accepted', (e) => e.code);
    }, { url: jwksServer.url, token });
    assert.equal(r, 'ERR_JWKS_FETCH_FAILED', mode);
    assert.equal(jwksServer.count('/moved'), 0, `${mode}: nothing followed the redirect`);
  }
  jwksServer.state.mode = 'ok';
});
