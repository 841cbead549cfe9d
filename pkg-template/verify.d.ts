// Types of the verify-only entry (`edgetoken/verify`); the full entry
// (index.d.ts) extends them with remote key sets, discovery and sessions.

/** A JWT Claims Set. */
export interface JWTPayload {
  /** Issuer: who made and signed the token (checked against `issuer`). */
  iss?: string;
  /** Subject: the user (or client) the token is about (checked against `subject`). */
  sub?: string;
  /** Audience: who the token is for, one or several (one must be in `audience`). */
  aud?: string | string[];
  /** JWT ID: the token's unique identifier. */
  jti?: string;
  /** Not before: seconds since the epoch; the token is refused before then (less `clockTolerance`). */
  nbf?: number;
  /** Expiry: seconds since the epoch; required, the token is refused from then on (plus `clockTolerance`). */
  exp?: number;
  /** Issued at: seconds since the epoch (checked against `maxTokenAge`). */
  iat?: number;
  /** Any other claim, as the issuer wrote it. */
  [propName: string]: unknown;
}

/** A JWS protected header. */
export interface ProtectedHeaderParameters {
  /** The signing algorithm; always `'ES256'` in a verified token. */
  alg?: string;
  /** The id of the key that signed it, matched against the key set's `kid`s. */
  kid?: string;
  /** The token's media type (`JWT`, `at+jwt`…), checked against the `typ` option. */
  typ?: string;
  /** Extensions the verifier must understand; any present is refused (`JOSENotSupported`). */
  crit?: string[];
  /** Any other header parameter. */
  [propName: string]: unknown;
}

/** A JSON Web Key. */
export interface JWK {
  /** Key type; `'EC'` for a usable key. */
  kty?: string;
  /** Curve; `'P-256'` for a usable key. */
  crv?: string;
  /** The public point's x coordinate: 32 bytes, base64url. */
  x?: string;
  /** The public point's y coordinate: 32 bytes, base64url. */
  y?: string;
  /** Key id, which tokens name in their `kid` header. */
  kid?: string;
  /** Intended use; a key with a `use` other than `'sig'` is skipped. */
  use?: string;
  /** Permitted operations; a key whose list lacks `'verify'` (or repeats a value) is skipped. */
  key_ops?: string[];
  /** The key's algorithm; a key with an `alg` other than `'ES256'` is skipped. */
  alg?: string;
  /** Any other member (`x5c`, …), kept in `jwks()` copies and otherwise ignored. */
  [propName: string]: unknown;
}

/** A JSON Web Key Set. */
export interface JSONWebKeySet {
  /** The keys; those not usable for ES256 verification are skipped. */
  keys: JWK[];
}

/** A validated key set holding only keys usable for ES256 verification. */
export interface KeySet {
  /** Number of usable ES256 keys. */
  readonly size: number;
  /** Entries of the JWK Set that were left out, and why. */
  skipped(): {
    /** The entry's position in `keys`. */
    index: number;
    /** Its `kid`, when it has one. */
    kid?: string;
    /** Why it was left out, in words (another `kty`, another curve, `use` not `sig`…). */
    reason: string;
  }[];
  /** The repeat-token cache of `jwtVerify` with this set. */
  cacheStats(): {
    /** Tokens remembered now. */
    entries: number;
    /** The memory they take, in bytes. */
    bytes: number;
    /** Verifications answered from the cache. */
    hits: number;
    /** Verifications that checked the signature. */
    misses: number;
  };
  /** A copy of the JWK Set as given (jose's `jwks()`). */
  jwks(): JSONWebKeySet;
  /**
   * Releases the set's wasm memory now (and that of the verifiers
   * `jwtVerify` made for it), instead of at garbage collection; any later
   * use is `Disposed`. Also `[Symbol.dispose]`, so `using` works.
   *
   * @example
   * using keys = createLocalJWKSet(jwks);
   */
  dispose(): void;
}

