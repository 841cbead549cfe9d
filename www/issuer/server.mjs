// A local issuer that speaks Cotter's API and OpenID Connect, for the demo
// and the tests. It listens on 127.0.0.1 only, signs with WebCrypto (never
// with edgetoken), keeps its data in SQLite, and has knobs for tests.
//
//   node www/issuer/server.mjs [--port 8790] [--db www/issuer/data/issuer.sqlite]
//        [--api-key dev-api-key]... [--access-ttl 3600] [--id-ttl 3600]
//        [--refresh-ttl 2592000] [--code-ttl 300]
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { openStore } from './store.mjs';
import { newSigningKey, pkceChallenge, randomDigits, randomToken, signJwt, validVerifier } from './crypto.mjs';
import { loginPage, messagePage, otpPage, mailboxPage } from './pages.mjs';

const GO_ZERO_TIME = '0001-01-01T00:00:00Z';
const sec = () => Math.floor(Date.now() / 1000);

class HttpError extends Error {
  constructor(status, body, headers = {}) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}
// Cotter's error shape: {"msg": "…", "type": ""}.
const cotterError = (status, msg) => new HttpError(status, { msg, type: '' });
// RFC 6749 §5.2 error shape; a 401 invalid_client says how to authenticate.
const oauthError = (status, error, description) => new HttpError(status, { error, error_description: description },
  status === 401 ? { 'www-authenticate': 'Basic realm="local issuer"' } : {});
// The OpenID Connect profile's client: a known client_id (the API key ids), or 401.
const requireClient = (apiKeys, clientId) => {
  if (typeof clientId !== 'string' || !apiKeys.has(clientId)) throw oauthError(401, 'invalid_client', 'unknown client_id');
  return clientId;
};

