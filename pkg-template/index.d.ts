// Types of the full entry (`edgetoken`): everything of the verify-only
// entry (verify.d.ts), plus remote key sets, discovery, presets and sessions.
export * from './verify.js';
import type {
  CompactVerifyResult, JWTPayload, JWTVerifyOptions, JWTVerifyResult, JSONWebKeySet, KeySet,
  RequestLike, Verifier, VerifyOptions,
} from './verify.js';
import { JOSEError, errors as verifyErrors } from './verify.js';

// The error classes of remote key sets, discovery and sessions.
export class JWKSTimeout extends JOSEError {}
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
/** Session storage failed; the session went on in memory and tries storage again on its next use. */
export class SessionStorageFailed extends JOSEError { operation: 'get' | 'set' | 'remove'; }
export class NotSignedIn extends JOSEError {}
/** The issuer answered the sign-in with an error (`access_denied`…). */
export class SignInDenied extends JOSEError { error: string; errorDescription?: string; }
/** No sign-in was started in this browser (or process) for the callback: open the link where it started. */
export class SignInUnknown extends JOSEError {}
export class SignInStateMismatch extends JOSEError {}
export class SignInExpired extends JOSEError {}
export class SignInInvalidCallback extends JOSEError {}
export class SignInExchangeFailed extends JOSEError { status?: number; error?: string; }
export class SignInTimeout extends JOSEError {}
export class SignInCancelled extends JOSEError {}
export class SignInPortInUse extends JOSEError {}
export class TokenFileInvalid extends JOSEError {}
export class TokenFileLocked extends JOSEError {}
export class DiscoveryFailed extends JOSEError {
  reason: 'timeout' | 'network' | 'http' | 'too_large' | 'redirect' | 'content_type' | 'invalid';
  status?: number;
}

/** The error classes, as in jose's `errors`: verification's and the above. */
export const errors: typeof verifyErrors & {
  JWKSTimeout: typeof JWKSTimeout;
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
  SessionStorageFailed: typeof SessionStorageFailed;
  NotSignedIn: typeof NotSignedIn;
  SignInDenied: typeof SignInDenied;
  SignInUnknown: typeof SignInUnknown;
  SignInStateMismatch: typeof SignInStateMismatch;
  SignInExpired: typeof SignInExpired;
  SignInInvalidCallback: typeof SignInInvalidCallback;
  SignInExchangeFailed: typeof SignInExchangeFailed;
  SignInTimeout: typeof SignInTimeout;
  SignInCancelled: typeof SignInCancelled;
  SignInPortInUse: typeof SignInPortInUse;
  TokenFileInvalid: typeof TokenFileInvalid;
  TokenFileLocked: typeof TokenFileLocked;
};

/** Options of `createRemoteJWKSet`. Durations are milliseconds, as in jose. */
export interface RemoteJWKSetOptions {
  /** Freshness when the response has no usable `Cache-Control: max-age` (default 600000); `Infinity`: never stale, whatever the response says. */
  cacheMaxAge?: number;
  /** Smallest `max-age` honoured (default 1000). */
  minCacheMaxAge?: number;
  /** Largest `max-age` honoured (default 86400000). */
  maxCacheMaxAge?: number;
  /** After a fetch, no refetch for an unknown `kid` for this long (default 30000). */
  cooldownDuration?: number;
  /** Abort a fetch, redirects and body included, after this long (0 to 600000; default 5000). */
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
  /** A fetch of the set is under way (jose's `reloading`). */
  readonly reloading: boolean;
  readonly state: RemoteJWKSetState;
  /** Refetches now; rejects with the fetch error. */
  reload(): Promise<void>;
  /** A copy of the cached JWK Set; undefined before the first fetch (jose's `jwks()`). */
  jwks(): JSONWebKeySet | undefined;
  /** The cached set as a JSON-safe snapshot, for another isolate (KV, say); undefined before the first fetch. */
  exportCache(): JWKSCacheSnapshot | undefined;
  /** Adopts a snapshot of `exportCache()`, keeping its expiry, unless a newer set is cached. */
  importCache(snapshot: JWKSCacheSnapshot): void;
  /** Releases the set's wasm memory now; any later use is `Disposed`. Also `[Symbol.dispose]`. */
  dispose(): void;
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
  /** `jwtVerify` with the provider's key set, issuer and audience (Cotter: the API key id; OpenID Connect: the client id). */
  verify<P = JWTPayload>(token: string | Uint8Array, options?: JWTVerifyOptions): Promise<JWTVerifyResult<P>>;
}

