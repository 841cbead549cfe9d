// The CLI login's failure paths and the token file, in Node: a port in use,
// a timeout and a cancellation each end with a coded error and leave no
// server; issuer errors and a wrong state reach the caller; the token file
// is 0600, replaced atomically, never overwritten when corrupt or foreign,
// and two processes reading it at expiry make exactly one exchange.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  cotter, createSession, errors, fileStorage, finishSignIn, getTokenFromFile, login, prepareSignIn,
} from 'edgetoken';
import { startIssuer } from '../../www/issuer/server.mjs';
import { signInInPage } from '../support/issuer-client.mjs';

const API_KEY = 'dev-api-key';
let iss;
const dir = mkdtempSync(path.join(tmpdir(), 'token-file-'));
const provider = () => cotter({ apiKeyId: API_KEY, baseUrl: iss.url });
before(async () => { iss = await startIssuer({ apiKeys: [API_KEY] }); });
after(async () => {
  await iss.close();
  rmSync(dir, { recursive: true, force: true });
});

const portFree = (port) => new Promise((resolve) => {
  const s = net.createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
});

test('a port in use, a timeout and a cancellation end with coded errors and leave no server running', async () => {
  const busy = net.createServer();
  await new Promise((r) => busy.listen(0, '127.0.0.1', r));
  const { port } = busy.address();
  await assert.rejects(login({ provider: provider(), port, open: false, onUrl: () => {} }), errors.SignInPortInUse);
  await new Promise((r) => busy.close(r));
  let printed;
  const started = Date.now();
  await assert.rejects(login({ provider: provider(), open: false, timeout: 300, onUrl: (u) => { printed = u; } }), errors.SignInTimeout);
  assert.ok(Date.now() - started < 3000);
  const loopback = new URL(new URL(printed).searchParams.get('redirect_url'));
  assert.equal(loopback.hostname, '127.0.0.1');
  assert.equal(await portFree(Number(loopback.port)), true, 'the server stopped');
  const ac = new AbortController();
  const pending = login({ provider: provider(), open: false, signal: ac.signal, onUrl: (u) => { printed = u; } });
  setTimeout(() => ac.abort(), 100);
  await assert.rejects(pending, errors.SignInCancelled);
  assert.equal(await portFree(Number(new URL(new URL(printed).searchParams.get('redirect_url')).port)), true);
  // Ctrl-C
  const interrupted = login({ provider: provider(), open: false, onUrl: (u) => { printed = u; } });
  setTimeout(() => process.emit('SIGINT'), 100);
  await assert.rejects(interrupted, errors.SignInCancelled);
  assert.equal(await portFree(Number(new URL(new URL(printed).searchParams.get('redirect_url')).port)), true);
  assert.equal(process.listenerCount('SIGINT'), 0, 'its SIGINT handler is gone');
});

test('the browser coming back with an error, another state or nothing: coded errors, and the server answers the browser', async () => {
  for (const [query, want] of [['error=access_denied&error_description=no', errors.SignInDenied], ['code=x&state=forged', errors.SignInStateMismatch]]) {
    let answered;
    const result = login({
      provider: provider(), open: false, timeout: 5000,
      onUrl: (u) => {
        const back = new URL(new URL(u).searchParams.get('redirect_url'));
        const state = new URL(u).searchParams.get('state');
        answered = fetch(`${back.origin}/?${query.replace('state=forged', 'state=forged')}${query.startsWith('error') ? `&state=${state}` : ''}`)
          .then((r) => r.status);
      },
    });
    await assert.rejects(result, want);
    assert.equal(await answered, 400);
  }
  // finishSignIn alone: an unknown sign-in (another browser) and an expired one
  const p = provider();
  const { pending } = await prepareSignIn(p, { redirectUri: 'http://127.0.0.1:9/cb' });
  await assert.rejects(finishSignIn(p, undefined, `http://127.0.0.1:9/cb?code=c&state=${pending.state}`), errors.SignInUnknown);
  await assert.rejects(finishSignIn(p, { ...pending, expiresAt: Date.now() - 1 }, `http://127.0.0.1:9/cb?code=c&state=${pending.state}`), errors.SignInExpired);
  await assert.rejects(finishSignIn(p, pending, `http://127.0.0.1:9/cb?state=${pending.state}`), errors.SignInInvalidCallback);
  await assert.rejects(finishSignIn(p, pending, `http://127.0.0.1:9/cb?code=nope&state=${pending.state}&challenge_id=1`),
    (e) => e instanceof errors.SignInExchangeFailed && e.status === 400);
});

async function tokenFile(name, ttl = 3600) {
  iss.config.accessTtl = ttl;
  const file = path.join(dir, name);
  const s = createSession({ provider: provider(), storage: fileStorage(file), autoRefresh: false });
  await s.setTokens(await signInInPage(iss.url, { apiKey: API_KEY, identifier: `${name}@example.com` }));
  iss.config.accessTtl = 3600;
  return { file, tokens: s.tokens };
}

test('the token file: mode 0600, replaced atomically, refreshed with the rotated refresh token written back', async () => {
  const { file, tokens } = await tokenFile('atomic', 2);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const inode = statSync(file).ino;
  await new Promise((r) => setTimeout(r, 2100));
  const fresh = await getTokenFromFile(file, { provider: provider() });
  assert.notEqual(fresh.access_token, tokens.access_token);
  assert.notEqual(fresh.refresh_token, tokens.refresh_token);
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).refresh_token, fresh.refresh_token, 'written back');
  assert.notEqual(statSync(file).ino, inode, 'a new file renamed over the old one');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('atomic') && f !== 'atomic'), [], 'no temporary or lock file left');
  assert.equal((await getTokenFromFile(file, { provider: provider() })).access_token, fresh.access_token, 'fresh: read as is');
});

test('a corrupt, foreign or missing token file is a coded error and is left as it is', async () => {
  const file = path.join(dir, 'foreign.json');
  for (const text of ['{"my":"own config"}', 'garbage', '']) {
    writeFileSync(file, text);
    await assert.rejects(getTokenFromFile(file, { provider: provider() }), errors.TokenFileInvalid);
    assert.equal(readFileSync(file, 'utf8'), text, 'untouched');
    // and a session over it neither removes nor overwrites it
    const s = createSession({ provider: provider(), storage: fileStorage(file), autoRefresh: false });
    await assert.rejects(s.getAccessToken(), errors.NotSignedIn);
    assert.equal(readFileSync(file, 'utf8'), text);
  }
  await assert.rejects(getTokenFromFile(path.join(dir, 'none.json'), { provider: provider() }), errors.NotSignedIn);
});

test('two processes reading the token file at expiry make exactly one exchange', async () => {
  const { file, tokens } = await tokenFile('shared', 2);
  await new Promise((r) => setTimeout(r, 2100));
  iss.admin.resetCounts();
  const script = fileURLToPath(new URL('../support/read-token-file.mjs', import.meta.url));
  const run = () => promisify(execFile)(process.execPath, [script, file, iss.url, API_KEY]).then(({ stdout }) => JSON.parse(stdout));
  const [a, b] = await Promise.all([run(), run()]);
  assert.equal(iss.admin.counts().refresh, 1, 'one exchange');
  assert.equal(a.access_token, b.access_token, 'the other process read its result');
  assert.notEqual(a.refresh_token, tokens.refresh_token);
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).refresh_token, a.refresh_token);
});