async function readBody(req, limit = 64 * 1024) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw cotterError(413, 'request body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
  if (type === 'application/json') {
    try {
      const v = JSON.parse(text || '{}');
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
      return v;
    } catch {
      throw cotterError(400, 'request body is not a JSON object');
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}

const isLoopback = (addr) => addr === '127.0.0.1' || addr === '::1' || addr === '::ffff:127.0.0.1';
const validEmail = (s) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s) && s.length <= 254;
const validPhone = (s) => /^\+[1-9]\d{6,14}$/.test(s);
function validRedirect(u) {
  try {
    const url = new URL(u);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Starts the issuer. Resolves to `{ url, issuer, apiKeys, config, admin, close }`.
 * Times are in seconds.
 */
export async function startIssuer(options = {}) {
  const config = {
    accessTtl: 3600, idTtl: 3600, refreshTtl: 30 * 86400, codeTtl: 300, otpTtl: 600,
    jwksMaxAge: 300, keyOverlap: 3600, ...pick(options, ['accessTtl', 'idTtl', 'refreshTtl', 'codeTtl', 'otpTtl', 'jwksMaxAge', 'keyOverlap']),
  };
  const apiKeys = new Set(options.apiKeys ?? ['dev-api-key']);
  const store = await openStore(options.db ?? null);
  const counts = new Map();
  const faults = new Map(); // endpoint -> [{ mode, status, delayMs }]
  // Misbehaviour on demand, to test clients: sign with a key that is not
  // published, put another user in the ID token, or omit the rotated
  // refresh token from refresh responses (and keep the old one valid).
  const tamper = { rogueKey: false, idTokenSub: null, omitRefreshToken: false };
  let rogue = null;

  if (!store.one('SELECT kid FROM keys WHERE retired_at IS NULL')) await rotateKeys(0);

  async function rotateKeys(overlap = config.keyOverlap) {
    const k = await newSigningKey();
    const now = sec();
    store.tx(() => {
      store.run('UPDATE keys SET retired_at = ?, unpublish_at = ? WHERE retired_at IS NULL', [now, now + overlap]);
      store.run('INSERT INTO keys (kid, private_jwk, public_jwk, created_at) VALUES (?, ?, ?, ?)',
        [k.kid, JSON.stringify(k.privateJwk), JSON.stringify(k.publicJwk), now]);
    });
    return k.kid;
  }
  const activeKey = () => store.one('SELECT * FROM keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1');
  const publishedKeys = () => store.all('SELECT public_jwk FROM keys WHERE retired_at IS NULL OR unpublish_at > ? ORDER BY created_at DESC', [sec()])
    .map((r) => JSON.parse(r.public_jwk));

  let base;
  let issuerId;

  function requireApiKey(key) {
    if (typeof key !== 'string' || !apiKeys.has(key)) throw cotterError(401, 'API_KEY_ID is not valid');
    return key;
  }

  function userJson(u, apiKey) {
    return { ID: u.id, created_at: u.created_at, updated_at: u.updated_at, deleted_at: GO_ZERO_TIME, issuer: apiKey, identifier: u.identifier };
  }

  function findOrCreateUser(identifier, type) {
    const existing = store.one('SELECT * FROM users WHERE identifier = ?', [identifier]);
    if (existing) return existing;
    const now = new Date().toISOString();
    const u = { id: crypto.randomUUID(), identifier, identifier_type: type, issuer: issuerId, created_at: now, updated_at: now };
    store.run('INSERT INTO users (id, identifier, identifier_type, issuer, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
      [u.id, u.identifier, u.identifier_type, u.issuer, u.created_at, u.updated_at]);
    return u;
  }

  // Exactly Cotter's claim sets (see shared COTTER.md). In the OpenID
  // Connect profile (`oidc`), the ID token follows OpenID Connect Core:
  // `auth_time` is a number, and the sign-in's `nonce` is carried.
  async function signTokens(user, apiKey, authMethod, authTime, refreshToken, { oidc = false, nonce } = {}) {
    let key = activeKey();
    if (tamper.rogueKey) {
      rogue ??= await newSigningKey();
      key = { kid: rogue.kid, private_jwk: JSON.stringify(rogue.privateJwk) };
    }
    const priv = JSON.parse(key.private_jwk);
    const now = sec();
    const access = {
      client_user_id: user.id, authentication_method: authMethod, type: 'client_access_token', scope: 'access',
      aud: apiKey, exp: now + config.accessTtl, jti: crypto.randomUUID(), iat: now, iss: issuerId, sub: user.id,
      identifier: user.identifier,
    };
    const id = {
      client_user_id: user.id, auth_time: String(authTime), identifier: user.identifier, type: 'client_id_token',
      aud: apiKey, exp: now + config.idTtl, jti: crypto.randomUUID(), iat: now, iss: issuerId, sub: tamper.idTokenSub ?? user.id,
    };
    if (oidc) {
      id.auth_time = Number(authTime);
      if (nonce) id.nonce = nonce;
    }
    return {
      access_token: await signJwt(priv, key.kid, access),
      id_token: await signJwt(priv, key.kid, id),
      refresh_token: refreshToken,
      expires_in: config.accessTtl,
      token_type: 'Bearer',
      auth_method: authMethod,
    };
  }

  // Starts a refresh-token family (a sign-in) and returns the first token.
  function newRefreshToken(user, apiKey, authMethod, authTime, family) {
    const token = `${randomDigits(8)}:${randomToken(32)}`;
    const now = sec();
    store.run(`INSERT INTO refresh_tokens (token, family, user_id, api_key, auth_method, auth_time, created_at, expires_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, [token, family, user.id, apiKey, authMethod, authTime, now, now + config.refreshTtl]);
    return token;
  }

  // Rotation with reuse detection: a rotated token presented again revokes
  // its whole family. Returns tokens, or throws `error(msg)`.
  async function refreshGrant(token, apiKey, error, profile = {}) {
    const now = sec();
    const rotated = store.tx(() => {
      const row = typeof token === 'string' ? store.one('SELECT * FROM refresh_tokens WHERE token = ?', [token]) : undefined;
      if (!row || row.api_key !== apiKey) return { error: 'refresh token is not valid' };
      if (row.revoked_at) return { error: 'refresh token has been revoked' };
      if (row.rotated_at) {
        store.run('UPDATE refresh_tokens SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL', [now, row.family]);
        return { error: 'refresh token was already used; the session is revoked' };
      }
      if (row.expires_at <= now) return { error: 'refresh token has expired' };
      const user = store.one('SELECT * FROM users WHERE id = ?', [row.user_id]);
      if (!user) return { error: 'user no longer exists' };
      if (tamper.omitRefreshToken) return { user, row, next: undefined };
      store.run('UPDATE refresh_tokens SET rotated_at = ? WHERE token = ?', [now, token]);
      const next = newRefreshToken(user, apiKey, row.auth_method, row.auth_time, row.family);
      return { user, row, next };
    });
    if (rotated.error) throw error(rotated.error);
    const tokens = await signTokens(rotated.user, apiKey, rotated.row.auth_method, rotated.row.auth_time, rotated.next, profile);
    if (rotated.next === undefined) delete tokens.refresh_token;
    return tokens;
  }

  // Revokes the family of a refresh token; with `clientId`, only one
  // issued to that client (RFC 7009 §2.1).
  function revokeFamilyOf(token, clientId) {
    store.tx(() => {
      const row = store.one('SELECT family, api_key FROM refresh_tokens WHERE token = ?', [token]);
      if (row && (clientId === undefined || row.api_key === clientId)) {
        store.run('UPDATE refresh_tokens SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL', [sec(), row.family]);
      }
    });
  }

  // PKCE code redemption: single use, short-lived, bound to the challenge,
  // the redirect URL, the API key and the code_challenge.
  // A code presented again revokes the tokens issued from it (RFC 6749
  // §4.1.2). `oidc`: the tokens of the OpenID Connect profile.
  async function redeemCode({ code, challengeId, redirectUrl, verifier, apiKey, oidc = false }, error) {
    const computed = validVerifier(verifier) ? await pkceChallenge(verifier) : null;
    const now = sec();
    const out = store.tx(() => {
      const row = typeof code === 'string'
        ? store.one('SELECT codes.code, codes.created_at AS code_created, codes.used_at, challenges.* FROM codes JOIN challenges ON challenges.id = codes.challenge_id WHERE codes.code = ?', [code])
        : undefined;
      if (!row) return { error: 'authorization code is not valid' };
      if (row.used_at) {
        const issued = store.one('SELECT family FROM codes WHERE code = ?', [code]);
        if (issued?.family) store.run('UPDATE refresh_tokens SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL', [now, issued.family]);
        return { error: 'authorization code was already used; the tokens issued from it are revoked' };
      }
      store.run('UPDATE codes SET used_at = ? WHERE code = ?', [now, code]);
      if (challengeId !== undefined && Number(challengeId) !== row.id) return { error: 'challenge_id does not match the code' };
      if (now - row.code_created >= config.codeTtl) return { error: 'authorization code has expired' };
      if (row.api_key !== apiKey) return { error: 'authorization code was issued to another API key' };
      if (row.redirect_url !== redirectUrl) return { error: 'redirect_url does not match' };
      if (!computed || computed !== row.code_challenge) return { error: 'code_verifier does not match the code_challenge' };
      const user = findOrCreateUser(row.identifier, row.identifier_type);
      const family = crypto.randomUUID();
      const refresh = newRefreshToken(user, apiKey, row.used_method, row.completed_at, family);
      store.run('UPDATE codes SET family = ? WHERE code = ?', [family, code]);
      return { row, user, refresh };
    });
    if (out.error) throw error(out.error);
    const tokens = await signTokens(out.user, apiKey, out.row.used_method, out.row.completed_at, out.refresh,
      { oidc, nonce: out.row.nonce ?? undefined });
    return { ...out, tokens };
  }

  // The auth payload a frontend sends its backend (COTTER.md).
  function authPayload(challenge, user, tokens) {
    const who = challenge.identifier_type === 'PHONE' ? { phone: user.identifier } : { email: user.identifier };
    return { ...who, oauth_token: tokens, user: userJson(user, challenge.api_key) };
  }

  function startChallenge(input, { redirectFlow }) {
    const apiKey = requireApiKey(input.api_key);
    const type = input.type ?? 'EMAIL';
    const method = input.auth_method ?? 'OTP';
    const identifier = String(input.identifier ?? '').trim();
    if (type !== 'EMAIL' && type !== 'PHONE') throw cotterError(400, 'type must be EMAIL or PHONE');
    if (method !== 'OTP' && method !== 'MAGIC_LINK') throw cotterError(400, 'auth_method must be OTP or MAGIC_LINK');
    if (type === 'EMAIL' ? !validEmail(identifier) : !validPhone(identifier)) {
      throw cotterError(400, type === 'EMAIL' ? 'enter a valid email address' : 'enter a phone number like +15555550100');
    }
    if (redirectFlow) {
      if (!validRedirect(input.redirect_url)) throw cotterError(400, 'redirect_url must be an http(s) URL');
      if (typeof input.code_challenge !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(input.code_challenge)) {
        throw cotterError(400, 'code_challenge must be an S256 challenge (43 base64url characters)');
      }
    }
    const oidc = redirectFlow && input.profile === 'oidc';
    if (oidc && (typeof input.nonce !== 'string' || input.nonce.length > 256)) throw cotterError(400, 'nonce must be a string of at most 256 characters');
    const otp = randomDigits(6);
    const linkToken = randomToken(24);
    const pollSecret = randomToken(24);
    const now = sec();
    return store.tx(() => {
      const id = store.run(`INSERT INTO challenges (api_key, identifier, identifier_type, auth_method, otp, link_token, poll_secret,
          code_challenge, redirect_url, state, created_at, nonce, profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [apiKey, identifier, type, method, otp, linkToken, pollSecret, redirectFlow ? input.code_challenge : null,
        redirectFlow ? input.redirect_url : null, redirectFlow ? (input.state ?? '') : null, now,
        oidc && input.nonce ? input.nonce : null, oidc ? 'oidc' : null]);
      const link = `${base}/app/magic?token=${linkToken}`;
      store.run('INSERT INTO mailbox (to_addr, otp, link, challenge_id, created_at) VALUES (?, ?, ?, ?, ?)',
        [identifier, method === 'OTP' ? otp : '', method === 'MAGIC_LINK' ? link : '', id, now]);
      return { id, method, identifier, pollSecret };
    });
  }

  // Marks a challenge signed in. Redirect flow: returns the redirect URL
  // carrying a fresh single-use code. In-page flow: returns null.
  function completeChallenge(ch, method) {
    const now = sec();
    return store.tx(() => {
      store.run('UPDATE challenges SET completed_at = ?, used_method = ? WHERE id = ?', [now, method, ch.id]);
      if (!ch.redirect_url) return null;
      const code = randomToken(32);
      store.run('INSERT INTO codes (code, challenge_id, created_at) VALUES (?, ?, ?)', [code, ch.id, now]);
      const url = new URL(ch.redirect_url);
      url.searchParams.set('code', code);
      url.searchParams.set('state', ch.state ?? '');
      if (ch.profile === 'oidc') url.searchParams.set('iss', issuerId); // RFC 9207
      else url.searchParams.set('challenge_id', String(ch.id));
      return url.toString();
    });
  }

  function checkOtp(ch, otp) {
    if (!ch) throw cotterError(400, 'unknown sign-in');
    if (ch.completed_at) throw cotterError(400, 'this sign-in is already complete');
    if (ch.auth_method !== 'OTP') throw cotterError(400, 'this sign-in uses a magic link');
    if (sec() - ch.created_at >= config.otpTtl) throw cotterError(400, 'the code has expired; start again');
    if (ch.attempts >= 5) throw cotterError(400, 'too many wrong codes; start again');
    if (String(otp ?? '').trim() !== ch.otp) {
      store.tx(() => store.run('UPDATE challenges SET attempts = attempts + 1 WHERE id = ?', [ch.id]));
      throw cotterError(400, 'wrong code');
    }
  }

  // Issues the in-page payload once, after the challenge completed.
  async function takePayload(ch) {
    const taken = store.tx(() => {
      const fresh = store.one('SELECT * FROM challenges WHERE id = ?', [ch.id]);
      if (!fresh.completed_at || fresh.payload_taken || fresh.redirect_url) return null;
      store.run('UPDATE challenges SET payload_taken = 1 WHERE id = ?', [ch.id]);
      const user = findOrCreateUser(fresh.identifier, fresh.identifier_type);
      return { fresh, user, refresh: newRefreshToken(user, fresh.api_key, fresh.used_method, fresh.completed_at, crypto.randomUUID()) };
    });
    if (!taken) return null;
    const tokens = await signTokens(taken.user, taken.fresh.api_key, taken.fresh.used_method, taken.fresh.completed_at, taken.refresh);
    return authPayload(taken.fresh, taken.user, tokens);
  }

  const inPageChallenge = (body) => {
    const ch = store.one('SELECT * FROM challenges WHERE id = ? AND poll_secret = ?', [Number(body.challenge_id), String(body.poll_secret ?? '')]);
    if (!ch || ch.redirect_url) throw cotterError(400, 'unknown sign-in');
    return ch;
  };

  const routes = [
    ['GET', /^\/\.well-known\/openid-configuration$/, 'discovery', () => ({
      issuer: issuerId,
      authorization_endpoint: `${base}/authorize`,
      token_endpoint: `${base}/oauth/token`,
      revocation_endpoint: `${base}/oauth/revoke`,
      jwks_uri: `${base}/api/v0/token/jwks`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'],
      token_endpoint_auth_methods_supported: ['none'],
      revocation_endpoint_auth_methods_supported: ['none'],
      scopes_supported: ['openid'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce'],
      authorization_response_iss_parameter_supported: true,
    })],
    ['GET', /^\/api\/v0\/token\/jwks$/, 'jwks', (_req, res) => {
      res.setHeader('cache-control', `public, max-age=${config.jwksMaxAge}`);
      return { keys: publishedKeys() };
    }],
    ['POST', /^\/api\/v0\/token(?:\/([^/]+))?$/, 'refresh', async (req, _res, m) => {
      const apiKey = requireApiKey(req.headers.api_key_id ?? m[1]);
      if (m[1] && m[1] !== apiKey) throw cotterError(401, 'API_KEY_ID does not match the URL');
      const body = await readBody(req);
      if (body.grant_type !== 'refresh_token') throw cotterError(400, 'grant_type must be refresh_token');
      return refreshGrant(body.refresh_token, apiKey, (msg) => cotterError(400, msg));
    }],
    ['DELETE', /^\/api\/v0\/token\/([^/]+)$/, 'logout', async (req, _res, m) => {
      requireApiKey(m[1]);
      const body = await readBody(req);
      if (typeof body.refresh_token === 'string') revokeFamilyOf(body.refresh_token);
      return { success: true };
    }],
    ['POST', /^\/api\/v0\/verify\/get_identity$/, 'get_identity', async (req) => {
      const apiKey = requireApiKey(req.headers.api_key_id);
      const body = await readBody(req);
      const out = await redeemCode({
        code: body.authorization_code, challengeId: body.challenge_id, redirectUrl: body.redirect_url,
        verifier: body.code_verifier, apiKey,
      }, (msg) => cotterError(400, msg));
      const now = new Date().toISOString();
      const payload = authPayload(out.row, out.user, out.tokens);
      return {
        identifier: {
          ID: out.user.id, created_at: out.user.created_at, updated_at: out.user.updated_at, deleted_at: GO_ZERO_TIME,
          identifier: out.user.identifier, identifier_type: out.row.identifier_type, public_key: '', device_type: '',
          device_name: '', expiry: GO_ZERO_TIME,
        },
        token: { identifier_id: out.user.id, expire_at: String(sec() + config.accessTtl), signature: randomToken(32), timestamp: now },
        oauth_token: out.tokens,
        user: payload.user,
      };
    }],
    ['POST', /^\/oauth\/token$/, 'oidc_token', async (req) => {
      const body = await readBody(req);
      // RFC 6749 §5.2: a missing parameter is invalid_request
      if (typeof body.grant_type !== 'string' || !body.grant_type) throw oauthError(400, 'invalid_request', 'grant_type is missing');
      const clientId = requireClient(apiKeys, body.client_id);
      const grantError = (msg) => oauthError(400, 'invalid_grant', msg);
      const missing = (name) => oauthError(400, 'invalid_request', `${name} is missing`);
      let tokens;
      if (body.grant_type === 'refresh_token') {
        if (typeof body.refresh_token !== 'string' || !body.refresh_token) throw missing('refresh_token');
        tokens = await refreshGrant(body.refresh_token, clientId, grantError, { oidc: true });
      } else if (body.grant_type === 'authorization_code') {
        if (typeof body.code !== 'string' || !body.code) throw missing('code');
        tokens = (await redeemCode({
          code: body.code, redirectUrl: body.redirect_uri, verifier: body.code_verifier, apiKey: clientId, oidc: true,
        }, grantError)).tokens;
      } else {
        throw oauthError(400, 'unsupported_grant_type', 'grant_type must be refresh_token or authorization_code');
      }
      const { auth_method: _omit, ...standard } = tokens;
      return standard;
    }],
    // RFC 7009: only the client a token was issued to revokes it (any
    // other token, or none, is answered 200 all the same, §2.2).
    ['POST', /^\/oauth\/revoke$/, 'revoke', async (req) => {
      const body = await readBody(req);
      const clientId = requireClient(apiKeys, body.client_id);
      if (typeof body.token === 'string') revokeFamilyOf(body.token, clientId);
      return {};
    }],
    // The standard authorization endpoint of the OpenID Connect profile
    // (RFC 6749 §4.1.1 with PKCE, OpenID Connect Core §3.1.2): the same
    // passwordless sign-in as Cotter's /app, redirecting back with `code`,
    // `state` and `iss`, and an ID token with the request's `nonce`.
    ['GET', /^\/authorize$/, 'authorize', (req, res) => {
      const q = Object.fromEntries(new URL(req.url, base).searchParams);
      // an unknown client or redirect URI is told to the user, never redirected to (§4.1.2.1)
      if (typeof q.client_id !== 'string' || !apiKeys.has(q.client_id)) {
        return html(res, 400, messagePage('Sign-in request not valid', 'Unknown client_id.'));
      }
      if (!validRedirect(q.redirect_uri)) return html(res, 400, messagePage('Sign-in request not valid', 'redirect_uri must be an http(s) URL.'));
      const back = (error, description) => {
        const to = new URL(q.redirect_uri);
        to.searchParams.set('error', error);
        to.searchParams.set('error_description', description);
        if (q.state !== undefined) to.searchParams.set('state', q.state);
        to.searchParams.set('iss', issuerId);
        return redirect(res, to.toString());
      };
      if (q.response_type !== 'code') return back('unsupported_response_type', 'response_type must be code');
      if (!String(q.scope ?? '').split(' ').includes('openid')) return back('invalid_scope', 'scope must include openid');
      if (q.code_challenge_method !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(q.code_challenge ?? '')) {
        return back('invalid_request', 'PKCE with code_challenge_method S256 is required');
      }
      if (q.nonce !== undefined && q.nonce.length > 256) return back('invalid_request', 'nonce is too long');
      return html(res, 200, loginPage({
        api_key: q.client_id, redirect_url: q.redirect_uri, state: q.state ?? '', code_challenge: q.code_challenge,
        type: q.type === 'PHONE' ? 'PHONE' : 'EMAIL', auth_method: q.auth_method === 'MAGIC_LINK' ? 'MAGIC_LINK' : 'OTP',
        nonce: q.nonce ?? '', profile: 'oidc', identifier: q.login_hint,
      }));
    }],
    ['GET', /^\/app$/, 'app', (req, res) => {
      const q = Object.fromEntries(new URL(req.url, base).searchParams);
      return html(res, 200, loginPage(q));
    }],
    ['POST', /^\/app\/start$/, 'app_start', async (req, res) => {
      const body = await readBody(req);
      try {
        const ch = startChallenge(body, { redirectFlow: true });
        return html(res, 200, ch.method === 'OTP' ? otpPage(ch) : messagePage('Check your mailbox',
          `We sent a sign-in link to ${ch.identifier}. Open it from the <a href="/mailbox">dev mailbox</a>.`));
      } catch (e) {
        if (!(e instanceof HttpError)) throw e;
        return html(res, e.status, loginPage(body, e.body.msg));
      }
    }],
    ['POST', /^\/app\/verify$/, 'app_verify', async (req, res) => {
      const body = await readBody(req);
      const ch = store.one('SELECT * FROM challenges WHERE id = ?', [Number(body.challenge_id)]);
      try {
        checkOtp(ch, body.otp);
      } catch (e) {
        if (!(e instanceof HttpError) || !ch) throw e;
        return html(res, e.status, otpPage(ch, e.body.msg));
      }
      const to = completeChallenge(ch, 'OTP');
      return redirect(res, to);
    }],
    ['GET', /^\/app\/magic$/, 'magic', (req, res) => {
      const token = new URL(req.url, base).searchParams.get('token') ?? '';
      const ch = store.one('SELECT * FROM challenges WHERE link_token = ? AND auth_method = ?', [token, 'MAGIC_LINK']);
      if (!ch || ch.completed_at || sec() - ch.created_at >= config.otpTtl) {
        return html(res, 400, messagePage('Link not valid', 'This sign-in link is unknown, used or expired. Start again.'));
      }
      const to = completeChallenge(ch, 'MAGIC_LINK');
      return to ? redirect(res, to) : html(res, 200, messagePage('You are signed in', 'Go back to the app: it signs you in now.'));
    }],
    // In-page sign-in (no redirect): start, then verify the OTP or poll
    // until the magic link is opened; both return the auth payload once.
    ['POST', /^\/app\/api\/start$/, 'app_api_start', async (req) => {
      const ch = startChallenge(await readBody(req), { redirectFlow: false });
      return { challenge_id: ch.id, poll_secret: ch.pollSecret, auth_method: ch.method };
    }],
    ['POST', /^\/app\/api\/verify$/, 'app_api_verify', async (req) => {
      const body = await readBody(req);
      const ch = inPageChallenge(body);
      checkOtp(ch, body.otp);
      completeChallenge(ch, 'OTP');
      return takePayload(ch);
    }],
    ['POST', /^\/app\/api\/poll$/, 'app_api_poll', async (req, res) => {
      const ch = inPageChallenge(await readBody(req));
      const payload = await takePayload(ch);
      if (payload) return payload;
      res.statusCode = 202;
      return { status: ch.payload_taken ? 'taken' : 'pending' };
    }],
    ['GET', /^\/mailbox$/, 'mailbox', (_req, res) => html(res, 200, mailboxPage(
      store.all('SELECT * FROM mailbox ORDER BY id DESC LIMIT 50')))],
    ['GET', /^\/mailbox\.json$/, 'mailbox', (req) => {
      const to = new URL(req.url, base).searchParams.get('to');
      const rows = to ? store.all('SELECT * FROM mailbox WHERE to_addr = ? ORDER BY id DESC', [to])
        : store.all('SELECT * FROM mailbox ORDER BY id DESC LIMIT 50');
      return rows.map((r) => ({ id: r.id, to: r.to_addr, otp: r.otp || null, link: r.link || null, challenge_id: r.challenge_id, created_at: r.created_at }));
    }],
    // Test knobs, loopback only.
    ['GET', /^\/__admin\/counts$/, null, () => Object.fromEntries(counts)],
    ['POST', /^\/__admin\/counts\/reset$/, null, () => { counts.clear(); return {}; }],
    ['POST', /^\/__admin\/config$/, null, async (req) => {
      Object.assign(config, pick(await readBody(req), Object.keys(config), true));
      return config;
    }],
    ['POST', /^\/__admin\/rotate-keys$/, null, async (req) => {
      const body = await readBody(req);
      return { kid: await rotateKeys(body.overlap ?? config.keyOverlap) };
    }],
    ['POST', /^\/__admin\/tamper$/, null, async (req) => {
      const body = await readBody(req);
      for (const k of Object.keys(tamper)) if (body[k] !== undefined) tamper[k] = body[k];
      return tamper;
    }],
    ['POST', /^\/__admin\/faults$/, null, async (req) => {
      const body = await readBody(req);
      addFault(body);
      return { queued: faults.get(body.endpoint)?.length ?? 0 };
    }],
  ];

  function addFault({ endpoint, mode = 'fail', count = 1, status = 503, delayMs = 1000 }) {
    if (!routes.some((r) => r[2] === endpoint)) throw cotterError(400, `unknown endpoint ${endpoint}`);
    const list = faults.get(endpoint) ?? [];
    for (let i = 0; i < count; i += 1) list.push({ mode, status, delayMs });
    faults.set(endpoint, list);
  }

  const server = http.createServer(async (req, res) => {
    res.setHeader('access-control-allow-origin', req.headers.origin ?? '*');
    res.setHeader('vary', 'origin');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
        'access-control-allow-headers': 'content-type, api_key_id, authorization',
        'access-control-max-age': '600',
      });
      return res.end();
    }
    const pathname = new URL(req.url, 'http://x').pathname;
    const route = routes.find(([method, re]) => method === req.method && re.test(pathname));
    try {
      if (!route) throw cotterError(404, 'not found');
      const [, re, name, handler] = route;
      if (name === null && !isLoopback(req.socket.remoteAddress)) throw cotterError(403, 'admin is loopback only');
      if (name) {
        counts.set(name, (counts.get(name) ?? 0) + 1);
        const fault = faults.get(name)?.shift();
        if (fault?.mode === 'delay') await new Promise((r) => setTimeout(r, fault.delayMs));
        if (fault?.mode === 'fail') throw cotterError(fault.status, 'injected failure');
      }
      const out = await handler(req, res, pathname.match(re));
      if (!res.headersSent && out !== undefined) json(res, res.statusCode === 200 ? 200 : res.statusCode, out);
    } catch (e) {
      if (res.headersSent) return res.destroy();
      if (e instanceof HttpError) {
        for (const [k, v] of Object.entries(e.headers)) res.setHeader(k, v);
        return json(res, e.status, e.body);
      }
      console.error('issuer error:', e);
      return json(res, 500, { msg: 'internal error', type: '' });
    }
    return undefined;
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  base = `http://127.0.0.1:${server.address().port}`;
  issuerId = (options.issuer ?? base).replace(/\/+$/, '');

  return {
    url: base,
    issuer: issuerId,
    apiKeys: [...apiKeys],
    config,
    admin: {
      rotateKeys,
      tamper: (t) => Object.assign(tamper, t),
      fault: addFault,
      counts: () => Object.fromEntries(counts),
      resetCounts: () => counts.clear(),
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => { store.close(); resolve(); }));
    },
  };
}

