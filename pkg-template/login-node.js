// The command-line sign-in of Cotter's Python SDK, for Node: a loopback
// redirect (RFC 8252) to a server on 127.0.0.1, the system browser opened
// at the sign-in page (the link is always printed too), the code exchanged
// with PKCE and the tokens verified; and token files, kept with mode 0600,
// replaced atomically, and refreshed by one process at a time.
import http from 'node:http';
import { spawn } from 'node:child_process';
import { promises as fs, constants as fsc } from 'node:fs';
import path from 'node:path';
import * as wasm from './edgetoken.js';
import { OptionsInvalid } from './errors.js';
import {
  NotSignedIn, SignInCancelled, SignInPortInUse, SignInTimeout, TokenFileInvalid, TokenFileLocked,
} from './errors-remote.js';
import { cotter } from './api.js';
import { createSession } from './session.js';
import { finishSignIn, isSignInCallback, prepareSignIn } from './signin.js';
import { tokensOf } from './calls.js';

const SUCCESS_HTML = `<!doctype html><meta charset="utf-8"><title>Signed in</title>
<body style="font:16px system-ui,sans-serif;margin:4em auto;max-width:32em;text-align:center">
<h1>You are signed in</h1><p>You can close this tab and go back to the terminal.</p></body>`;
const FAILURE_HTML = (message) => `<!doctype html><meta charset="utf-8"><title>Sign-in failed</title>
<body style="font:16px system-ui,sans-serif;margin:4em auto;max-width:32em;text-align:center">
<h1>Sign-in failed</h1><p>${String(message).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)}</p><p>Go back to the terminal.</p></body>`;

/** Opens `url` in the system browser (best effort: a machine may have none). */
function openBrowser(url) {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]]
    : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // no browser: the printed link is the way
  }
}

/**
 * Signs a user in from the command line: starts a server on 127.0.0.1 at
 * `port` (0: a free one), opens the browser at the sign-in page and prints
 * the link (`onUrl`, default: a line on stderr), waits for the issuer's
 * redirect, checks `state`, exchanges the code with PKCE, verifies the
 * tokens, answers the browser with `successHtml` (or a default page), and
 * stops the server. Resolves to `{ tokens, payload, session }`: the
 * session's tokens, Cotter's auth payload (Cotter only) and the session
 * (written to `tokenFile` when given). Rejects with `SignInTimeout`
 * (`timeout`, ms; 5 minutes by default), `SignInCancelled` (`signal`
 * aborted, or Ctrl-C), `SignInPortInUse`, or the sign-in's own errors; the
 * server is stopped whatever happens.
 */
export async function login({
  provider, port = 0, path: callbackPath = '/', type, authMethod, scope, loginHint, timeout = 300_000, open = true,
  successHtml = SUCCESS_HTML, onUrl, tokenFile, signal, sessionOptions = {},
} = {}) {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new OptionsInvalid('port must be a whole number from 0 to 65535');
  if (!Number.isFinite(timeout) || timeout <= 0) throw new OptionsInvalid('timeout must be a positive number of ms');
  if (typeof callbackPath !== 'string' || !callbackPath.startsWith('/')) throw new OptionsInvalid('path must start with "/"');
  let settle;
  const done = new Promise((resolve, reject) => { settle = { resolve, reject }; });
  let signIn;
  let finishing = false;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, `http://127.0.0.1:${server.address().port}`);
    if (url.pathname !== callbackPath || finishing || !signIn || !isSignInCallback(url.href)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    finishing = true;
    finishSignIn(provider, signIn.pending, url.href).then(async (result) => {
      const session = createSession({ provider, autoRefresh: false, crossTab: false, ...sessionOptions, ...(tokenFile ? { storage: fileStorage(tokenFile) } : {}) });
      await session.setTokens(result.tokens, { nonce: result.nonce });
      // (the page is sent before the server stops)
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', connection: 'close' });
      res.end(successHtml, () => settle.resolve({ tokens: session.tokens, payload: result.payload, session }));
    }).catch((e) => {
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', connection: 'close' });
      res.end(FAILURE_HTML(`${e.message} (${e.code ?? 'error'})`), () => settle.reject(e));
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', (e) => reject(e.code === 'EADDRINUSE' ? new SignInPortInUse(`port ${port} is in use: choose another`, { cause: e }) : e));
    server.listen(port, '127.0.0.1', resolve);
  });
  const timer = setTimeout(() => settle.reject(new SignInTimeout(`no sign-in within ${Math.round(timeout / 1000)} s`)), timeout);
  const cancel = () => settle.reject(new SignInCancelled('the sign-in was cancelled'));
  signal?.addEventListener('abort', cancel);
  const onSigint = () => cancel();
  process.once('SIGINT', onSigint);
  try {
    if (signal?.aborted) cancel();
    const redirectUri = `http://127.0.0.1:${server.address().port}${callbackPath}`;
    signIn = await prepareSignIn(provider, { redirectUri, type, authMethod, scope, loginHint });
    (onUrl ?? ((u) => process.stderr.write(`Sign in at ${u}\nWaiting for the browser…\n`)))(signIn.url);
    if (open) openBrowser(signIn.url);
    return await done;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', cancel);
    process.removeListener('SIGINT', onSigint);
    server.closeAllConnections();
    await new Promise((r) => { server.close(() => r()); });
  }
}