/** A key set and options bound once; repeat tokens skip the signature. */
export interface Verifier {
  /**
   * Answers like `jwtVerify` with the bound key set and options.
   *
   * @example
   * const verifier = createVerifier(createLocalJWKSet(jwks), { issuer, audience });
   * const { payload } = await verifier.verify(token);
   */
  verify<P = JWTPayload>(token: string | Uint8Array): Promise<JWTVerifyResult<P>>;
  /** Releases the verifier's wasm memory now; any later use is `Disposed`. Also `[Symbol.dispose]`. */
  dispose(): void;
}

/** Binds a key set and `jwtVerify` options once, for servers verifying many tokens. */
export function createVerifier(keySet: KeySet, options?: JWTVerifyOptions): Verifier;

/** A Fetch `Request`'s headers (workers, browsers). */
export interface FetchHeadersLike {
  /** The header's value, or null. */
  get(name: string): string | null;
}
/** A request whose `Authorization` header `verifyRequest` reads: a Fetch `Request` or a Node `IncomingMessage`. */
export type RequestLike =
  | {
    /** A Fetch `Headers` (or anything with `get(name)`). */
    headers: FetchHeadersLike;
  }
  | {
    /** Node's header object, names in lower case. */
    headers: Record<string, string | string[] | undefined>;
  };

/** Result of `verifyRequest`. */
export interface VerifyRequestResult<P = JWTPayload> extends JWTVerifyResult<P> {
  /** The Bearer token the request carried. */
  token: string;
}

/** Reads `Authorization: Bearer` and verifies the token. */
export function verifyRequest<P = JWTPayload>(request: RequestLike, keySet: KeySet, options?: JWTVerifyOptions): Promise<VerifyRequestResult<P>>;

/** A 401/400 JSON `Response` with RFC 6750's `WWW-Authenticate` for a `verifyRequest` failure. */
export function unauthorized(error: unknown, options?: {
  /** The `realm` of the `WWW-Authenticate` challenge. */
  realm?: string;
}): Response;

/** Options of `compactVerify`. */
export interface VerifyOptions {
  /** Only `['ES256']` is supported; anything else throws `OptionsInvalid`. */
  algorithms?: string[];
}

/** Options of `jwtVerify`, with jose's names. */
export interface JWTVerifyOptions extends VerifyOptions {
  /** Accepted `iss` value(s); exact match. */
  issuer?: string | string[];
  /** Accepted audience(s); the token's `aud` must contain one. */
  audience?: string | string[];
  /** Allowed clock skew: seconds, or a string such as `'30s'` or `'5 minutes'`. */
  clockTolerance?: number | string;
  /** Claims that must be present. `exp` is always required. */
  requiredClaims?: string[];
  /** Required `typ` header (compared case-insensitively, `application/` ignored). */
  typ?: string;
  /** Maximum age since `iat`: seconds or a string such as `'1h'`. */
  maxTokenAge?: number | string;
  /** Required `sub`. */
  subject?: string;
  /** The time to check against; defaults to now. */
  currentDate?: Date;
}

/** Result of `jwtVerify`. */
export interface JWTVerifyResult<P = JWTPayload> {
  /** The verified claims. */
  payload: P & JWTPayload;
  /** The verified protected header. */
  protectedHeader: ProtectedHeaderParameters;
}

/** Result of `compactVerify`. */
export interface CompactVerifyResult {
  /** The verified payload's bytes. */
  payload: Uint8Array;
  /** The verified protected header. */
  protectedHeader: ProtectedHeaderParameters;
}

/** Builds a key set from a JWK Set (object or JSON text). Throws `JWKSInvalid` if no key is usable. */
export function createLocalJWKSet(jwks: JSONWebKeySet | string): KeySet;
/** Verifies an ES256 JWT and its claims. */
export function jwtVerify<P = JWTPayload>(jwt: string | Uint8Array, keySet: KeySet, options?: JWTVerifyOptions): Promise<JWTVerifyResult<P>>;
/** Verifies an ES256 compact JWS; the payload may be any bytes. */
export function compactVerify(jws: string | Uint8Array, keySet: KeySet, options?: VerifyOptions): Promise<CompactVerifyResult>;
/** Decodes a JWT's claims. Does NOT verify the token. */
export function decodeJwt<P = JWTPayload>(jwt: string | Uint8Array): P & JWTPayload;
/** Decodes a token's protected header. Does NOT verify the token. */
export function decodeProtectedHeader(token: string | Uint8Array): ProtectedHeaderParameters;

