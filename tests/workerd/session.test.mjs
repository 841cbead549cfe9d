// The same session code in workerd: a worker refreshes through the local
// issuer, and concurrent requests after expiry share one exchange without
// awaiting each other's promises.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startIssuer } from '../../www/issuer/server.mjs';
import { signInInPage } from '../support/issuer-client.mjs';
import { startWorker } from '../support/workerd.mjs';

const API_KEY = 'dev-api-key';
let iss;
let mf;

before(async () => {
  iss = await startIssuer({ apiKeys: [API_KEY] });
  mf = await startWorker(new URL('./session-worker.mjs', import.meta.url), { ISSUER: iss.url, API_KEY });
});
after(async () => {
  await mf?.dispose();
  await iss?.close();
});

test('a session in workerd refreshes an expired token once, even under concurrent requests', async () => {
  iss.config.accessTtl = 2;
  const payload = await signInInPage(iss.url, { apiKey: API_KEY, identifier: 'worker@example.com' });
  const exp = JSON.parse(Buffer.from(payload.oauth_token.access_token.split('.')[1], 'base64url')).exp;
  iss.config.accessTtl = 3600;
  const start = await mf.dispatchFetch('http://w/start', { method: 'POST', body: JSON.stringify(payload) });
  assert.deepEqual(await start.json(), { ok: true });
  const first = await (await mf.dispatchFetch('http://w/token')).json();
  assert.equal(first.token, payload.oauth_token.access_token);
  iss.admin.resetCounts();
  await new Promise((r) => setTimeout(r, exp * 1000 - Date.now() + 100));
  const hang = new Promise((_, reject) => { setTimeout(() => reject(new Error('hung')), 15_000).unref(); });
  const results = await Promise.race([hang, Promise.all(Array.from({ length: 10 }, () => mf.dispatchFetch('http://w/token').then((r) => r.json())))]);
  assert.ok(results.every((r) => typeof r.token === 'string'), JSON.stringify(results));
  assert.equal(new Set(results.map((r) => r.token)).size, 1);
  assert.notEqual(results[0].token, payload.oauth_token.access_token);
  assert.equal(iss.admin.counts().refresh, 1, 'exactly one exchange');
  const again = await (await mf.dispatchFetch('http://w/token')).json();
  assert.equal(again.token, results[0].token);
  assert.equal(iss.admin.counts().refresh, 1);
});
