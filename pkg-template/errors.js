// edgetoken's error classes (jose's names and codes) for verification,
// shared by every entry so `instanceof` works whichever entry made the
// error. Those of remote key sets, discovery and sessions are in
// errors-remote.js, the full entry's.
import { define } from './classes.js';

/** Base class of every edgetoken error; `code` is stable. */
export const JOSEError = define('JOSEError', 'ERR_JOSE_GENERIC', Error, (B) => class extends B {
  constructor(message, options) {
    super(message, options);
    this.name = this.constructor.name;
  }
});

// Claim failures also carry the claim's name, why it failed, and the
// claims (authenticated: they are checked only after the signature), also
// as `cause`, as jose's do.
const claimError = (name, code) => define(name, code, JOSEError, (B) => class extends B {
  constructor(message, payload, claim = 'unspecified', reason = 'unspecified') {
    super(message, { cause: { claim, reason, payload } });
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
/** The signature does not verify. */
export const JWSSignatureVerificationFailed = define('JWSSignatureVerificationFailed', 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED', JOSEError);
/** The request has no `Authorization: Bearer` credential. */
export const BearerTokenMissing = define('BearerTokenMissing', 'ERR_BEARER_TOKEN_MISSING', JOSEError);
/** The `Authorization: Bearer` value is not a token (RFC 6750 §2.1 syntax). */
export const BearerTokenMalformed = define('BearerTokenMalformed', 'ERR_BEARER_TOKEN_MALFORMED', JOSEError);
/** The token is larger than the size cap (16 KiB); also a `JWSInvalid`. */
export const TokenTooLarge = define('TokenTooLarge', 'ERR_TOKEN_TOO_LARGE', JWSInvalid);
/** An option (or the key set argument) is malformed or unsupported. */
export const OptionsInvalid = define('OptionsInvalid', 'ERR_OPTIONS_INVALID', JOSEError);

/** The key set or verifier was disposed (`dispose()`) and cannot be used. */
export const Disposed = define('Disposed', 'ERR_DISPOSED', JOSEError);

/**
 * The error classes, as in jose's `errors` namespace: verification's (the
 * full entry's adds those of errors-remote.js).
 */
export const errors = Object.freeze(Object.fromEntries(
  [JOSEError, JWTClaimValidationFailed, JWTExpired, JOSEAlgNotAllowed, JOSENotSupported, JWSInvalid, JWTInvalid,
    JWKInvalid, JWKSInvalid, JWKSNoMatchingKey, JWKSMultipleMatchingKeys, JWSSignatureVerificationFailed,
    TokenTooLarge, OptionsInvalid, BearerTokenMissing, BearerTokenMalformed, Disposed].map((C) => [C.name, C]),
));
