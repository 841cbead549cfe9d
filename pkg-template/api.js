// edgetoken's JS surface: jose's names and option names, over the wasm core.
// Logic lives in Rust; this file only shapes arguments, results and errors.
import * as wasm from './edgetoken.js';

/** Base class of every edgetoken error; `code` is stable. */
export class JOSEError extends Error {
  static code = 'ERR_JOSE_GENERIC';
  code = 'ERR_JOSE_GENERIC';
  constructor(message, options) {
    super(message, options);
    this.name = this.constructor.name;
  }
}
function coded(code, Base = JOSEError) {
  return class extends Base {
    static code = code;
    code = code;
  };
}
// Claim failures also carry the claim's name, why it failed, and the
// claims (authenticated: they are checked only after the signature).
function claimCoded(code) {
  return class extends coded(code) {
    constructor(message, payload, claim = 'unspecified', reason = 'unspecified') {
      super(message);
      this.claim = claim;
      this.reason = reason;
      this.payload = payload;
    }
  };
}
export class JWTClaimValidationFailed extends claimCoded('ERR_JWT_CLAIM_VALIDATION_FAILED') {}
export class JWTExpired extends claimCoded('ERR_JWT_EXPIRED') {}
export class JOSEAlgNotAllowed extends coded('ERR_JOSE_ALG_NOT_ALLOWED') {}
export class JOSENotSupported extends coded('ERR_JOSE_NOT_SUPPORTED') {}
export class JWSInvalid extends coded('ERR_JWS_INVALID') {}
export class JWTInvalid extends coded('ERR_JWT_INVALID') {}
export class JWKInvalid extends coded('ERR_JWK_INVALID') {}
export class JWKSInvalid extends coded('ERR_JWKS_INVALID') {}
export class JWKSNoMatchingKey extends coded('ERR_JWKS_NO_MATCHING_KEY') {}
export class JWKSMultipleMatchingKeys extends coded('ERR_JWKS_MULTIPLE_MATCHING_KEYS') {}
export class JWKSTimeout extends coded('ERR_JWKS_TIMEOUT') {}
/** The JWK Set request failed before an HTTP answer (network, DNS, CORS). */
export class JWKSFetchFailed extends coded('ERR_JWKS_FETCH_FAILED') {}
/** The JWK Set URL answered with a status other than 200 (see `status`). */
export class JWKSHttpError extends coded('ERR_JWKS_HTTP_ERROR') {}
/** The JWK Set response body is over 256 KiB. */
export class JWKSTooLarge extends coded('ERR_JWKS_TOO_LARGE') {}
/** The JWK Set request was redirected to another origin. */
export class JWKSCrossOriginRedirect extends coded('ERR_JWKS_CROSS_ORIGIN_REDIRECT') {}
/** OpenID discovery failed (see `reason`, and `status` for HTTP errors). */
export class DiscoveryFailed extends coded('ERR_DISCOVERY_FAILED') {}
export class JWSSignatureVerificationFailed extends coded('ERR_JWS_SIGNATURE_VERIFICATION_FAILED') {}
/** The issuer rejected the refresh token: the session is over (`terminal`). */
export class RefreshRejected extends coded('ERR_REFRESH_REJECTED') {}
/** The refresh failed transiently (network, timeout, 5xx, 429) after the retries. */
export class RefreshUnavailable extends coded('ERR_REFRESH_UNAVAILABLE') {}
/** The issuer refused the refresh for another reason (client configuration); tokens kept. */
export class RefreshFailed extends coded('ERR_REFRESH_FAILED') {}
/** The token response was malformed. */
export class RefreshInvalidResponse extends coded('ERR_REFRESH_INVALID_RESPONSE') {}
/** Tokens from the issuer failed verification (see `reason`); the old tokens are kept. */
export class TokensInvalid extends coded('ERR_TOKENS_INVALID') {}
/** A stored session value could not be read; it was discarded. */
export class SessionStorageCorrupt extends coded('ERR_SESSION_STORAGE_CORRUPT') {}
/** The session holds no tokens. */
export class NotSignedIn extends coded('ERR_NOT_SIGNED_IN') {}
/** The request has no `Authorization: Bearer` credential. */
export class BearerTokenMissing extends coded('ERR_BEARER_TOKEN_MISSING') {}
/** The `Authorization: Bearer` value is not a token (RFC 6750 §2.1 syntax). */
export class BearerTokenMalformed extends coded('ERR_BEARER_TOKEN_MALFORMED') {}
/** The token is larger than the size cap (16 KiB); also a `JWSInvalid`. */
export class TokenTooLarge extends coded('ERR_TOKEN_TOO_LARGE', JWSInvalid) {}
/** An option (or the key set argument) is malformed or unsupported. */
export class OptionsInvalid extends coded('ERR_OPTIONS_INVALID') {}

