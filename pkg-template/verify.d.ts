// Types of the verify-only entry (`edgetoken/verify`); the full entry
// (index.d.ts) extends them with remote key sets, discovery and sessions.

/** A JWT Claims Set. */
export interface JWTPayload {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  jti?: string;
  nbf?: number;
  exp?: number;
  iat?: number;
  [propName: string]: unknown;
}

/** A JWS protected header. */
export interface ProtectedHeaderParameters {
  alg?: string;
  kid?: string;
  typ?: string;
  crit?: string[];
  [propName: string]: unknown;
}

/** A JSON Web Key. */
export interface JWK {
  kty?: string;
  crv?: string;
  x?: string;
  y?: string;
  kid?: string;
  use?: string;
  key_ops?: string[];
  alg?: string;
  [propName: string]: unknown;
}

/** A JSON Web Key Set. */
export interface JSONWebKeySet {
  keys: JWK[];
}

/** A validated key set holding only keys usable for ES256 verification. */
export interface KeySet {
  /** Number of usable ES256 keys. */
  readonly size: number;
  /** Entries of the JWK Set that were left out, and why. */
  skipped(): { index: number; kid?: string; reason: string }[];
  /** The repeat-token cache of `jwtVerify` with this set. */
  cacheStats(): { entries: number; bytes: number; hits: number; misses: number };
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

/** A request with headers: a Fetch `Request`, or Node's `IncomingMessage`. */
/** A Fetch `Request`'s headers (workers, browsers). */
export interface FetchHeadersLike {
  /** The header's value, or null. */
  get(name: string): string | null;
}
/** A request whose `Authorization` header `verifyRequest` reads: a Fetch `Request` or a Node `IncomingMessage`. */
export type RequestLike =
  | { headers: FetchHeadersLike }
  | { headers: Record<string, string | string[] | undefined> };

/** Reads `Authorization: Bearer` and verifies the token. */
export function verifyRequest<P = JWTPayload>(request: RequestLike, keySet: KeySet, options?: JWTVerifyOptions): Promise<JWTVerifyResult<P> & { token: string }>;

/** A 401/400 JSON `Response` with RFC 6750's `WWW-Authenticate` for a `verifyRequest` failure. */
export function unauthorized(error: unknown, options?: { realm?: string }): Response;

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
  payload: P & JWTPayload;
  protectedHeader: ProtectedHeaderParameters;
}

/** Result of `compactVerify`. */
export interface CompactVerifyResult {
  payload: Uint8Array;
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
  static code: ErrorCode;
  code: ErrorCode;
}
/** A claim check failed. */
export class JWTClaimValidationFailed<P = JWTPayload> extends JOSEError {
  claim: string;
  reason: 'missing' | 'check_failed' | 'invalid' | string;
  payload: P & JWTPayload;
}
/** The token expired (`exp`), or is older than `maxTokenAge` (`iat`). */
export class JWTExpired<P = JWTPayload> extends JOSEError {
  claim: string;
  reason: 'check_failed' | string;
  payload: P & JWTPayload;
}
export class JOSEAlgNotAllowed extends JOSEError {}
export class JOSENotSupported extends JOSEError {}
export class JWSInvalid extends JOSEError {}
export class JWTInvalid extends JOSEError {}
export class JWKInvalid extends JOSEError {}
export class JWKSInvalid extends JOSEError {}
export class JWKSNoMatchingKey extends JOSEError {}
export class JWKSMultipleMatchingKeys extends JOSEError {}
export class JWSSignatureVerificationFailed extends JOSEError {}
export class BearerTokenMissing extends JOSEError {}
export class BearerTokenMalformed extends JOSEError {}
/** The token exceeds the 16 KiB size cap. */
export class TokenTooLarge extends JWSInvalid {}
/** An option, or the key set argument, is invalid. */
export class OptionsInvalid extends JOSEError {}
/** The key set or verifier was disposed. */
export class Disposed extends JOSEError {}

/** The error classes of verification, as in jose's `errors` (the full entry's has more). */
export const errors: {
  JOSEError: typeof JOSEError;
  JWTClaimValidationFailed: typeof JWTClaimValidationFailed;
  JWTExpired: typeof JWTExpired;
  JOSEAlgNotAllowed: typeof JOSEAlgNotAllowed;
  JOSENotSupported: typeof JOSENotSupported;
  JWSInvalid: typeof JWSInvalid;
  JWTInvalid: typeof JWTInvalid;
  JWKInvalid: typeof JWKInvalid;
  JWKSInvalid: typeof JWKSInvalid;
  JWKSNoMatchingKey: typeof JWKSNoMatchingKey;
  JWKSMultipleMatchingKeys: typeof JWKSMultipleMatchingKeys;
  JWSSignatureVerificationFailed: typeof JWSSignatureVerificationFailed;
  BearerTokenMissing: typeof BearerTokenMissing;
  BearerTokenMalformed: typeof BearerTokenMalformed;
  TokenTooLarge: typeof TokenTooLarge;
  OptionsInvalid: typeof OptionsInvalid;
  Disposed: typeof Disposed;
};
