// A test client of the local issuer: drives its login page and dev mailbox
// over HTTP the way a browser and a user would.
import { createHash, randomBytes } from 'node:crypto';

export const b64json = (seg) => JSON.parse(Buffer.from(seg, 'base64url').toString('utf8'));

/** A PKCE verifier and its S256 challenge. */
export function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function latestMail(base, to) {
  const [mail] = await fetch(`${base}/mailbox.json?to=${encodeURIComponent(to)}`).then((r) => r.json());
  if (!mail) throw new Error(`no mail for ${to}`);
  return mail;
}

/** The login page's redirect flow; resolves to `{ code, state, challengeId, verifier, redirect, apiKey }`. */
export async function signInWithRedirect(base, { apiKey, identifier, type = identifier.startsWith('+') ? 'PHONE' : 'EMAIL',
  method = 'OTP', state = randomBytes(8).toString('hex'), redirect = 'http://127.0.0.1:9/callback' }) {
  const { verifier, challenge } = pkcePair();
  const form = (action, fields) => fetch(`${base}${action}`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields),
  });
  const started = await form('/app/start', { api_key: apiKey, redirect_url: redirect, state, code_challenge: challenge,
    type, auth_method: method, identifier });
  if (started.status !== 200) throw new Error(`start failed: ${started.status} ${await started.text()}`);
  const mail = await latestMail(base, identifier);
  const done = method === 'OTP'
    ? await form('/app/verify', { challenge_id: String(mail.challenge_id), otp: mail.otp })
    : await fetch(mail.link, { redirect: 'manual' });
  if (done.status !== 303) throw new Error(`sign-in failed: ${done.status} ${await done.text()}`);
  const to = new URL(done.headers.get('location'));
  return { code: to.searchParams.get('code'), state: to.searchParams.get('state'),
    challengeId: Number(to.searchParams.get('challenge_id')), verifier, redirect, apiKey };
}

/** Cotter's code exchange (`get_identity`). */
export function exchangeCode(base, { code, challengeId, verifier, redirect, apiKey }) {
  return fetch(`${base}/api/v0/verify/get_identity?oauth_token=true`, {
    method: 'POST', headers: { 'content-type': 'application/json', API_KEY_ID: apiKey },
    body: JSON.stringify({ code_verifier: verifier, authorization_code: code, challenge_id: challengeId, redirect_url: redirect }),
  });
}

/** The in-page OTP flow; resolves to the auth payload. */
export async function signInInPage(base, { apiKey, identifier, type = identifier.startsWith('+') ? 'PHONE' : 'EMAIL' }) {
  const post = (p, body) => fetch(`${base}${p}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  }).then(async (r) => {
    if (r.status !== 200) throw new Error(`${p}: ${r.status} ${await r.text()}`);
    return r.json();
  });
  const start = await post('/app/api/start', { api_key: apiKey, identifier, type, auth_method: 'OTP' });
  const mail = await latestMail(base, identifier);
  return post('/app/api/verify', { ...start, otp: mail.otp });
}

/** Cotter's refresh call. */
export function refresh(base, apiKey, refreshToken) {
  return fetch(`${base}/api/v0/token/${apiKey}`, {
    method: 'POST', headers: { 'content-type': 'application/json', API_KEY_ID: apiKey },
    body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
}

/**
 * A standard authorization request to the OpenID Connect profile's
 * `/authorize` (`authorizationUrl`, built by the caller), signed in by OTP
 * through the pages it serves: resolves to the callback URL the issuer
 * redirects to.
 */
export async function signInStandard(base, authorizationUrl, identifier) {
  const page = await fetch(authorizationUrl, { redirect: 'manual' });
  if (page.status !== 200) return new URL(page.headers.get('location') ?? `${base}/?status=${page.status}`);
  const html = await page.text();
  const fields = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)]
    .map(([, k, v]) => [k, v.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/&amp;/g, '&')]));
  const form = (action, body) => fetch(`${base}${action}`, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body),
  });
  const started = await form('/app/start', { ...fields, identifier });
  if (started.status !== 200) throw new Error(`start failed: ${started.status} ${await started.text()}`);
  const mail = await latestMail(base, identifier);
  const done = await form('/app/verify', { challenge_id: String(mail.challenge_id), otp: mail.otp });
  if (done.status !== 303) throw new Error(`sign-in failed: ${done.status} ${await done.text()}`);
  return new URL(done.headers.get('location'));
}