const classes = new Map(
  [JWTClaimValidationFailed, JWTExpired, JOSEAlgNotAllowed, JOSENotSupported, JWSInvalid,
   JWTInvalid, JWKInvalid, JWKSInvalid, JWKSNoMatchingKey, JWKSMultipleMatchingKeys,
   JWKSTimeout, JWKSFetchFailed, JWKSHttpError, JWKSTooLarge, JWKSCrossOriginRedirect, DiscoveryFailed,
   JWSSignatureVerificationFailed, TokenTooLarge, OptionsInvalid, RefreshRejected, RefreshUnavailable,
   RefreshFailed, RefreshInvalidResponse, TokensInvalid, SessionStorageCorrupt, NotSignedIn,
   BearerTokenMissing, BearerTokenMalformed]
    .map((C) => [C.code, C]),
);

/** The error classes, as in jose's `errors` namespace. */
export const errors = Object.freeze({ JOSEError, ...Object.fromEntries([...classes.values()].map((C) => [C.name, C])) });

// An error from the wasm core as its class (anything else unchanged).
export function toClass(e) {
  const C = e && typeof e.code === 'string' && classes.get(e.code);
  if (!C) return e;
  if (C === JWTClaimValidationFailed || C === JWTExpired) {
    const payload = typeof e.payloadJson === 'string' ? JSON.parse(e.payloadJson) : undefined;
    return new C(e.message, payload, e.claim, e.reason);
  }
  const out = new C(e.message);
  for (const extra of ['status', 'reason', 'at', 'terminal', 'retryAfter']) if (e[extra] !== undefined) out[extra] = e[extra];
  return out;
}
function rethrow(e) {
  throw toClass(e);
}

function call(fn, ...args) {
  try {
    return fn(...args);
  } catch (e) {
    rethrow(e);
  }
}

const keySets = new WeakMap();

/**
 * A key set from a JWK Set object (or its JSON text). Keys not usable for
 * ES256 verification are skipped; see `skipped`.
 */
export function createLocalJWKSet(jwks) {
  let text = jwks;
  if (typeof jwks !== 'string') {
    if (jwks === null || typeof jwks !== 'object' || Array.isArray(jwks)) {
      throw new JWKSInvalid('JSON Web Key Set must be an object with a "keys" array');
    }
    try {
      text = JSON.stringify(jwks);
    } catch (e) {
      throw new JWKSInvalid('JSON Web Key Set is not serializable', { cause: e });
    }
  }
  const inner = call((t) => new wasm.KeySet(t), text);
  const set = Object.freeze({
    /** Number of usable ES256 keys. */
    get size() { return inner.size; },
    /** Entries left out: `[{ index, kid, reason }]`. */
    skipped: () => inner.skipped(),
  });
  keySets.set(set, inner);
  return set;
}

const remoteSets = new WeakMap();

/**
 * A key set fetched from `url` (a string or URL) and cached. Options, in
 * milliseconds as in jose: `cacheMaxAge` (600000, used when the response has
 * no Cache-Control max-age), `minCacheMaxAge` (1000) and `maxCacheMaxAge`
 * (86400000) clamping max-age, `cooldownDuration` (30000), `timeoutDuration`
 * (5000), `staleIfError` (3600000), `headers`, and `cache` (a snapshot from
 * `exportCache()` to start from).
 */