// Cotter's Python SDK, method by method: the same meaning of `apiKeyId` and
// `port`; more options (baseUrl, tokenFile, timeout, …) in `options`.
const cotterLogin = (type, authMethod) => (apiKeyId, port = 0, { baseUrl, appUrl, issuer, ...options } = {}) => login({
  provider: cotter({ apiKeyId, ...(baseUrl ? { baseUrl } : {}), ...(appUrl ? { appUrl } : {}), ...(issuer ? { issuer } : {}) }),
  port, type, authMethod, ...options,
});
/** Cotter's `login_with_email_link(api_key, port)`. */
export const loginWithEmailLink = cotterLogin('EMAIL', 'MAGIC_LINK');
/** Cotter's `login_with_email_otp(api_key, port)`. */
export const loginWithEmailOtp = cotterLogin('EMAIL', 'OTP');
/** Cotter's `login_with_phone_link(api_key, port)`. */
export const loginWithPhoneLink = cotterLogin('PHONE', 'MAGIC_LINK');
/** Cotter's `login_with_phone_otp(api_key, port)`. */
export const loginWithPhoneOtp = cotterLogin('PHONE', 'OTP');

// Writes `text` to `file` atomically (a temporary file in the same folder,
// mode 0600, then renamed over it).
async function writeAtomic(file, text) {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const handle = await fs.open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, file);
}

async function readText(file) {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    if (e.code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * A session storage over a token file (for `createSession({ storage })`):
 * written atomically with mode 0600. A file that is not edgetoken's is
 * never removed or overwritten by anything but valid tokens.
 */
export function fileStorage(file) {
  return {
    get: () => readText(file),
    set: (_key, value) => writeAtomic(file, value),
    async remove() {
      const text = await readText(file);
      if (text === null) return;
      try {
        wasm.parseStored(text);
      } catch {
        return; // not ours: left as it is
      }
      await fs.unlink(file).catch((e) => { if (e.code !== 'ENOENT') throw e; });
    },
  };
}

// The stored tokens of `file`, checked: TokenFileInvalid for anything else.
async function readTokens(file) {
  let text;
  try {
    text = await readText(file);
  } catch (e) {
    throw new TokenFileInvalid(`the token file cannot be read: ${e.message}`, { cause: e });
  }
  if (text === null) throw new NotSignedIn(`no token file at ${file}: log in first`);
  try {
    return wasm.parseStored(text);
  } catch (e) {
    throw new TokenFileInvalid(`${file} is not an edgetoken token file (${e.message}); it was left as it is`);
  }
}

// Runs `fn` holding `${file}.lock` (created exclusively; one left by a
// process that died is taken over after `stale` ms). `TokenFileLocked`
// after `wait` ms.
async function withLock(file, fn, { wait = 20_000, stale = 30_000 } = {}) {
  const lock = `${file}.lock`;
  const until = Date.now() + wait;
  for (;;) {
    try {
      const handle = await fs.open(lock, fsc.O_CREAT | fsc.O_EXCL | fsc.O_WRONLY, 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw new TokenFileLocked(`cannot lock ${file}: ${e.message}`, { cause: e });
      const age = await fs.stat(lock).then((st) => Date.now() - st.mtimeMs, () => 0);
      if (age > stale) await fs.unlink(lock).catch(() => {});
      else if (Date.now() > until) throw new TokenFileLocked(`${lock} is held by another process`);
      else await new Promise((r) => { setTimeout(r, 50); });
    }
  }
  try {
    return await fn();
  } finally {
    await fs.unlink(lock).catch(() => {});
  }
}

/**
 * The tokens of a token file (Cotter's `get_token_from_file(path,
 * api_key)`): `{ access_token, id_token, refresh_token, expires_at, sub }`,
 * refreshed first through `provider` when fewer than `leeway` seconds
 * remain (at most half the token's lifetime), with the rotated refresh
 * token written back. Processes that call it at once refresh once: one
 * holds the file's lock and refreshes, the others then read its result.
 * A missing file is `NotSignedIn`; a corrupt or foreign one
 * `TokenFileInvalid`, and it is left as it is.
 */
export async function getTokenFromFile(file, { provider, leeway = 60 } = {}) {
  if (!provider) throw new OptionsInvalid('getTokenFromFile needs the provider');
  const due = (stored) => wasm.needsRefresh(stored, Date.now() / 1000, leeway);
  const stored = await readTokens(file);
  if (!due(stored)) return tokensOf(stored);
  return withLock(file, async () => {
    const now = await readTokens(file);
    if (!due(now)) return tokensOf(now); // another process refreshed meanwhile
    const session = createSession({ provider, storage: fileStorage(file), autoRefresh: false, crossTab: false, refreshLeeway: leeway });
    await session.getAccessToken();
    return session.tokens;
  });
}

/** Cotter's `validate_access_token`: verifies it for the preset's issuer and audience, and that it is an access token. */
export async function validateAccessToken(token, provider) {
  const result = await provider.verify(token, provider.type === 'cotter' ? {} : { audience: provider.accessToken?.audience ?? provider.clientId });
  if (provider.type === 'cotter' && result.payload.type !== 'client_access_token') {
    throw new OptionsInvalid('not a Cotter access token (type is not client_access_token)');
  }
  return result.payload;
}

/** Cotter's `validate_id_token`: verifies it for the preset's issuer and audience, and that it is an ID token. */
export async function validateIdToken(token, provider) {
  const result = await provider.verify(token, { requiredClaims: ['sub'] });
  if (provider.type === 'cotter' && result.payload.type !== 'client_id_token') {
    throw new OptionsInvalid('not a Cotter ID token (type is not client_id_token)');
  }
  return result.payload;
}
