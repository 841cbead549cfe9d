// The same wasm package in a real browser: headless Chromium loads the demo
// page (which imports `edgetoken` through an import map), verifies tokens
// signed by WebCrypto in the page, and reports error codes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { startServer } from '../../www/serve.mjs';
import { launch } from '../support/browser.mjs';

let server;
let browser;
let page;
const errorsSeen = [];

before(async () => {
  server = await startServer();
  browser = await launch();
  page = await browser.newPage();
  page.on('pageerror', (e) => errorsSeen.push(String(e)));
  await page.goto(`${server.url}playground.html`);
  await page.waitForSelector('body[data-ready="true"]');
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('verification and error codes in Chromium', async () => {
  const rfc = JSON.parse(readFileSync(new URL('../vectors/rfc7515-a3.json', import.meta.url)));
  const r = await page.evaluate(async (rfc) => {
    const { jwtVerify, createLocalJWKSet, errors } = await import('edgetoken');
    const enc = new TextEncoder();
    const b64u = (b) => btoa(String.fromCharCode(...new Uint8Array(b))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const { publicKey, privateKey } = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const jwk = await crypto.subtle.exportKey('jwk', publicKey);
    const sign = async (claims) => {
      const input = `${b64u(enc.encode(JSON.stringify({ alg: 'ES256', kid: 'b1' })))}.${b64u(enc.encode(JSON.stringify(claims)))}`;
      const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, enc.encode(input));
      return `${input}.${b64u(sig)}`;
    };
    const set = createLocalJWKSet({ keys: [{ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid: 'b1' }] });
    const now = Math.floor(Date.now() / 1000);
    const good = await jwtVerify(await sign({ sub: 'browser-user', aud: 'a', exp: now + 60 }), set, { audience: 'a' });
    const code = (p) => p.then(() => 'accepted', (e) => [e.code, e instanceof errors.JOSEError, e.constructor.name]);
    const token = await sign({ sub: 'u', exp: now + 60 });
    const [h, p, s] = token.split('.');
    const forged = `${h}.${b64u(enc.encode(JSON.stringify({ sub: 'admin', exp: now + 60 })))}.${s}`;
    const rfcSet = createLocalJWKSet({ keys: [rfc.public_jwk] });
    return {
      payload: good.payload,
      forged: await code(jwtVerify(forged, set)),
      expired: await code(jwtVerify(await sign({ sub: 'u', exp: now - 1 }), set)),
      rfcPast: (await jwtVerify(rfc.token, rfcSet, { currentDate: new Date((rfc.expected_claims.exp - 1) * 1000) })).payload,
      rfcToday: await code(jwtVerify(rfc.token, rfcSet)),
      wasm: typeof WebAssembly === 'object' && navigator.userAgent.includes('Chrome'),
    };
  }, rfc);
  assert.equal(r.wasm, true);
  assert.equal(r.payload.sub, 'browser-user');
  assert.deepEqual(r.forged, ['ERR_JWS_SIGNATURE_VERIFICATION_FAILED', true, 'JWSSignatureVerificationFailed']);
  assert.deepEqual(r.expired, ['ERR_JWT_EXPIRED', true, 'JWTExpired']);
  assert.deepEqual(r.rfcPast, rfc.expected_claims);
  assert.deepEqual(r.rfcToday, ['ERR_JWT_EXPIRED', true, 'JWTExpired']);
});

test('the demo page verifies an example token and rejects a tampered one', async () => {
  await page.click('#example');
  await page.waitForFunction(() => document.getElementById('status').textContent === 'Example ready');
  await page.click('#verify');
  await page.waitForSelector('#result.ok');
  const detail = JSON.parse(await page.textContent('#detail'));
  assert.equal(detail.payload.sub, 'user-1');
  assert.equal(detail.protectedHeader.alg, 'ES256');
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/demo-verified.png', fullPage: true });

  await page.click('#tamper');
  await page.click('#verify');
  await page.waitForSelector('#result.error');
  assert.equal(await page.textContent('#status'), 'Rejected: ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  await page.screenshot({ path: 'test-results/demo-rejected.png', fullPage: true });

  await page.fill('#audience', 'someone-else');
  await page.click('#example');
  await page.fill('#audience', 'someone-else');
  await page.click('#verify');
  await page.waitForSelector('#result.error');
  assert.equal(await page.textContent('#status'), 'Rejected: ERR_JWT_CLAIM_VALIDATION_FAILED');
  assert.match(await page.textContent('#detail'), /claim: aud\nreason: check_failed/);
  assert.deepEqual(errorsSeen, []);
});

test('importing instantiates nothing; the first use instantiates once (both entries)', async () => {
  const rfc = JSON.parse(readFileSync(new URL('../vectors/rfc7515-a3.json', import.meta.url)));
  const p = await browser.newPage();
  try {
    // a page of the same origin that loads no edgetoken of its own
    await p.goto(`${server.url}pkg/package.json`);
    const r = await p.evaluate(async ({ token, public_jwk: jwk }) => {
      let made = 0;
      const { Instance } = WebAssembly;
      WebAssembly.Instance = class extends Instance { constructor(...a) { super(...a); made += 1; } };
      const out = {};
      for (const url of ['/pkg/browser.js', '/pkg/verify-browser.js']) {
        const start = made;
        const m = await import(url);
        const imported = made - start;
        const { alg } = m.decodeProtectedHeader(token);
        const used = made - start;
        m.decodeJwt(token);
        m.createLocalJWKSet({ keys: [jwk] });
        out[url] = [imported, used, made - start, alg];
      }
      return out;
    }, rfc);
    assert.deepEqual(r, { '/pkg/browser.js': [0, 1, 1, 'ES256'], '/pkg/verify-browser.js': [0, 1, 1, 'ES256'] });
  } finally {
    await p.close();
  }
});
