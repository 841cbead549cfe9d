// The CLI login (loopback redirect, RFC 8252) end to end: login() runs here
// as a command-line tool would, and headless Chromium plays the user at the
// link it prints: Cotter's four methods against the local issuer, and an
// OpenID Connect sign-in against oidc-provider (npm). Then the token file
// it wrote is read back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  loginWithEmailLink, loginWithEmailOtp, loginWithPhoneLink, loginWithPhoneOtp, login, oidc, getTokenFromFile, cotter,
  validateAccessToken, validateIdToken,
} from 'edgetoken';
import { startIssuer } from '../../www/issuer/server.mjs';
import { startOidcProvider } from '../support/oidc-provider.mjs';
import { launch, routeCotter } from '../support/browser.mjs';
import { block, repo } from '../support/docs.mjs';

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

const mail = async (to, issuer = iss) => (await fetch(`${issuer.url}/mailbox.json?to=${encodeURIComponent(to)}`).then((r) => r.json()))[0];

// The user at the printed link: types the identifier, then the code from
// the dev mailbox, or opens the magic link (in a new tab, as from an email).
// `prepare(context)` may route the browser's requests first; `issuer` is
// the one whose mailbox it reads.
async function playUser(url, identifier, method, { prepare, issuer } = {}) {
  const context = await browser.newContext();
  try {
    await prepare?.(context);
    const page = await context.newPage();
    await page.goto(url);
    await page.fill('#identifier', identifier);
    await page.click('button[type=submit]');
    await page.waitForLoadState();
    const m = await mail(identifier, issuer);
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

// Stand-ins for what the README's CLI snippets reach outside this machine,
// in `work`: Cotter's hosts answered by the local issuer `iss` (in Node
// through tests/support/cotter-fetch.mjs, in Chromium through routes), and
// on PATH an `xdg-open` that records the URL it is asked to open and a
// `curl` that records its arguments.
function standIns(work, iss) {
  const bin = path.join(work, 'bin');
  mkdirSync(bin);
  const opened = path.join(work, 'opened.txt');
  const curled = path.join(work, 'curl.txt');
  writeFileSync(path.join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$1" >> '${opened}'\n`);
  writeFileSync(path.join(bin, 'curl'), `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a" >> '${curled}'; done\n`);
  for (const f of ['xdg-open', 'curl']) chmodSync(path.join(bin, f), 0o755);
  return {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, LOCAL_COTTER: iss.url },
    preload: new URL('../support/cotter-fetch.mjs', import.meta.url).href,
    route: (context) => routeCotter(context, iss.url),
    opened: () => readFileSync(opened, 'utf8').trim().split('\n'),
    curled: () => readFileSync(curled, 'utf8').trim().split('\n'),
  };
}

// Runs `child` (a CLI login) to its end, a user signing in by magic link at
// the link it prints, and answers its output.
async function loginThrough(child, identifier, iss, route) {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  const printed = new Promise((resolve) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = stderr.match(/Sign in at (\S+)/);
      if (m) resolve(m[1]);
    });
  });
  const exited = new Promise((resolve) => { child.on('exit', resolve); });
  const timer = setTimeout(() => child.kill(), 60_000);
  try {
    const url = await Promise.race([printed, exited.then((c) => { throw new Error(`exited ${c}: ${stderr}`); })]);
    assert.ok(url.startsWith('https://js.cotter.app/app?'), url);
    assert.equal(await playUser(url, identifier, 'MAGIC_LINK', { prepare: route, issuer: iss }), 'You are signed in');
    assert.equal(await exited, 0, stderr);
    return { url, stdout, stderr };
  } finally {
    clearTimeout(timer);
    child.kill();
  }
}

