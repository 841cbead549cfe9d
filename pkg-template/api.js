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
export class JWSSignatureVerificationFailed extends coded('ERR_JWS_SIGNATURE_VERIFICATION_FAILED') {}
/** The token is larger than the size cap (16 KiB); also a `JWSInvalid`. */
export class TokenTooLarge extends coded('ERR_TOKEN_TOO_LARGE', JWSInvalid) {}
/** An option (or the key set argument) is malformed or unsupported. */
export class OptionsInvalid extends coded('ERR_OPTIONS_INVALID') {}

const classes = new Map(
  [JWTClaimValidationFailed, JWTExpired, JOSEAlgNotAllowed, JOSENotSupported, JWSInvalid,
   JWTInvalid, JWKInvalid, JWKSInvalid, JWKSNoMatchingKey, JWKSMultipleMatchingKeys,
   JWKSTimeout, JWSSignatureVerificationFailed, TokenTooLarge, OptionsInvalid]
    .map((C) => [C.code, C]),
);

/** The error classes, as in jose's `errors` namespace. */
export const errors = Object.freeze({ JOSEError, ...Object.fromEntries([...classes.values()].map((C) => [C.name, C])) });

// Re-throws an error from the wasm core as its class.
function rethrow(e) {
  const C = e && typeof e.code === 'string' && classes.get(e.code);
  if (!C) throw e;
  if (C === JWTClaimValidationFailed || C === JWTExpired) {
    const payload = typeof e.payloadJson === 'string' ? JSON.parse(e.payloadJson) : undefined;
    throw new C(e.message, payload, e.claim, e.reason);
  }
  throw new C(e.message);
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

function inner(keySet) {
  const k = keySets.get(keySet);
  if (!k) throw new OptionsInvalid('the key set must come from createLocalJWKSet()');
  return k;
}

/** Verifies a JWT (ES256 only) and its claims, as jose's `jwtVerify`. */
export async function jwtVerify(jwt, keySet, options) {
  const [header, payload] = call(wasm.jwtVerify, jwt, inner(keySet), options);
  return { payload: JSON.parse(payload), protectedHeader: JSON.parse(header) };
}

/** Verifies a compact JWS (ES256 only); the payload need not be JSON. */
export async function compactVerify(jws, keySet, options) {
  const [header, payload] = call(wasm.compactVerify, jws, inner(keySet), options);
  return { payload, protectedHeader: JSON.parse(header) };
}

/** Decodes a JWT's claims. Does NOT verify anything. */
export function decodeJwt(jwt) {
  return JSON.parse(call(wasm.decodeJwt, jwt));
}

/** Decodes a token's protected header. Does NOT verify anything. */
export function decodeProtectedHeader(token) {
  return JSON.parse(call(wasm.decodeProtectedHeader, token));
}