/** A standard OpenID Connect issuer. */
export interface OIDCProvider extends Provider {
  readonly type: 'oauth2';
  readonly clientId: string;
  readonly authorizationEndpoint?: string;
  readonly revocationEndpoint?: string;
  /** Set when a session verifies access tokens as JWTs (RFC 9068) for this audience; otherwise they are opaque. */
  readonly accessToken?: { readonly audience: string | string[]; readonly issuer?: string };
}

/**
 * Finds a standard issuer by discovery. Sessions verify its ID tokens
 * (audience: `clientId`) and carry its access tokens as opaque, unless
 * `accessToken: { audience }` asks to verify them as JWTs for that audience.
 *
 * @example
 * const provider = await oidc({ issuer, clientId: 'app', accessToken: { audience: 'https://api.example' } });
 */
export function oidc(options: { issuer: string; clientId: string; accessToken?: { audience: string | string[]; issuer?: string } } & RemoteJWKSetOptions): Promise<OIDCProvider>;

/** A storage a session keeps its tokens in; its calls may be async (KV, a file). */
export interface SessionStorageAdapter {
  /** The stored value of `key`, or null. */
  get(key: string): string | null | Promise<string | null>;
  /** Stores `value` under `key`. */
  set(key: string, value: string): void | Promise<void>;
  /** Removes `key`. */
  remove(key: string): void | Promise<void>;
}
/** Where a session keeps its tokens. */
export type SessionStorageOption =
  | 'memory'
  | 'sessionStorage'
  /** Readable by any script on the origin: an XSS can take the refresh token. */
  | 'localStorage'
  | SessionStorageAdapter;

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
 * `signed_out` ({ reason: 'logout' | 'refresh_rejected' | 'other_tab', error? }), `storage_corrupt` ({ error }),
 * `storage_failed` ({ error: SessionStorageFailed, operation }). */
export class SessionEvent extends Event {
  detail: any;
}

/** A session: tokens kept fresh through the refresh-token exchange. */
export interface Session extends EventTarget {
  readonly tokens: SessionTokens | null;
  /** Starts from Cotter's auth payload (or a token response); verifies the tokens first (and the ID token's `nonce`, when given). */
  setTokens(payload: unknown, options?: { nonce?: string }): Promise<void>;
  /** A valid access token; refreshes first when needed. */
  getAccessToken(): Promise<string>;
  /** The ID token's claims, or null. */
  getIdTokenClaims<P = JWTPayload>(): Promise<(P & JWTPayload) | null>;
  /** Refreshes now, shared with any refresh under way. */
  refresh(): Promise<void>;
  /** Clears the session in every tab and tells the issuer (Cotter's logout, or RFC 7009 revocation), best effort. */
  logout(): Promise<void>;
  /** Stops timers and listeners; every later call rejects with `Disposed`. */
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
  /** Cotter's sign-in page (`appUrl`). */
  readonly signInUrl: string;
  /** Cotter's code exchange, `get_identity?oauth_token=true`. */
  readonly exchangeEndpoint: string;
  readonly jwks: RemoteJWKSet;
  /** `jwtVerify` with the preset's issuer and audience. */
  verify<P = JWTPayload>(token: string | Uint8Array, options?: JWTVerifyOptions): Promise<JWTVerifyResult<P>>;
}

/** Cotter: JWKS at `{baseUrl}/api/v0/token/jwks`, issuer `baseUrl` unless given, audience `apiKeyId`. */
export function cotter(options: { apiKeyId: string; baseUrl?: string; issuer?: string; appUrl?: string } & RemoteJWKSetOptions): CotterPreset;

/** What a callback needs of a sign-in: keep it until then (JSON-safe), use it once. */
export interface PendingSignIn {
  v: 1; state: string; verifier: string; nonce?: string; redirectUri: string; issuer: string; client: string;
  createdAt: number; expiresAt: number;
}
/** Options of a sign-in. `type` and `authMethod` are Cotter's; `scope` OpenID Connect's. */
export interface SignInOptions {
  redirectUri: string;
  type?: 'EMAIL' | 'PHONE';
  authMethod?: 'MAGIC_LINK' | 'OTP';
  scope?: string;
  loginHint?: string;
  params?: Record<string, string>;
}
/** How long a pending sign-in is kept, in seconds. */
export const SIGN_IN_TTL: number;
/** The S256 challenge of a PKCE verifier. */
export function pkceChallenge(verifier: string): Promise<string>;
/** A new sign-in: the URL to send the user to, and the pending sign-in to keep. */
export function prepareSignIn(provider: Provider, options: SignInOptions): Promise<{ url: string; pending: PendingSignIn }>;
/** Whether a URL is a sign-in callback (`code` or `error`, and `state`). */
export function isSignInCallback(url: string | URL): boolean;
/** Checks the callback and exchanges the code; the tokens are not verified yet (give them to `session.setTokens(tokens, { nonce })`). */
export function finishSignIn(provider: Provider, pending: PendingSignIn | undefined, callbackUrl: string | URL,
  options?: { timeoutDuration?: number }): Promise<{ tokens: unknown; nonce?: string; payload?: CotterAuthPayload }>;

