// Sign-in by authorization code with PKCE, for any runtime: the URL to send
// the user to (Cotter's sign-in page, or an OpenID Connect authorization
// endpoint) with the pending sign-in to keep, and the callback that checks
// `state` and exchanges the code. The exchange itself is Rust
// (edgetoken.js: `signInExchange`, with the fetch rules of every request).
// Browsers keep the pending sign-in for any tab of the origin
// (session.js); the Node CLI login keeps it in memory (login-node.js).
import * as wasm from './edgetoken.js';
import { OptionsInvalid } from './errors.js';
import {
  SignInDenied, SignInExpired, SignInInvalidCallback, SignInStateMismatch, SignInUnknown,
} from './errors-remote.js';
import { toClass } from './calls.js';

/** How long a pending sign-in is kept, in seconds. */
export const SIGN_IN_TTL = 600;

const b64u = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const random = (n) => b64u(crypto.getRandomValues(new Uint8Array(n)));

/** The S256 challenge of a PKCE verifier (RFC 7636 §4.2). */
export async function pkceChallenge(verifier) {
  return b64u(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

function absoluteHttp(value, name) {
  let url;
  try {
    url = new URL(value);
  } catch {
    throw new OptionsInvalid(`${name} must be an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new OptionsInvalid(`${name} must be an http(s) URL`);
  return url;
}

/**
 * A new sign-in for `provider` (from `cotter()` or `oidc()`): `{ url,
 * pending }`. `url` is where the user signs in; `pending` (JSON-safe) is
 * what the callback needs: keep it until then, and use it once. Options:
 * `redirectUri` (where the issuer sends the user back), for Cotter `type`
 * ('EMAIL' or 'PHONE') and `authMethod` ('MAGIC_LINK' or 'OTP'), for
 * OpenID Connect `scope` ('openid' by default), and `loginHint`, `params`
 * (more query parameters).
 */
export async function prepareSignIn(provider, { redirectUri, type = 'EMAIL', authMethod = 'MAGIC_LINK', scope = 'openid', loginHint, params = {} } = {}) {
  if (!provider || (provider.type !== 'cotter' && provider.type !== 'oauth2')) throw new OptionsInvalid('provider must come from cotter() or oidc()');
  const redirect = absoluteHttp(redirectUri, 'redirectUri').href;
  if (type !== 'EMAIL' && type !== 'PHONE') throw new OptionsInvalid('type must be "EMAIL" or "PHONE"');
  if (authMethod !== 'MAGIC_LINK' && authMethod !== 'OTP') throw new OptionsInvalid('authMethod must be "MAGIC_LINK" or "OTP"');
  if (typeof scope !== 'string' || !scope.split(' ').includes('openid')) throw new OptionsInvalid('scope must include "openid"');
  if (params === null || typeof params !== 'object') throw new OptionsInvalid('params must be an object of strings');
  const verifier = random(32);
  const state = random(16);
  const challenge = await pkceChallenge(verifier);
  const cotterFlow = provider.type === 'cotter';
  const nonce = cotterFlow ? undefined : random(16);
  let url;
  if (cotterFlow) {
    url = absoluteHttp(provider.signInUrl, 'the provider\'s signInUrl');
    for (const [k, v] of Object.entries({ api_key: provider.apiKeyId, redirect_url: redirect, state, code_challenge: challenge, type, auth_method: authMethod })) {
      url.searchParams.set(k, v);
    }
    if (loginHint !== undefined) url.searchParams.set('identifier', String(loginHint));
  } else {
    if (typeof provider.authorizationEndpoint !== 'string') throw new OptionsInvalid('the issuer has no authorization_endpoint');
    url = absoluteHttp(provider.authorizationEndpoint, 'the issuer\'s authorization_endpoint');
    for (const [k, v] of Object.entries({
      client_id: provider.clientId, redirect_uri: redirect, response_type: 'code', scope, state, nonce,
      code_challenge: challenge, code_challenge_method: 'S256',
    })) url.searchParams.set(k, v);
    if (loginHint !== undefined) url.searchParams.set('login_hint', String(loginHint));
  }
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
  const now = Date.now();
  const pending = {
    v: 1, state, verifier, nonce, redirectUri: redirect, issuer: provider.issuer,
    client: cotterFlow ? provider.apiKeyId : provider.clientId, createdAt: now, expiresAt: now + SIGN_IN_TTL * 1000,
  };
  return { url: url.href, pending };
}

/** Whether a URL is a sign-in callback (it carries `code` or `error`, and `state`). */
export function isSignInCallback(url) {
  const q = new URL(url).searchParams;
  return (q.has('code') || q.has('error')) && q.has('state');
}

/**
 * Finishes a sign-in from its callback URL: the issuer's error
 * (`SignInDenied`), no pending sign-in (`SignInUnknown`), another state
 * (`SignInStateMismatch`), an expired one (`SignInExpired`) or a malformed
 * callback (`SignInInvalidCallback`) each throw; then the code is exchanged
 * with the verifier. Resolves to `{ tokens, nonce, payload }`: the token
 * response (Cotter: its auth payload, also as `payload`) and the nonce the
 * ID token must carry. `pending` comes from `prepareSignIn`.
 */
export async function finishSignIn(provider, pending, callbackUrl, { timeoutDuration = 10_000 } = {}) {
  const q = new URL(callbackUrl).searchParams;
  if (q.has('error')) {
    const e = new SignInDenied(`the issuer refused the sign-in: ${q.get('error')}${q.get('error_description') ? ` (${q.get('error_description')})` : ''}`);
    e.error = q.get('error');
    e.errorDescription = q.get('error_description') ?? undefined;
    throw e;
  }
  if (!pending) {
    throw new SignInUnknown('no sign-in was started here: open the link in the browser (and on the device) where the sign-in started');
  }
  if (q.get('state') !== pending.state) throw new SignInStateMismatch('the callback\'s state is not the sign-in\'s');
  if (!(Date.now() < pending.expiresAt)) throw new SignInExpired('the sign-in expired: start again');
  if (provider.type === 'oauth2' && q.has('iss') && q.get('iss') !== provider.issuer) {
    throw new SignInInvalidCallback('the callback comes from another issuer (RFC 9207)');
  }
  const code = q.get('code');
  if (!code) throw new SignInInvalidCallback('the callback has no code');
  const challengeId = q.has('challenge_id') ? Number(q.get('challenge_id')) : undefined;
  let text;
  try {
    text = await wasm.signInExchange(provider, provider.exchangeEndpoint ?? '', code, pending.verifier, pending.redirectUri, challengeId, timeoutDuration);
  } catch (e) {
    throw toClass(e);
  }
  const body = JSON.parse(text);
  if (provider.type !== 'cotter') return { tokens: body, nonce: pending.nonce };
  // Cotter's auth payload, as its SDKs hand it to the page's backend
  const who = body.identifier?.identifier_type === 'PHONE' ? { phone: body.identifier.identifier }
    : { email: body.identifier?.identifier ?? body.user?.identifier };
  const payload = { ...who, oauth_token: body.oauth_token, user: body.user };
  return { tokens: payload, payload, nonce: undefined };
}
