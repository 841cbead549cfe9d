// edgetoken's error classes (jose's names and codes), shared by every
// entry so `instanceof` works whichever entry made the error.

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
