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
}

/** Options of `createRemoteJWKSet`. Durations are milliseconds, as in jose. */
export interface RemoteJWKSetOptions {
  /** Freshness when the response has no usable `Cache-Control: max-age` (default 600000). */
  cacheMaxAge?: number;
  /** Smallest `max-age` honoured (default 1000). */
  minCacheMaxAge?: number;
  /** Largest `max-age` honoured (default 86400000). */
  maxCacheMaxAge?: number;
  /** After a fetch, no refetch for an unknown `kid` for this long (default 30000). */
  cooldownDuration?: number;
  /** Abort a fetch after this long (default 5000). */
  timeoutDuration?: number;
  /** Keep serving the last good keys this long past expiry while refetches fail (default 3600000). */
  staleIfError?: number;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** A snapshot from `exportCache()` to start from. */
  cache?: JWKSCacheSnapshot;
}

/** A cached JWK Set, portable between isolates (for example through KV). */
export interface JWKSCacheSnapshot {
  jwks: JSONWebKeySet;
  /** When it was fetched, ms since the epoch. */
  fetchedAt: number;
  /** Until when it is fresh, ms since the epoch. */
  expiresAt: number;
}

/** The inspectable state of a remote key set. */
export interface RemoteJWKSetState {
  fresh: boolean;
  coolingDown: boolean;
  /** Keys past their max-age still served because refetching fails. */
  servingStale: boolean;
  keys: number;
  fetchedAt: number | null;
  expiresAt: number | null;
  /** The latest fetch failure since the last success, with `at` (ms). */
  lastError: (JOSEError & { at: number; status?: number }) | null;
}

/** A key set fetched from a URL and cached. */
export interface RemoteJWKSet {
  readonly fresh: boolean;
  readonly coolingDown: boolean;
  readonly state: RemoteJWKSetState;
  /** Refetches now; rejects with the fetch error. */
  reload(): Promise<void>;
  exportCache(): JWKSCacheSnapshot | undefined;
  importCache(snapshot: JWKSCacheSnapshot): void;
}

/** Builds a key set that fetches the JWK Set at `url`. Nothing is fetched until needed. */
export function createRemoteJWKSet(url: string | URL, options?: RemoteJWKSetOptions): RemoteJWKSet;

/** An issuer's OpenID configuration. */
export interface OpenIDConfiguration {
  issuer: string;
  jwks_uri: string;
  token_endpoint?: string;
  [name: string]: unknown;
}

/** Reads `{issuer}/.well-known/openid-configuration`; its `issuer` must equal `issuer` exactly. */
export function discover(issuer: string | URL, options?: Pick<RemoteJWKSetOptions, 'timeoutDuration' | 'headers'>): Promise<OpenIDConfiguration>;

/** An issuer a session refreshes against: from `cotter()` or `oidc()`. */
export interface Provider {
  readonly type: 'cotter' | 'oauth2';
  readonly issuer: string;
  readonly audience: string;
  readonly tokenEndpoint: string;
  readonly jwks: RemoteJWKSet;
  verify<P = JWTPayload>(token: string | Uint8Array, options?: JWTVerifyOptions): Promise<JWTVerifyResult<P>>;
}

/** A standard OpenID Connect issuer. */
export interface OIDCProvider extends Provider {
  readonly type: 'oauth2';
  readonly clientId: string;
  readonly revocationEndpoint?: string;
}

/** Finds a standard issuer by discovery (`clientId` is the audience). */
export function oidc(options: { issuer: string; clientId: string } & RemoteJWKSetOptions): Promise<OIDCProvider>;

/** Where a session keeps its tokens. */
export type SessionStorageOption =
  | 'memory'
  | 'sessionStorage'
  /** Readable by any script on the origin: an XSS can take the refresh token. */
  | 'localStorage'
  | { get(key: string): string | null | Promise<string | null>; set(key: string, value: string): void | Promise<void>; remove(key: string): void | Promise<void> };

/** Options of `createSession`. */
export interface SessionOptions {
  provider: Provider;
  storage?: SessionStorageOption;
  storageKey?: string;
  /** Refresh when fewer than this many seconds (or '1m'…) remain; default 60. */
  refreshLeeway?: number | string;
  /** Transient failures are retried `retries` times with backoff and jitter (ms). */
  retry?: { retries?: number; baseDelay?: number; maxDelay?: number };
  /** Per request, ms (default 10000). */
  timeoutDuration?: number;
  /** Coordinate tabs with Web Locks and BroadcastChannel (default true). */
  crossTab?: boolean;
  /** Refresh on a timer, `visibilitychange` and `online` (default: where there is a document). */
  autoRefresh?: boolean;
}

/** The tokens a session holds. */
export interface SessionTokens {
  access_token: string;
  id_token: string | null;
  refresh_token: string | null;
  /** ms since the epoch. */
  expires_at: number;
  sub: string;
}

/** Events: `tokens` ({ source: 'login' | 'refresh' | 'other_tab' }), `refresh_failed` ({ error, attempts }),
 * `signed_out` ({ reason: 'logout' | 'refresh_rejected' | 'other_tab', error? }), `storage_corrupt` ({ error }). */
export class SessionEvent extends Event {
  detail: any;
}