export function createRemoteJWKSet(url, options) {
  const { cache, ...rest } = options ?? {};
  const inner = call((u, o) => new wasm.RemoteKeySet(u, o), String(url), rest);
  const set = Object.freeze({
    /** Keys are cached and younger than their max-age. */
    get fresh() { return inner.fresh; },
    /** A refetch for an unknown kid is held back. */
    get coolingDown() { return inner.coolingDown; },
    /** `{ fresh, coolingDown, servingStale, keys, fetchedAt, expiresAt, lastError }`. */
    get state() {
      const s = inner.state();
      return { ...s, lastError: s.lastError && toClass(s.lastError) };
    },
    /** Refetches now; rejects with the fetch error. */
    reload: () => inner.reload().then(() => undefined, rethrow),
    /** The cached set as `{ jwks, fetchedAt, expiresAt }` (ms), for another isolate. */
    exportCache() {
      const c = inner.exportCache();
      return c && { jwks: JSON.parse(c[0]), fetchedAt: c[1], expiresAt: c[2] };
    },
    /** Adopts an exported set unless a newer one is cached. */
    importCache(snapshot) {
      if (!snapshot || typeof snapshot !== 'object' || typeof snapshot.fetchedAt !== 'number'
          || typeof snapshot.expiresAt !== 'number' || typeof snapshot.jwks !== 'object') {
        throw new JWKSInvalid('cache snapshot must be { jwks, fetchedAt, expiresAt }');
      }
      call((j, f, e) => inner.importCache(j, f, e), JSON.stringify(snapshot.jwks), snapshot.fetchedAt, snapshot.expiresAt);
    },
  });
  if (cache !== undefined) set.importCache(cache);
  remoteSets.set(set, inner);
  return set;
}

function inner(keySet) {
  const k = keySets.get(keySet);
  if (!k) throw new OptionsInvalid('the key set must come from createLocalJWKSet() or createRemoteJWKSet()');
  return k;
}

/** Verifies a JWT (ES256 only) and its claims, as jose's `jwtVerify`. */
export async function jwtVerify(jwt, keySet, options) {
  const remote = remoteSets.get(keySet);
  const [header, payload] = remote
    ? await remote.jwtVerify(jwt, options).catch(rethrow)
    : call(wasm.jwtVerify, jwt, inner(keySet), options);
  return { payload: JSON.parse(payload), protectedHeader: JSON.parse(header) };
}

/** Verifies a compact JWS (ES256 only); the payload need not be JSON. */
export async function compactVerify(jws, keySet, options) {
  const remote = remoteSets.get(keySet);
  const [header, payload] = remote
    ? await remote.compactVerify(jws, options).catch(rethrow)
    : call(wasm.compactVerify, jws, inner(keySet), options);
  return { payload, protectedHeader: JSON.parse(header) };
}

/**
 * Reads `{issuer}/.well-known/openid-configuration` and checks that its
 * `issuer` is exactly `issuer`. Resolves to the document (with `issuer`,
 * `jwks_uri` and, when present, `token_endpoint`). Options: `timeoutDuration`, `headers`.
 */
export async function discover(issuer, options) {
  return JSON.parse(await wasm.discover(String(issuer), options).catch(rethrow));
}

/**
 * The Cotter preset: `{ issuer, audience, jwksUrl, tokenEndpoint, jwks, verify }`.
 * `apiKeyId` is the audience; `baseUrl` (default https://www.cotter.app) is
 * also the issuer unless `issuer` is given. Other options go to
 * `createRemoteJWKSet`.
 */
export function cotter({ apiKeyId, baseUrl = 'https://www.cotter.app', issuer, ...remoteOptions } = {}) {
  if (typeof apiKeyId !== 'string' || !apiKeyId) throw new OptionsInvalid('cotter(): apiKeyId is required');
  const base = String(baseUrl).replace(/\/+$/, '');
  const [jwksUrl, tokenEndpoint] = wasm.cotterUrls(base, apiKeyId);
  const iss = issuer ?? base;
  const jwks = createRemoteJWKSet(jwksUrl, remoteOptions);
  return Object.freeze({
    type: 'cotter',
    apiKeyId,
    issuer: iss,
    audience: apiKeyId,
    jwksUrl,
    tokenEndpoint,
    jwks,
    /** `jwtVerify` with this issuer and audience (more options may be added). */
    verify: (token, options) => jwtVerify(token, jwks, { issuer: iss, audience: apiKeyId, ...options }),
  });
}