function pick(obj, keys, numbersOnly = false) {
  const out = {};
  for (const k of keys) {
    if (obj[k] === undefined) continue;
    const v = Number(obj[k]);
    if (numbersOnly && !(Number.isFinite(v) && v >= 0)) throw cotterError(400, `${k} must be a non-negative number`);
    out[k] = v;
  }
  return out;
}

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': res.getHeader('cache-control') ?? 'no-store' });
  res.end(JSON.stringify(body));
}

function html(res, status, body) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(body);
  return undefined;
}

function redirect(res, to) {
  res.writeHead(303, { location: to, 'cache-control': 'no-store' });
  res.end();
  return undefined;
}

function parseArgs(argv) {
  const opts = { apiKeys: [] };
  const names = { '--port': 'port', '--db': 'db', '--issuer': 'issuer', '--access-ttl': 'accessTtl', '--id-ttl': 'idTtl',
    '--refresh-ttl': 'refreshTtl', '--code-ttl': 'codeTtl', '--key-overlap': 'keyOverlap' };
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === '--api-key') opts.apiKeys.push(argv[i + 1]);
    else if (names[argv[i]]) opts[names[argv[i]]] = ['db', 'issuer'].includes(names[argv[i]]) ? argv[i + 1] : Number(argv[i + 1]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!opts.apiKeys.length) delete opts.apiKeys;
  return opts;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const opts = { port: 8790, db: fileURLToPath(new URL('./data/issuer.sqlite', import.meta.url)), ...parseArgs(process.argv.slice(2)) };
  const issuer = await startIssuer(opts);
  console.log(`local issuer: ${issuer.url}  (API keys: ${issuer.apiKeys.join(', ')}; mailbox: ${issuer.url}/mailbox)`);
  const stop = () => issuer.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
