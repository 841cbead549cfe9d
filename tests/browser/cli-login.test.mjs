// The CLI login (loopback redirect, RFC 8252) end to end: login() runs here
// as a command-line tool would, and headless Chromium plays the user at the
// link it prints: Cotter's four methods against the local issuer, and an
// OpenID Connect sign-in against oidc-provider (npm). Then the token file
// it wrote is read back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  loginWithEmailLink, loginWithEmailOtp, loginWithPhoneLink, loginWithPhoneOtp, login, oidc, getTokenFromFile, cotter,
  validateAccessToken, validateIdToken,
} from 'edgetoken';
import { startIssuer } from '../../www/issuer/server.mjs';
import { startOidcProvider } from '../support/oidc-provider.mjs';
import { launch } from '../support/browser.mjs';

const API_KEY = 'dev-api-key';
let iss;
let op;
let browser;
const dir = mkdtempSync(path.join(tmpdir(), 'cli-login-'));

before(async () => {
  [iss, op, browser] = await Promise.all([startIssuer({ apiKeys: [API_KEY] }), startOidcProvider(), launch()]);
});
after(async () => {
  await browser?.close();
  await Promise.all([iss?.close(), op?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const mail = async (to) => (await fetch(`${iss.url}/mailbox.json?to=${encodeURIComponent(to)}`).then((r) => r.json()))[0];

// The user at the printed link: types the identifier, then the code from
// the dev mailbox, or opens the magic link (in a new tab, as from an email).
async function playUser(url, identifier, method) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.fill('#identifier', identifier);
    await page.click('button[type=submit]');
    await page.waitForLoadState();
    const m = await mail(identifier);
    let done = page;
    if (method === 'OTP') {
      await page.fill('#otp', m.otp);
      await page.click('button[type=submit]');
    } else {
      done = await context.newPage();
      await done.goto(m.link);
    }
    await done.waitForSelector('h1');
    return await done.textContent('h1');
  } finally {
    await context.close();
  }
}

test('Cotter\'s four CLI methods: the browser signs in at the printed link, the CLI gets verified tokens and writes the token file', async () => {
  const cases = [
    [loginWithEmailLink, 'cli-link@example.com', 'MAGIC_LINK'],
    [loginWithEmailOtp, 'cli-otp@example.com', 'OTP'],
    [loginWithPhoneLink, '+15555550111', 'MAGIC_LINK'],
    [loginWithPhoneOtp, '+15555550112', 'OTP'],
  ];
  for (const [fn, identifier, method] of cases) {
    const tokenFile = path.join(dir, `${method}-${identifier}.json`);
    let heading;
    const result = await fn(API_KEY, 0, {
      baseUrl: iss.url, open: false, timeout: 30_000, tokenFile,
      onUrl: (url) => { heading = playUser(url, identifier, method); },
    });
    assert.equal(await heading, 'You are signed in', `${fn.name}: the success page`);
    const who = identifier.startsWith('+') ? 'phone' : 'email';
    assert.equal(result.payload[who], identifier, fn.name);
    assert.equal(result.payload.user.identifier, identifier);
    assert.equal(result.tokens.sub, result.payload.user.ID);
    assert.equal(statSync(tokenFile).mode & 0o777, 0o600, 'the token file is 0600');
    const provider = cotter({ apiKeyId: API_KEY, baseUrl: iss.url });
    const back = await getTokenFromFile(tokenFile, { provider });
    assert.equal(back.access_token, result.tokens.access_token);
    assert.equal((await validateAccessToken(back.access_token, provider)).sub, result.tokens.sub);
    assert.equal((await validateIdToken(back.id_token, provider)).identifier, identifier);
  }
});

test('OpenID Connect CLI login against oidc-provider: loopback redirect on a free port, PKCE, nonce, verified ID token', async () => {
  const provider = await oidc({ issuer: op.issuer, clientId: 'cli' });
  let heading;
  const result = await login({
    provider, open: false, timeout: 30_000,
    onUrl: (url) => {
      heading = (async () => {
        const context = await browser.newContext();
        try {
          const page = await context.newPage();
          await page.goto(url);
          await page.fill('input[name=login]', 'cli-user');
          await page.fill('input[name=password]', 'any');
          await page.click('button[type=submit]');
          await page.waitForSelector('button[type=submit]');
          await page.click('button[type=submit]'); // consent
          await page.waitForSelector('h1');
          return await page.textContent('h1');
        } finally {
          await context.close();
        }
      })();
    },
  });
  assert.equal(await heading, 'You are signed in');
  assert.equal(result.tokens.sub, 'cli-user');
  assert.equal((await result.session.getIdTokenClaims()).aud, 'cli');
});

test('the edgetoken command: login prints the link and writes the token file; token then prints a valid access token', async () => {
  const { spawn, execFileSync } = await import('node:child_process');
  const bin = new URL('../../pkg/bin.js', import.meta.url).pathname;
  const tokenFile = path.join(dir, 'bin', 'tokens.json');
  const child = spawn(process.execPath, [bin, 'login', '--api-key', API_KEY, '--base-url', iss.url, '--email', '--otp', '--no-open',
    '--token-file', tokenFile, '--timeout', '30'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const link = new Promise((resolve) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = stderr.match(/Sign in at (\S+)/);
      if (m) resolve(m[1]);
    });
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  assert.match(await Promise.race([link, exited.then(() => stderr)]), /^http/);
  assert.equal(await playUser(await link, 'bin-user@example.com', 'OTP'), 'You are signed in');
  assert.equal(await exited, 0, stderr);
  assert.match(stderr, /Waiting for the browser/);
  assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
  const token = execFileSync(process.execPath, [bin, 'token', '--token-file', tokenFile], { encoding: 'utf8' }).trim();
  const provider = cotter({ apiKeyId: API_KEY, baseUrl: iss.url });
  assert.equal((await validateAccessToken(token, provider)).identifier, 'bin-user@example.com');
});