/** Decodes a JWT's claims. Does NOT verify anything. */
export function decodeJwt(jwt) {
  return JSON.parse(call(wasm.decodeJwt, jwt));
}

/** Decodes a token's protected header. Does NOT verify anything. */
export function decodeProtectedHeader(token) {
  return JSON.parse(call(wasm.decodeProtectedHeader, token));
}

/**
 * A standard OpenID Connect issuer found by discovery, for `createSession`:
 * `{ type: 'oauth2', issuer, audience, clientId, tokenEndpoint,
 * revocationEndpoint, jwks, verify }`. Other options go to `createRemoteJWKSet`.
 */
export async function oidc({ issuer, clientId, ...remoteOptions } = {}) {
  if (typeof clientId !== 'string' || !clientId) throw new OptionsInvalid('oidc(): clientId is required');
  const config = await discover(issuer, remoteOptions);
  if (typeof config.token_endpoint !== 'string') throw new OptionsInvalid('the issuer has no token_endpoint');
  const jwks = createRemoteJWKSet(config.jwks_uri, remoteOptions);
  return Object.freeze({
    type: 'oauth2',
    issuer: config.issuer,
    audience: clientId,
    clientId,
    tokenEndpoint: config.token_endpoint,
    revocationEndpoint: typeof config.revocation_endpoint === 'string' ? config.revocation_endpoint : undefined,
    jwks,
    verify: (token, options) => jwtVerify(token, jwks, { issuer: config.issuer, audience: clientId, ...options }),
  });
}

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * Reads `Authorization: Bearer <token>` from a Fetch `Request` (workers,
 * browsers) or a Node `IncomingMessage`, and verifies the token with
 * `jwtVerify`. Resolves to `{ payload, protectedHeader, token }`; rejects
 * with `BearerTokenMissing`, `BearerTokenMalformed` or a verification error.
 */
export async function verifyRequest(request, keySet, options) {
  const headers = request?.headers;
  const value = typeof headers?.get === 'function' ? headers.get('authorization') : headers?.authorization;
  if (typeof value !== 'string' || !/^Bearer(\s|$)/i.test(value)) {
    throw new BearerTokenMissing('the request has no Authorization: Bearer token');
  }
  const m = BEARER.exec(value);
  if (!m) throw new BearerTokenMalformed('the Authorization: Bearer value is not a token');
  const { payload, protectedHeader } = await jwtVerify(m[1], keySet, options);
  return { payload, protectedHeader, token: m[1] };
}

const quoted = (s) => `"${String(s).replace(/[\\"]/g, '\\$&')}"`;

/**
 * The answer to a request whose token failed `verifyRequest`: a JSON
 * `Response` `{ error: code }` with RFC 6750's `WWW-Authenticate`. A missing
 * token gets 401 with no error (§3.1), a malformed one 400
 * `invalid_request`, any other failure 401 `invalid_token`. The description
 * never says more than "expired" or "invalid".
 */
export function unauthorized(error, { realm } = {}) {
  const code = typeof error?.code === 'string' ? error.code : 'ERR_JOSE_GENERIC';
  const params = realm === undefined ? [] : [`realm=${quoted(realm)}`];
  let status = 401;
  if (code === 'ERR_BEARER_TOKEN_MALFORMED') {
    status = 400;
    params.push('error="invalid_request"');
  } else if (code !== 'ERR_BEARER_TOKEN_MISSING') {
    params.push('error="invalid_token"', `error_description=${quoted(code === 'ERR_JWT_EXPIRED' ? 'The access token expired' : 'The access token is invalid')}`);
  }
  return new Response(JSON.stringify({ error: code }), {
    status,
    headers: {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'www-authenticate': params.length ? `Bearer ${params.join(', ')}` : 'Bearer',
    },
  });
}