/** Cotter's auth payload, which a page forwards to its backend. */
export interface CotterAuthPayload {
  email?: string;
  phone?: string;
  oauth_token: { access_token: string; id_token: string; refresh_token: string; expires_in: number; token_type: string; auth_method?: string };
  user: { ID: string; identifier: string; [k: string]: unknown };
}

/** Node only. Options of the CLI login. */
export interface LoginOptions {
  provider: Provider;
  /** 0 (default): a free port. */
  port?: number;
  path?: string;
  type?: 'EMAIL' | 'PHONE';
  authMethod?: 'MAGIC_LINK' | 'OTP';
  scope?: string;
  loginHint?: string;
  /** ms; default 300000. */
  timeout?: number;
  /** Open the system browser (default true); the link is printed either way. */
  open?: boolean;
  /** The page the browser shows after a sign-in. */
  successHtml?: string;
  /** Called with the sign-in link (default: printed on stderr). */
  onUrl?: (url: string) => void;
  /** Where to keep the tokens (mode 0600). */
  tokenFile?: string;
  signal?: AbortSignal;
  sessionOptions?: Partial<SessionOptions>;
}
/**
 * Node only. Signs a user in from the command line (loopback redirect, RFC 8252).
 *
 * @example
 * const { tokens, payload } = await loginWithEmailLink(API_KEY_ID, 8080, { tokenFile: 'tokens.json' });
 */
export function login(options: LoginOptions): Promise<{ tokens: SessionTokens; payload?: CotterAuthPayload; session: Session }>;
/** Node only. One of Cotter's Python SDK login methods: `(apiKeyId, port, options)`. */
export type CotterLogin = (apiKeyId: string, port?: number, options?: Omit<LoginOptions, 'provider' | 'port' | 'type' | 'authMethod'> & { baseUrl?: string; appUrl?: string; issuer?: string })
  => Promise<{ tokens: SessionTokens; payload?: CotterAuthPayload; session: Session }>;
/** Node only. Cotter's `login_with_email_link(api_key, port)`. */
export const loginWithEmailLink: CotterLogin;
/** Node only. Cotter's `login_with_email_otp(api_key, port)`. */
export const loginWithEmailOtp: CotterLogin;
/** Node only. Cotter's `login_with_phone_link(api_key, port)`. */
export const loginWithPhoneLink: CotterLogin;
/** Node only. Cotter's `login_with_phone_otp(api_key, port)`. */
export const loginWithPhoneOtp: CotterLogin;
/** Node only. A session storage over a token file (0600, atomic; foreign files left alone). */
export function fileStorage(file: string): SessionStorageAdapter;
/** Node only. Cotter's `get_token_from_file`: the file's tokens, refreshed (by one process at a time) when due. */
export function getTokenFromFile(file: string, options: { provider: Provider; leeway?: number }): Promise<SessionTokens>;
/** Cotter's `validate_access_token`: the claims of a valid access token of `provider`. */
export function validateAccessToken(token: string, provider: Provider): Promise<JWTPayload>;
/** Cotter's `validate_id_token`: the claims of a valid ID token of `provider`. */
export function validateIdToken(token: string, provider: Provider): Promise<JWTPayload>;

/** Binds a key set and `jwtVerify` options once, for servers verifying many tokens. */
export function createVerifier(keySet: KeySet | RemoteJWKSet, options?: JWTVerifyOptions): Verifier;
/** Reads `Authorization: Bearer` and verifies the token. */
export function verifyRequest<P = JWTPayload>(request: RequestLike, keySet: KeySet | RemoteJWKSet, options?: JWTVerifyOptions): Promise<JWTVerifyResult<P> & { token: string }>;
/** Verifies an ES256 JWT and its claims. */
export function jwtVerify<P = JWTPayload>(jwt: string | Uint8Array, keySet: KeySet | RemoteJWKSet, options?: JWTVerifyOptions): Promise<JWTVerifyResult<P>>;
/** Verifies an ES256 compact JWS; the payload may be any bytes. */
export function compactVerify(jws: string | Uint8Array, keySet: KeySet | RemoteJWKSet, options?: VerifyOptions): Promise<CompactVerifyResult>;
