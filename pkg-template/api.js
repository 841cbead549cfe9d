// edgetoken's JS surface: jose's names and option names, over the wasm core.
// Logic lives in Rust; this file only shapes arguments, results and errors.
import * as wasm from './edgetoken.js';

// Every class gets its name from a string (Object.defineProperty), so
// minifiers that rename classes cannot change `err.name` or `errors` keys.
function define(name, code, Base, extend = (B) => class extends B {}) {
  const C = class extends extend(Base) {
    static code = code;
    code = code;
  };
  Object.defineProperty(C, 'name', { value: name });
  return C;
}

/** Base class of every edgetoken error; `code` is stable. */
export const JOSEError = define('JOSEError', 'ERR_JOSE_GENERIC', Error, (B) => class extends B {
  constructor(message, options) {
    super(message, options);
    this.name = this.constructor.name;
  }
});

// Claim failures also carry the claim's name, why it failed, and the
// claims (authenticated: they are checked only after the signature).
const claimError = (name, code) => define(name, code, JOSEError, (B) => class extends B {
  constructor(message, payload, claim = 'unspecified', reason = 'unspecified') {
    super(message);
    this.claim = claim;
    this.reason = reason;
    this.payload = payload;
  }
});
/** A claim (or the `typ` header) failed validation: see `claim`, `reason`, `payload`. */
export const JWTClaimValidationFailed = claimError('JWTClaimValidationFailed', 'ERR_JWT_CLAIM_VALIDATION_FAILED');
/** The token expired (`exp`), or is older than `maxTokenAge` (`iat`). */
export const JWTExpired = claimError('JWTExpired', 'ERR_JWT_EXPIRED');
/** `alg` is not ES256. */
export const JOSEAlgNotAllowed = define('JOSEAlgNotAllowed', 'ERR_JOSE_ALG_NOT_ALLOWED', JOSEError);
/** `crit` names an extension, or `b64` is not true. */
export const JOSENotSupported = define('JOSENotSupported', 'ERR_JOSE_NOT_SUPPORTED', JOSEError);
/** The compact JWS is malformed. */
export const JWSInvalid = define('JWSInvalid', 'ERR_JWS_INVALID', JOSEError);
/** The verified payload is not a JSON object. */
export const JWTInvalid = define('JWTInvalid', 'ERR_JWT_INVALID', JOSEError);
/** The key the token names is broken. */
export const JWKInvalid = define('JWKInvalid', 'ERR_JWK_INVALID', JOSEError);
/** The JWK Set is malformed or has no usable key. */
export const JWKSInvalid = define('JWKSInvalid', 'ERR_JWKS_INVALID', JOSEError);
/** No key matches the token. */
export const JWKSNoMatchingKey = define('JWKSNoMatchingKey', 'ERR_JWKS_NO_MATCHING_KEY', JOSEError);
/** More than one key matches and the token does not say which. */
export const JWKSMultipleMatchingKeys = define('JWKSMultipleMatchingKeys', 'ERR_JWKS_MULTIPLE_MATCHING_KEYS', JOSEError);
/** The JWKS request timed out. */
export const JWKSTimeout = define('JWKSTimeout', 'ERR_JWKS_TIMEOUT', JOSEError);
/** The JWK Set request failed before an HTTP answer (network, DNS, CORS). */
export const JWKSFetchFailed = define('JWKSFetchFailed', 'ERR_JWKS_FETCH_FAILED', JOSEError);
/** The JWK Set URL answered with a status other than 200 (see `status`). */
export const JWKSHttpError = define('JWKSHttpError', 'ERR_JWKS_HTTP_ERROR', JOSEError);
/** The JWK Set response body is over 256 KiB. */
export const JWKSTooLarge = define('JWKSTooLarge', 'ERR_JWKS_TOO_LARGE', JOSEError);
/** The JWK Set request was redirected to another origin. */
export const JWKSCrossOriginRedirect = define('JWKSCrossOriginRedirect', 'ERR_JWKS_CROSS_ORIGIN_REDIRECT', JOSEError);
/** OpenID discovery failed (see `reason`, and `status` for HTTP errors). */
export const DiscoveryFailed = define('DiscoveryFailed', 'ERR_DISCOVERY_FAILED', JOSEError);
/** The signature does not verify. */
export const JWSSignatureVerificationFailed = define('JWSSignatureVerificationFailed', 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED', JOSEError);
/** The issuer rejected the refresh token: the session is over (`terminal`). */
export const RefreshRejected = define('RefreshRejected', 'ERR_REFRESH_REJECTED', JOSEError);
/** The refresh failed transiently (network, timeout, 5xx, 429) after the retries. */
export const RefreshUnavailable = define('RefreshUnavailable', 'ERR_REFRESH_UNAVAILABLE', JOSEError);
/** The issuer refused the refresh for another reason (client configuration); tokens kept. */
export const RefreshFailed = define('RefreshFailed', 'ERR_REFRESH_FAILED', JOSEError);
/** The token response was malformed. */
export const RefreshInvalidResponse = define('RefreshInvalidResponse', 'ERR_REFRESH_INVALID_RESPONSE', JOSEError);
/** Tokens from the issuer failed verification (see `reason`); the old tokens are kept. */
export const TokensInvalid = define('TokensInvalid', 'ERR_TOKENS_INVALID', JOSEError);
/** A stored session value could not be read; it was discarded. */
export const SessionStorageCorrupt = define('SessionStorageCorrupt', 'ERR_SESSION_STORAGE_CORRUPT', JOSEError);
/** The session holds no tokens. */
export const NotSignedIn = define('NotSignedIn', 'ERR_NOT_SIGNED_IN', JOSEError);
/** The request has no `Authorization: Bearer` credential. */
export const BearerTokenMissing = define('BearerTokenMissing', 'ERR_BEARER_TOKEN_MISSING', JOSEError);
/** The `Authorization: Bearer` value is not a token (RFC 6750 §2.1 syntax). */
export const BearerTokenMalformed = define('BearerTokenMalformed', 'ERR_BEARER_TOKEN_MALFORMED', JOSEError);
/** The token is larger than the size cap (16 KiB); also a `JWSInvalid`. */
export const TokenTooLarge = define('TokenTooLarge', 'ERR_TOKEN_TOO_LARGE', JWSInvalid);
/** An option (or the key set argument) is malformed or unsupported. */
export const OptionsInvalid = define('OptionsInvalid', 'ERR_OPTIONS_INVALID', JOSEError);

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
    /** The repeat-token cache: `{ entries, bytes, hits, misses }`. */
    cacheStats() {
      const [entries, bytes, hits, misses] = wasm.keySetCacheStats(inner);
      return { entries, bytes, hits, misses };
    },
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
  if (!remote && typeof jwt === 'string') {
    const key = optionsKey(options);
    if (key !== undefined) return verifierFor(inner(keySet), key, options).verify(jwt);
  }
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
 * A key set and `jwtVerify` options bound once, for servers that verify
 * many tokens: `await verifier.verify(token)` answers like `jwtVerify`. The
 * options are parsed once, and a token seen before skips the signature
 * (its claims, `exp` included, are checked on every call). Remote key sets
 * are verified through `jwtVerify` with the bound options.
 */
export function createVerifier(keySet, options) {
  const remote = remoteSets.get(keySet);
  if (remote) {
    return Object.freeze({ verify: (token) => jwtVerify(token, keySet, options) });
  }
  return makeVerifier(inner(keySet), options);
}

// Parsed results by cache entry id, per key set (entries are shared by
// every verifier of the set); bounded like the Rust cache.
const parsedBySet = new WeakMap();

function makeVerifier(set, options) {
  const v = call((k, o) => new wasm.Verifier(k, o), set, options);
  let parsed = parsedBySet.get(set);
  if (!parsed) parsedBySet.set(set, (parsed = new Map()));
  return Object.freeze({
    async verify(token) {
      if (typeof token !== 'string') throw new JWSInvalid('compact JWS must be a string');
      const id = call((t) => v.verify(t), token);
      let hit = parsed.get(id);
      if (hit === undefined) {
        const [header, payload] = v.json(id);
        hit = { payload: JSON.parse(payload), protectedHeader: JSON.parse(header) };
        if (parsed.size >= 1024) parsed.delete(parsed.keys().next().value);
        parsed.set(id, hit);
      }
      return { payload: { ...hit.payload }, protectedHeader: { ...hit.protectedHeader } };
    },
  });
}

// jwtVerify keeps a verifier per distinct options of a key set, so repeat
// calls skip parsing the options object too. Only options made of plain
// values qualify (their JSON says everything about them).
const plainOption = (v) => v === undefined || typeof v === 'string' || typeof v === 'number'
  || typeof v === 'boolean' || v instanceof Date || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
function optionsKey(options) {
  if (options === undefined || options === null) return '';
  if (typeof options !== 'object' || Array.isArray(options)) return undefined;
  for (const k in options) if (!plainOption(options[k])) return undefined;
  return JSON.stringify(options);
}
const verifiersBySet = new WeakMap();
function verifierFor(set, key, options) {
  let byKey = verifiersBySet.get(set);
  if (!byKey) verifiersBySet.set(set, (byKey = new Map()));
  let v = byKey.get(key);
  if (!v) {
    v = makeVerifier(set, options);
    if (byKey.size >= 32) byKey.delete(byKey.keys().next().value);
    byKey.set(key, v);
  }
  return v;
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