/** Every error code edgetoken produces. */
export type ErrorCode =
  | 'ERR_JOSE_GENERIC' | 'ERR_JWS_INVALID' | 'ERR_TOKEN_TOO_LARGE' | 'ERR_JWT_INVALID' | 'ERR_JOSE_ALG_NOT_ALLOWED'
  | 'ERR_JOSE_NOT_SUPPORTED' | 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' | 'ERR_JWT_EXPIRED'
  | 'ERR_JWT_CLAIM_VALIDATION_FAILED' | 'ERR_JWKS_NO_MATCHING_KEY' | 'ERR_JWKS_MULTIPLE_MATCHING_KEYS'
  | 'ERR_JWK_INVALID' | 'ERR_JWKS_INVALID' | 'ERR_JWKS_TIMEOUT' | 'ERR_JWKS_FETCH_FAILED' | 'ERR_JWKS_HTTP_ERROR'
  | 'ERR_JWKS_TOO_LARGE' | 'ERR_JWKS_CROSS_ORIGIN_REDIRECT' | 'ERR_DISCOVERY_FAILED' | 'ERR_OPTIONS_INVALID'
  | 'ERR_REFRESH_REJECTED' | 'ERR_REFRESH_UNAVAILABLE' | 'ERR_REFRESH_FAILED' | 'ERR_REFRESH_INVALID_RESPONSE'
  | 'ERR_TOKENS_INVALID' | 'ERR_SESSION_STORAGE_CORRUPT' | 'ERR_SESSION_STORAGE_FAILED' | 'ERR_NOT_SIGNED_IN'
  | 'ERR_SIGNIN_DENIED' | 'ERR_SIGNIN_UNKNOWN' | 'ERR_SIGNIN_STATE_MISMATCH' | 'ERR_SIGNIN_EXPIRED' | 'ERR_SIGNIN_INVALID_CALLBACK'
  | 'ERR_SIGNIN_EXCHANGE_FAILED' | 'ERR_SIGNIN_TIMEOUT' | 'ERR_SIGNIN_CANCELLED' | 'ERR_SIGNIN_PORT_IN_USE' | 'ERR_TOKEN_FILE_INVALID'
  | 'ERR_TOKEN_FILE_LOCKED'
  | 'ERR_BEARER_TOKEN_MISSING' | 'ERR_BEARER_TOKEN_MALFORMED' | 'ERR_DISPOSED';

/** Base class of every edgetoken error. */
export class JOSEError extends Error {
  /** The class's error code, as jose's `JOSEError.code`. */
  static code: ErrorCode;
  /** The error's stable code (`ERR_…`): test this rather than the message. */
  code: ErrorCode;
}
/** A claim check failed. */
export class JWTClaimValidationFailed<P = JWTPayload> extends JOSEError {
  /** The claim (or `'typ'` for the header) that failed. */
  claim: string;
  /** `'missing'`, `'check_failed'`, or `'invalid'` for a claim of the wrong JSON type. */
  reason: 'missing' | 'check_failed' | 'invalid' | string;
  /** The token's claims (its signature verified). */
  payload: P & JWTPayload;
}
/** The token expired (`exp`), or is older than `maxTokenAge` (`iat`). */
export class JWTExpired<P = JWTPayload> extends JOSEError {
  /** `'exp'`, or `'iat'` for `maxTokenAge`. */
  claim: string;
  /** `'check_failed'`. */
  reason: 'check_failed' | string;
  /** The token's claims (its signature verified). */
  payload: P & JWTPayload;
}
/** The `alg` is not `ES256` (`none`, `HS256`, `RS256`…). */
export class JOSEAlgNotAllowed extends JOSEError {}
/** `crit` names an extension, or `b64` is not `true`. */
export class JOSENotSupported extends JOSEError {}
/** The token is not a well-formed compact JWS (segments, base64url, header). */
export class JWSInvalid extends JOSEError {}
/** The payload is not a JSON object (or has duplicate claim names); `decodeJwt` of a malformed token. */
export class JWTInvalid extends JOSEError {}
/** The key the token's `kid` names is in the set but broken (bad coordinates, off the curve, private). */
export class JWKInvalid extends JOSEError {}
/** The JWK Set is malformed, too large, or has no usable key. */
export class JWKSInvalid extends JOSEError {}
/** No usable key has the token's `kid`. */
export class JWKSNoMatchingKey extends JOSEError {}
/** The token has no `kid` and the set has several keys, or several keys share the `kid`. */
export class JWKSMultipleMatchingKeys extends JOSEError {}
/** The signature does not verify (no further detail, by design). */
export class JWSSignatureVerificationFailed extends JOSEError {}
/** `verifyRequest`: no `Authorization: Bearer` credential. */
export class BearerTokenMissing extends JOSEError {}
/** `verifyRequest`: the Bearer value is not a token (RFC 6750). */
export class BearerTokenMalformed extends JOSEError {}
/** The token exceeds the 16 KiB size cap. */
export class TokenTooLarge extends JWSInvalid {}
/** An option, or the key set argument, is invalid. */
export class OptionsInvalid extends JOSEError {}
/** The key set or verifier was disposed. */
export class Disposed extends JOSEError {}