/** A session: tokens kept fresh through the refresh-token exchange. */
export interface Session extends EventTarget {
  readonly tokens: SessionTokens | null;
  /** Starts from Cotter's auth payload (or a token response); verifies the tokens first. */
  setTokens(payload: unknown): Promise<void>;
  /** A valid access token; refreshes first when needed. */
  getAccessToken(): Promise<string>;
  /** The ID token's claims, or null. */
  getIdTokenClaims<P = JWTPayload>(): Promise<(P & JWTPayload) | null>;
  refresh(): Promise<void>;
  logout(): Promise<void>;
  dispose(): void;
}

/** Creates a session for one user of `provider`. */
export function createSession(options: SessionOptions): Session;

/** The Cotter preset. */
export interface CotterPreset extends Provider {
  readonly type: 'cotter';
  readonly apiKeyId: string;
  readonly issuer: string;
  /** The API key id, checked as `aud`. */
  readonly audience: string;
  readonly jwksUrl: string;
  readonly tokenEndpoint: string;
  readonly jwks: RemoteJWKSet;
  /** `jwtVerify` with the preset's issuer and audience. */
  verify<P = JWTPayload>(token: string | Uint8Array, options?: JWTVerifyOptions): Promise<JWTVerifyResult<P>>;
}

/** Cotter: JWKS at `{baseUrl}/api/v0/token/jwks`, issuer `baseUrl` unless given, audience `apiKeyId`. */
export function cotter(options: { apiKeyId: string; baseUrl?: string; issuer?: string } & RemoteJWKSetOptions): CotterPreset;

/** A key set and options bound once; repeat tokens skip the signature. */
export interface Verifier {
  verify<P = JWTPayload>(token: string): Promise<JWTVerifyResult<P>>;
}

/** Binds a key set and `jwtVerify` options once, for servers verifying many tokens. */
export function createVerifier(keySet: KeySet | RemoteJWKSet, options?: JWTVerifyOptions): Verifier;

/** A request with headers: a Fetch `Request`, or Node's `IncomingMessage`. */
export type RequestLike =
  | { headers: { get(name: string): string | null } }
  | { headers: Record<string, string | string[] | undefined> };

/** Reads `Authorization: Bearer` and verifies the token. */
export function verifyRequest<P = JWTPayload>(request: RequestLike, keySet: KeySet | RemoteJWKSet, options?: JWTVerifyOptions): Promise<JWTVerifyResult<P> & { token: string }>;

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
export function jwtVerify<P = JWTPayload>(jwt: string | Uint8Array, keySet: KeySet | RemoteJWKSet, options?: JWTVerifyOptions): Promise<JWTVerifyResult<P>>;
/** Verifies an ES256 compact JWS; the payload may be any bytes. */
export function compactVerify(jws: string | Uint8Array, keySet: KeySet | RemoteJWKSet, options?: VerifyOptions): Promise<CompactVerifyResult>;
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
  | 'ERR_TOKENS_INVALID' | 'ERR_SESSION_STORAGE_CORRUPT' | 'ERR_NOT_SIGNED_IN'
  | 'ERR_BEARER_TOKEN_MISSING' | 'ERR_BEARER_TOKEN_MALFORMED';

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
export class JWKSTimeout extends JOSEError {}
export class JWSSignatureVerificationFailed extends JOSEError {}
export class JWKSFetchFailed extends JOSEError {}
export class JWKSHttpError extends JOSEError { status: number; }
export class JWKSTooLarge extends JOSEError {}
export class JWKSCrossOriginRedirect extends JOSEError {}
export class RefreshRejected extends JOSEError { terminal: true; }
export class RefreshUnavailable extends JOSEError { status?: number; retryAfter?: number; }
export class RefreshFailed extends JOSEError { status?: number; }
export class RefreshInvalidResponse extends JOSEError {}
export class TokensInvalid extends JOSEError { reason?: string; }
export class SessionStorageCorrupt extends JOSEError {}
export class NotSignedIn extends JOSEError {}
export class BearerTokenMissing extends JOSEError {}
export class BearerTokenMalformed extends JOSEError {}
export class DiscoveryFailed extends JOSEError {
  reason: 'timeout' | 'network' | 'http' | 'too_large' | 'redirect' | 'content_type' | 'invalid';
  status?: number;
}
/** The token exceeds the 16 KiB size cap. */
export class TokenTooLarge extends JWSInvalid {}
/** An option, or the key set argument, is invalid. */
export class OptionsInvalid extends JOSEError {}

/** The error classes, as in jose's `errors`. */
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
  JWKSTimeout: typeof JWKSTimeout;
  JWSSignatureVerificationFailed: typeof JWSSignatureVerificationFailed;
  JWKSFetchFailed: typeof JWKSFetchFailed;
  JWKSHttpError: typeof JWKSHttpError;
  JWKSTooLarge: typeof JWKSTooLarge;
  JWKSCrossOriginRedirect: typeof JWKSCrossOriginRedirect;
  DiscoveryFailed: typeof DiscoveryFailed;
  RefreshRejected: typeof RefreshRejected;
  RefreshUnavailable: typeof RefreshUnavailable;
  RefreshFailed: typeof RefreshFailed;
  RefreshInvalidResponse: typeof RefreshInvalidResponse;
  TokensInvalid: typeof TokensInvalid;
  SessionStorageCorrupt: typeof SessionStorageCorrupt;
  NotSignedIn: typeof NotSignedIn;
  BearerTokenMissing: typeof BearerTokenMissing;
  BearerTokenMalformed: typeof BearerTokenMalformed;
  TokenTooLarge: typeof TokenTooLarge;
  OptionsInvalid: typeof OptionsInvalid;
};