// The README's CLI snippet, as written, in a Node process of its own: the
// only changes are the names it leaves to the reader (API_KEY_ID given
// before it) and its port 8080, replaced by one known to be free here.
test('the README\'s CLI snippet, as written: opens the browser, signs in, writes tokens.json, reads a valid access token back', async () => {
  const snippet = block('js', "import { loginWithEmailLink, getTokenFromFile, cotter } from 'edgetoken';");
  assert.match(snippet, /loginWithEmailLink\(API_KEY_ID, 8080,/);
  const cotterIss = await startIssuer({ apiKeys: [API_KEY], issuer: 'https://www.cotter.app' });
  try {
    const port = await new Promise((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    });
    const out = path.join(repo, 'target', 'snippets');
    mkdirSync(out, { recursive: true });
    const file = path.join(out, 'cli-snippet.mjs');
    writeFileSync(file, `const API_KEY_ID = process.env.API_KEY_ID;\n${snippet.replace('8080', String(port))}\nprocess.stdout.write(access_token);\n`);
    const work = mkdtempSync(path.join(dir, 'cli-snippet-'));
    const stand = standIns(work, cotterIss);
    const child = spawn(process.execPath, ['--import', stand.preload, file], {
      cwd: work, stdio: ['ignore', 'pipe', 'pipe'], env: { ...stand.env, API_KEY_ID: API_KEY },
    });
    const { url, stdout } = await loginThrough(child, 'readme-cli@example.com', cotterIss, stand.route);
    assert.ok(url.includes(encodeURIComponent(`http://127.0.0.1:${port}/`)), 'the redirect comes back to the snippet\'s port');
    assert.deepEqual(stand.opened(), [url], 'the browser was opened once, at the printed link');
    const tokens = path.join(work, 'tokens.json');
    assert.equal(statSync(tokens).mode & 0o777, 0o600, 'tokens.json is 0600');
    const provider = cotter({ apiKeyId: API_KEY, baseUrl: cotterIss.url, issuer: 'https://www.cotter.app' });
    assert.equal((await validateAccessToken(stdout, provider)).identifier, 'readme-cli@example.com');
    assert.equal((await getTokenFromFile(tokens, { provider })).access_token, stdout);
  } finally {
    await cotterIss.close();
  }
});

// The README's shell lines for the command, each run by bash as written,
// in a project where the package is installed as npm links it (its
// node_modules/.bin/edgetoken), with API_KEY_ID and TOKEN set as the
// reader would have them, the token file under a fresh XDG_CONFIG_HOME,
// and the stand-ins above.
test('the README\'s edgetoken command lines, as written: login, curl with `edgetoken token`, verify, decode', async () => {
  const lines = block('sh', 'npx edgetoken login').trim().split('\n');
  assert.equal(lines.length, 4);
  const cotterIss = await startIssuer({ apiKeys: [API_KEY], issuer: 'https://www.cotter.app' });
  try {
    const work = mkdtempSync(path.join(dir, 'cli-lines-'));
    const stand = standIns(work, cotterIss);
    const env = { ...stand.env, API_KEY_ID: API_KEY, XDG_CONFIG_HOME: path.join(work, 'config'), NODE_OPTIONS: `--import=${stand.preload}` };
    const project = path.join(work, 'project');
    mkdirSync(path.join(project, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(path.join(repo, 'pkg'), path.join(project, 'node_modules', 'edgetoken'));
    symlinkSync('../edgetoken/bin.js', path.join(project, 'node_modules', '.bin', 'edgetoken'));
    // (asynchronously: the issuer answering them runs in this process)
    const sh = (line, extra = {}) => new Promise((resolve, reject) => {
      execFile('bash', ['-c', line], { cwd: project, env: { ...env, ...extra }, encoding: 'utf8', timeout: 60_000 },
        (e, stdout, stderr) => (e ? reject(new Error(`${line}: ${stderr}`)) : resolve(stdout)));
    });
    const login = spawn('bash', ['-c', lines[0]], { cwd: project, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const { url } = await loginThrough(login, 'readme-lines@example.com', cotterIss, stand.route);
    assert.deepEqual(stand.opened(), [url], 'login opened the browser at the printed link');
    const file = path.join(work, 'config', 'edgetoken', 'tokens.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const provider = cotter({ apiKeyId: API_KEY, baseUrl: cotterIss.url, issuer: 'https://www.cotter.app' });
    const { access_token: token } = await getTokenFromFile(file, { provider });
    await sh(lines[1]);
    assert.deepEqual(stand.curled(), ['-H', `authorization: Bearer ${token}`, 'https://api.example/'], 'curl got the access token');
    const verified = await sh(lines[2], { TOKEN: token });
    assert.match(verified, /readme-lines@example\.com/, 'verify prints the verified claims');
    assert.equal(JSON.parse(await sh(lines[3], { TOKEN: token })).payload.identifier, 'readme-lines@example.com');
  } finally {
    await cotterIss.close();
  }
});