/** The error classes of verification, as in jose's `errors` (the full entry's has more). */
export const errors: {
  /** {@link JOSEError}, code `ERR_JOSE_GENERIC`. */
  JOSEError: typeof JOSEError;
  /** {@link JWTClaimValidationFailed}, code `ERR_JWT_CLAIM_VALIDATION_FAILED`. */
  JWTClaimValidationFailed: typeof JWTClaimValidationFailed;
  /** {@link JWTExpired}, code `ERR_JWT_EXPIRED`. */
  JWTExpired: typeof JWTExpired;
  /** {@link JOSEAlgNotAllowed}, code `ERR_JOSE_ALG_NOT_ALLOWED`. */
  JOSEAlgNotAllowed: typeof JOSEAlgNotAllowed;
  /** {@link JOSENotSupported}, code `ERR_JOSE_NOT_SUPPORTED`. */
  JOSENotSupported: typeof JOSENotSupported;
  /** {@link JWSInvalid}, code `ERR_JWS_INVALID`. */
  JWSInvalid: typeof JWSInvalid;
  /** {@link JWTInvalid}, code `ERR_JWT_INVALID`. */
  JWTInvalid: typeof JWTInvalid;
  /** {@link JWKInvalid}, code `ERR_JWK_INVALID`. */
  JWKInvalid: typeof JWKInvalid;
  /** {@link JWKSInvalid}, code `ERR_JWKS_INVALID`. */
  JWKSInvalid: typeof JWKSInvalid;
  /** {@link JWKSNoMatchingKey}, code `ERR_JWKS_NO_MATCHING_KEY`. */
  JWKSNoMatchingKey: typeof JWKSNoMatchingKey;
  /** {@link JWKSMultipleMatchingKeys}, code `ERR_JWKS_MULTIPLE_MATCHING_KEYS`. */
  JWKSMultipleMatchingKeys: typeof JWKSMultipleMatchingKeys;
  /** {@link JWSSignatureVerificationFailed}, code `ERR_JWS_SIGNATURE_VERIFICATION_FAILED`. */
  JWSSignatureVerificationFailed: typeof JWSSignatureVerificationFailed;
  /** {@link BearerTokenMissing}, code `ERR_BEARER_TOKEN_MISSING`. */
  BearerTokenMissing: typeof BearerTokenMissing;
  /** {@link BearerTokenMalformed}, code `ERR_BEARER_TOKEN_MALFORMED`. */
  BearerTokenMalformed: typeof BearerTokenMalformed;
  /** {@link TokenTooLarge}, code `ERR_TOKEN_TOO_LARGE`. */
  TokenTooLarge: typeof TokenTooLarge;
  /** {@link OptionsInvalid}, code `ERR_OPTIONS_INVALID`. */
  OptionsInvalid: typeof OptionsInvalid;
  /** {@link Disposed}, code `ERR_DISPOSED`. */
  Disposed: typeof Disposed;
};
