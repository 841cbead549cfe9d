// Types of the full entry (`edgetoken`): everything of the verify-only
// entry (verify.d.ts), plus remote key sets, discovery, presets and sessions.
export * from './verify.js';
import type {
  CompactVerifyResult, JWTPayload, JWTVerifyOptions, JWTVerifyResult, JSONWebKeySet, KeySet,
  RequestLike, Verifier, VerifyOptions, VerifyRequestResult,
} from './verify.js';
import { JOSEError, errors as verifyErrors } from './verify.js';

// The error classes of remote key sets, discovery and sessions.
/** The JWKS request took longer than `timeoutDuration`. */
export class JWKSTimeout extends JOSEError {}
/** The JWKS request failed before an HTTP answer (connection refused, DNS, CORS). */
export class JWKSFetchFailed extends JOSEError {}
/** The JWKS URL answered with a status other than 200. */
export class JWKSHttpError extends JOSEError {
  /** The HTTP status of the answer. */
  status: number;
}
/** The JWKS response body is over 256 KiB. */
export class JWKSTooLarge extends JOSEError {}
/** The JWKS request was redirected to another origin. */
export class JWKSCrossOriginRedirect extends JOSEError {}
/** The issuer rejected the refresh token (Cotter's 400, `invalid_grant`): the session is cleared. */
export class RefreshRejected extends JOSEError {
  /** Always true: signing in again is the way on. */
  terminal: true;
}
/** The exchange failed transiently (network, timeout, 408, 429, 5xx) after the retries; the tokens are kept. */
export class RefreshUnavailable extends JOSEError {
  /** The last answer's HTTP status, when there was one. */
  status?: number;
  /** The last answer's `Retry-After`, in seconds. */
  retryAfter?: number;
}
/** The issuer refused for another reason (401, `invalid_client`), or there is no refresh token; the tokens are kept. */
export class RefreshFailed extends JOSEError {
  /** The answer's HTTP status, when there was one. */
  status?: number;
}
/** The token response was malformed (no `access_token`, a `token_type` other than Bearer…). */
export class RefreshInvalidResponse extends JOSEError {}
/** Tokens from the issuer failed verification; the old tokens are kept. */
export class TokensInvalid extends JOSEError {
  /** The verification's error code (`ERR_JWT_EXPIRED`…). */
  reason?: string;
}
/** A stored session value was unreadable and was discarded (in the `storage_corrupt` event). */
export class SessionStorageCorrupt extends JOSEError {}
/** Session storage failed; the session went on in memory and tries storage again on its next use. */
export class SessionStorageFailed extends JOSEError {
  /** The storage call that threw (its error is `cause`). */
  operation: 'get' | 'set' | 'remove';
}
/** The session holds no tokens (or a token file is missing). */
export class NotSignedIn extends JOSEError {}
/** The issuer answered the sign-in with an error (`access_denied`…). */
export class SignInDenied extends JOSEError {
  /** The issuer's `error`. */
  error: string;
  /** The issuer's `error_description`, when given. */
  errorDescription?: string;
}
/** No sign-in was started in this browser (or process) for the callback: open the link where it started. */
export class SignInUnknown extends JOSEError {}
/** The callback's `state` is not the pending sign-in's. */
export class SignInStateMismatch extends JOSEError {}
/** The pending sign-in is older than `SIGN_IN_TTL`. */
export class SignInExpired extends JOSEError {}
/** The callback has no `code`, or comes from another issuer (RFC 9207). */
export class SignInInvalidCallback extends JOSEError {}
/** The code exchange failed. */
export class SignInExchangeFailed extends JOSEError {
  /** The answer's HTTP status, when there was one. */
  status?: number;
  /** The issuer's `error`, when it gave one. */
  error?: string;
}
/** Node only. The CLI login saw no sign-in within `timeout`. */
export class SignInTimeout extends JOSEError {}
/** Node only. The CLI login was cancelled (`signal`, or Ctrl-C). */
export class SignInCancelled extends JOSEError {}
/** Node only. The CLI login's port is in use. */
export class SignInPortInUse extends JOSEError {}
/** Node only. The token file cannot be read, or is not an edgetoken token file; it is left as it is. */
export class TokenFileInvalid extends JOSEError {}
/** Node only. The token file's lock is held by another process for too long, or cannot be taken. */
export class TokenFileLocked extends JOSEError {}
/** `discover()` failed. */
export class DiscoveryFailed extends JOSEError {
  /** How: the request timed out, failed, had another status, was too large, was redirected, was not JSON, or the document was invalid (another `issuer`, no `jwks_uri`…). */
  reason: 'timeout' | 'network' | 'http' | 'too_large' | 'redirect' | 'content_type' | 'invalid';
  /** The answer's HTTP status, for `'http'`. */
  status?: number;
}

/** The error classes, as in jose's `errors`: verification's and the above. */
export const errors: typeof verifyErrors & {
  /** {@link JWKSTimeout}, code `ERR_JWKS_TIMEOUT`. */
  JWKSTimeout: typeof JWKSTimeout;
  /** {@link JWKSFetchFailed}, code `ERR_JWKS_FETCH_FAILED`. */
  JWKSFetchFailed: typeof JWKSFetchFailed;
  /** {@link JWKSHttpError}, code `ERR_JWKS_HTTP_ERROR`. */
  JWKSHttpError: typeof JWKSHttpError;
  /** {@link JWKSTooLarge}, code `ERR_JWKS_TOO_LARGE`. */
  JWKSTooLarge: typeof JWKSTooLarge;
  /** {@link JWKSCrossOriginRedirect}, code `ERR_JWKS_CROSS_ORIGIN_REDIRECT`. */
  JWKSCrossOriginRedirect: typeof JWKSCrossOriginRedirect;
  /** {@link DiscoveryFailed}, code `ERR_DISCOVERY_FAILED`. */
  DiscoveryFailed: typeof DiscoveryFailed;
  /** {@link RefreshRejected}, code `ERR_REFRESH_REJECTED`. */
  RefreshRejected: typeof RefreshRejected;
  /** {@link RefreshUnavailable}, code `ERR_REFRESH_UNAVAILABLE`. */
  RefreshUnavailable: typeof RefreshUnavailable;
  /** {@link RefreshFailed}, code `ERR_REFRESH_FAILED`. */
  RefreshFailed: typeof RefreshFailed;
  /** {@link RefreshInvalidResponse}, code `ERR_REFRESH_INVALID_RESPONSE`. */
  RefreshInvalidResponse: typeof RefreshInvalidResponse;
  /** {@link TokensInvalid}, code `ERR_TOKENS_INVALID`. */
  TokensInvalid: typeof TokensInvalid;
  /** {@link SessionStorageCorrupt}, code `ERR_SESSION_STORAGE_CORRUPT`. */
  SessionStorageCorrupt: typeof SessionStorageCorrupt;
  /** {@link SessionStorageFailed}, code `ERR_SESSION_STORAGE_FAILED`. */
  SessionStorageFailed: typeof SessionStorageFailed;
  /** {@link NotSignedIn}, code `ERR_NOT_SIGNED_IN`. */
  NotSignedIn: typeof NotSignedIn;
  /** {@link SignInDenied}, code `ERR_SIGNIN_DENIED`. */
  SignInDenied: typeof SignInDenied;
  /** {@link SignInUnknown}, code `ERR_SIGNIN_UNKNOWN`. */
  SignInUnknown: typeof SignInUnknown;
  /** {@link SignInStateMismatch}, code `ERR_SIGNIN_STATE_MISMATCH`. */
  SignInStateMismatch: typeof SignInStateMismatch;
  /** {@link SignInExpired}, code `ERR_SIGNIN_EXPIRED`. */
  SignInExpired: typeof SignInExpired;
  /** {@link SignInInvalidCallback}, code `ERR_SIGNIN_INVALID_CALLBACK`. */
  SignInInvalidCallback: typeof SignInInvalidCallback;
  /** {@link SignInExchangeFailed}, code `ERR_SIGNIN_EXCHANGE_FAILED`. */
  SignInExchangeFailed: typeof SignInExchangeFailed;
  /** {@link SignInTimeout}, code `ERR_SIGNIN_TIMEOUT`. */
  SignInTimeout: typeof SignInTimeout;
  /** {@link SignInCancelled}, code `ERR_SIGNIN_CANCELLED`. */
  SignInCancelled: typeof SignInCancelled;
  /** {@link SignInPortInUse}, code `ERR_SIGNIN_PORT_IN_USE`. */
  SignInPortInUse: typeof SignInPortInUse;
  /** {@link TokenFileInvalid}, code `ERR_TOKEN_FILE_INVALID`. */
  TokenFileInvalid: typeof TokenFileInvalid;
  /** {@link TokenFileLocked}, code `ERR_TOKEN_FILE_LOCKED`. */
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
  /** The JWK Set as fetched. */
  jwks: JSONWebKeySet;
  /** When it was fetched, ms since the epoch. */
  fetchedAt: number;
  /** Until when it is fresh, ms since the epoch. */
  expiresAt: number;
}

/** The inspectable state of a remote key set. */
export interface RemoteJWKSetState {
  /** The cached keys are within their max-age. */
  fresh: boolean;
  /** A fetch happened within `cooldownDuration`: an unknown `kid` does not refetch yet. */
  coolingDown: boolean;
  /** Keys past their max-age still served because refetching fails. */
  servingStale: boolean;
  /** The number of usable keys cached. */
  keys: number;
  /** When the set was fetched, ms since the epoch; null before the first fetch. */
  fetchedAt: number | null;
  /** Until when it is fresh, ms since the epoch; null before the first fetch. */
  expiresAt: number | null;
  /** The latest fetch failure since the last success, with `at` (ms). */
  lastError: (JOSEError & {
    /** When it failed, ms since the epoch. */
    at: number;
    /** The HTTP status, for `JWKSHttpError`. */
    status?: number;
  }) | null;
}

/** A key set fetched from a URL and cached. */
export interface RemoteJWKSet {
  /** The cached keys are within their max-age (jose's `fresh`). */
  readonly fresh: boolean;
  /** A fetch happened within `cooldownDuration` (jose's `coolingDown`). */
  readonly coolingDown: boolean;
  /** A fetch of the set is under way (jose's `reloading`). */
  readonly reloading: boolean;
  /** The whole state at once, with `servingStale` and `lastError`. */
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
  /** The issuer, equal to the one asked for. */
  issuer: string;
  /** Where its JWK Set is. */
  jwks_uri: string;
  /** Where codes and refresh tokens are exchanged. */
  token_endpoint?: string;
  /** Any other metadata (`authorization_endpoint`, `revocation_endpoint`…). */
  [name: string]: unknown;
}

/** Reads `{issuer}/.well-known/openid-configuration`; its `issuer` must equal `issuer` exactly. */
export function discover(issuer: string | URL, options?: Pick<RemoteJWKSetOptions, 'timeoutDuration' | 'headers'>): Promise<OpenIDConfiguration>;

/** An issuer a session refreshes against: from `cotter()` or `oidc()`. */
export interface Provider {
  /** `'cotter'` for `cotter()`, `'oauth2'` for `oidc()`. */
  readonly type: 'cotter' | 'oauth2';
  /** The `iss` its tokens must carry. */
  readonly issuer: string;
  /** The `aud` its tokens must carry: Cotter's API key id, or the client id. */
  readonly audience: string;
  /** Where refresh tokens are exchanged. */
  readonly tokenEndpoint: string;
  /** Its remote key set. */
  readonly jwks: RemoteJWKSet;
  /** `jwtVerify` with the provider's key set, issuer and audience (Cotter: the API key id; OpenID Connect: the client id). */
  verify<P = JWTPayload>(token: string | Uint8Array, options?: JWTVerifyOptions): Promise<JWTVerifyResult<P>>;
}

/** A standard OpenID Connect issuer. */
export interface OIDCProvider extends Provider {
  /** Always `'oauth2'`. */
  readonly type: 'oauth2';
  /** The client id (the ID tokens' audience). */
  readonly clientId: string;
  /** The discovered `authorization_endpoint`, where sign-ins go. */
  readonly authorizationEndpoint?: string;
  /** The discovered `revocation_endpoint` (RFC 7009), told at logout. */
  readonly revocationEndpoint?: string;
  /** Set when a session verifies access tokens as JWTs (RFC 9068) for this audience; otherwise they are opaque. */
  readonly accessToken?: {
    /** The audience the access tokens must carry. */
    readonly audience: string | string[];
    /** Their issuer, when not the provider's. */
    readonly issuer?: string;
  };
}

/**
 * Finds a standard issuer by discovery. Sessions verify its ID tokens
 * (audience: `clientId`) and carry its access tokens as opaque, unless
 * `accessToken: { audience }` asks to verify them as JWTs for that audience.
 *
 * @example
 * const provider = await oidc({ issuer, clientId: 'app', accessToken: { audience: 'https://api.example' } });
 */
export function oidc(options: {
  /** The issuer, discovered at `{issuer}/.well-known/openid-configuration`. */
  issuer: string;
  /** The client id registered with it. */
  clientId: string;
  /** Verify access tokens as JWTs (RFC 9068) for this audience (and issuer). */
  accessToken?: {
    /** The audience the access tokens must carry. */
    audience: string | string[];
    /** Their issuer, when not the provider's. */
    issuer?: string;
  };
} & RemoteJWKSetOptions): Promise<OIDCProvider>;

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
  /** The issuer the session verifies against and refreshes with. */
  provider: Provider;
  /** Where the tokens are kept (default `'memory'`). */
  storage?: SessionStorageOption;
  /** The storage key, and the name of the cross-tab lock and channel (default `'edgetoken.session'`). */
  storageKey?: string;
  /** Refresh when fewer than this many seconds (or '1m'…) remain; default 60. */
  refreshLeeway?: number | string;
  /** Transient failures are retried `retries` times with backoff and jitter (ms). */
  retry?: {
    /** Retries after the first try, 0 to 10 (default 3). */
    retries?: number;
    /** The first backoff, ms (default 500). */
    baseDelay?: number;
    /** The longest backoff, `Retry-After` included, ms (default 10000). */
    maxDelay?: number;
  };
  /** Per request, ms (default 10000). */
  timeoutDuration?: number;
  /** Coordinate tabs with Web Locks and BroadcastChannel (default true). */
  crossTab?: boolean;
  /** Refresh on a timer, `visibilitychange` and `online` (default: where there is a document). */
  autoRefresh?: boolean;
}

/** The tokens a session holds. */
export interface SessionTokens {
  /** The access token, for `Authorization: Bearer`. */
  access_token: string;
  /** The ID token, when the issuer gave one. */
  id_token: string | null;
  /** The refresh token, kept across refreshes that return none. */
  refresh_token: string | null;
  /** When the access token expires, ms since the epoch. */
  expires_at: number;
  /** The user: the verified tokens' `sub`. */
  sub: string;
}

/** Events: `tokens` ({ source: 'login' | 'refresh' | 'other_tab' }), `refresh_failed` ({ error, attempts }),
 * `signed_out` ({ reason: 'logout' | 'refresh_rejected' | 'other_tab', error? }), `storage_corrupt` ({ error }),
 * `storage_failed` ({ error: SessionStorageFailed, operation }). */
export class SessionEvent extends Event {
  /** The event's details, by type as above. */
  detail: any;
}

/** A session: tokens kept fresh through the refresh-token exchange. */
export interface Session extends EventTarget {
  /** The tokens now, or null when signed out. */
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
  /** Always `'cotter'`. */
  readonly type: 'cotter';
  /** Cotter's API key id. */
  readonly apiKeyId: string;
  /** `baseUrl` unless `issuer` was given. */
  readonly issuer: string;
  /** The API key id, checked as `aud`. */
  readonly audience: string;
  /** `{baseUrl}/api/v0/token/jwks`. */
  readonly jwksUrl: string;
  /** Cotter's refresh exchange, `{baseUrl}/api/v0/token/{apiKeyId}`. */
  readonly tokenEndpoint: string;
  /** Cotter's sign-in page (`appUrl`). */
  readonly signInUrl: string;
  /** Cotter's code exchange, `get_identity?oauth_token=true`. */
  readonly exchangeEndpoint: string;
  /** The remote key set at `jwksUrl`. */
  readonly jwks: RemoteJWKSet;
  /** `jwtVerify` with the preset's issuer and audience. */
  verify<P = JWTPayload>(token: string | Uint8Array, options?: JWTVerifyOptions): Promise<JWTVerifyResult<P>>;
}

/** Cotter: JWKS at `{baseUrl}/api/v0/token/jwks`, issuer `baseUrl` unless given, audience `apiKeyId`. */
export function cotter(options: {
  /** Cotter's API key id (the tokens' audience). */
  apiKeyId: string;
  /** Cotter's API (default `https://www.cotter.app`). */
  baseUrl?: string;
  /** The tokens' `iss`, when not `baseUrl`. */
  issuer?: string;
  /** The sign-in page (default `https://js.cotter.app/app` for Cotter, `{baseUrl}/app` otherwise). */
  appUrl?: string;
} & RemoteJWKSetOptions): CotterPreset;

/** What a callback needs of a sign-in: keep it until then (JSON-safe), use it once. */
export interface PendingSignIn {
  /** The format's version. */
  v: 1;
  /** The `state` the callback must carry. */
  state: string;
  /** The PKCE code verifier. */
  verifier: string;
  /** The `nonce` the ID token must carry (OpenID Connect). */
  nonce?: string;
  /** The redirect URI the code is exchanged with. */
  redirectUri: string;
  /** The provider's issuer. */
  issuer: string;
  /** The API key id or client id. */
  client: string;
  /** When it was made, ms since the epoch. */
  createdAt: number;
  /** When it expires, ms since the epoch. */
  expiresAt: number;
}
/** Options of a sign-in. `type` and `authMethod` are Cotter's; `scope` OpenID Connect's. */
export interface SignInOptions {
  /** Where the issuer sends the user back, with the code. */
  redirectUri: string;
  /** Cotter: sign in by email or phone (default `'EMAIL'`). */
  type?: 'EMAIL' | 'PHONE';
  /** Cotter: by magic link or one-time code (default `'MAGIC_LINK'`). */
  authMethod?: 'MAGIC_LINK' | 'OTP';
  /** OpenID Connect: the scope (default `'openid'`). */
  scope?: string;
  /** The identifier to fill in (Cotter's `identifier`, OpenID Connect's `login_hint`). */
  loginHint?: string;
  /** More query parameters for the sign-in URL. */
  params?: Record<string, string>;
}
/** How long a pending sign-in is kept, in seconds. */
export const SIGN_IN_TTL: number;
/** The S256 challenge of a PKCE verifier. */
export function pkceChallenge(verifier: string): Promise<string>;
/** A new sign-in: the URL to send the user to, and the pending sign-in to keep. */
export function prepareSignIn(provider: Provider, options: SignInOptions): Promise<{
  /** The sign-in page to send the user to. */
  url: string;
  /** What the callback needs: keep it until then. */
  pending: PendingSignIn;
}>;
/** Whether a URL is a sign-in callback (`code` or `error`, and `state`). */
export function isSignInCallback(url: string | URL): boolean;
/** Checks the callback and exchanges the code; the tokens are not verified yet (give them to `session.setTokens(tokens, { nonce })`). */
export function finishSignIn(provider: Provider, pending: PendingSignIn | undefined, callbackUrl: string | URL,
  options?: {
    /** The exchange's timeout, ms (default 10000). */
    timeoutDuration?: number;
  }): Promise<{
    /** The token response (Cotter: its auth payload), for `session.setTokens`. */
    tokens: unknown;
    /** The nonce the ID token must carry. */
    nonce?: string;
    /** Cotter's auth payload (Cotter only). */
    payload?: CotterAuthPayload;
  }>;

/** Cotter's auth payload, which a page forwards to its backend. */
export interface CotterAuthPayload {
  /** The email address signed in with. */
  email?: string;
  /** The phone number signed in with. */
  phone?: string;
  /** The tokens. */
  oauth_token: {
    /** The access token. */
    access_token: string;
    /** The ID token. */
    id_token: string;
    /** The refresh token. */
    refresh_token: string;
    /** The access token's lifetime, seconds. */
    expires_in: number;
    /** `'Bearer'`. */
    token_type: string;
    /** How the user signed in (`'MAGIC_LINK'`, `'OTP'`). */
    auth_method?: string;
  };
  /** Cotter's user. */
  user: {
    /** The user's id (the tokens' `sub`). */
    ID: string;
    /** The email address or phone number. */
    identifier: string;
    /** Cotter's other user fields. */
    [k: string]: unknown;
  };
}

/** Node only. Options of the CLI login. */
export interface LoginOptions {
  /** The issuer to sign in with. */
  provider: Provider;
  /** 0 (default): a free port. */
  port?: number;
  /** The callback's path on the loopback server (default `'/'`). */
  path?: string;
  /** Cotter: sign in by email or phone (default `'EMAIL'`). */
  type?: 'EMAIL' | 'PHONE';
  /** Cotter: by magic link or one-time code (default `'MAGIC_LINK'`). */
  authMethod?: 'MAGIC_LINK' | 'OTP';
  /** OpenID Connect: the scope (default `'openid'`). */
  scope?: string;
  /** The identifier to fill in. */
  loginHint?: string;
  /** How long to wait for the sign-in, ms (default 300000). */
  timeout?: number;
  /** Open the system browser (default true); the link is printed either way. */
  open?: boolean;
  /** The page the browser shows after a sign-in. */
  successHtml?: string;
  /** Called with the sign-in link (default: printed on stderr). */
  onUrl?: (url: string) => void;
  /** Where to keep the tokens (mode 0600). */
  tokenFile?: string;
  /** Aborting it cancels the sign-in (`SignInCancelled`). */
  signal?: AbortSignal;
  /** Options of the session made (`autoRefresh` and `crossTab` are off by default). */
  sessionOptions?: Partial<SessionOptions>;
}
/** Node only. What a CLI login resolves to. */
export interface LoginResult {
  /** The session's tokens. */
  tokens: SessionTokens;
  /** Cotter's auth payload (Cotter only). */
  payload?: CotterAuthPayload;
  /** The session (written to `tokenFile` when given). */
  session: Session;
}
/**
 * Node only. Signs a user in from the command line (loopback redirect, RFC 8252).
 *
 * @example
 * const { tokens, payload } = await loginWithEmailLink(API_KEY_ID, 8080, { tokenFile: 'tokens.json' });
 */
export function login(options: LoginOptions): Promise<LoginResult>;
/** Node only. One of Cotter's Python SDK login methods: `(apiKeyId, port, options)`. */
export type CotterLogin = (apiKeyId: string, port?: number, options?: Omit<LoginOptions, 'provider' | 'port' | 'type' | 'authMethod'> & {
  /** Cotter's API (default `https://www.cotter.app`). */
  baseUrl?: string;
  /** The sign-in page. */
  appUrl?: string;
  /** The tokens' `iss`, when not `baseUrl`. */
  issuer?: string;
}) => Promise<LoginResult>;
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
export function getTokenFromFile(file: string, options: {
  /** The issuer the tokens are from. */
  provider: Provider;
  /** Refresh when fewer than this many seconds remain (default 60). */
  leeway?: number;
}): Promise<SessionTokens>;
/** Cotter's `validate_access_token`: the claims of a valid access token of `provider`. */
export function validateAccessToken(token: string, provider: Provider): Promise<JWTPayload>;
/** Cotter's `validate_id_token`: the claims of a valid ID token of `provider`. */
export function validateIdToken(token: string, provider: Provider): Promise<JWTPayload>;

/** Binds a key set and `jwtVerify` options once, for servers verifying many tokens. */
export function createVerifier(keySet: KeySet | RemoteJWKSet, options?: JWTVerifyOptions): Verifier;
/** Reads `Authorization: Bearer` and verifies the token. */
export function verifyRequest<P = JWTPayload>(request: RequestLike, keySet: KeySet | RemoteJWKSet, options?: JWTVerifyOptions): Promise<VerifyRequestResult<P>>;
/** Verifies an ES256 JWT and its claims. */
export function jwtVerify<P = JWTPayload>(jwt: string | Uint8Array, keySet: KeySet | RemoteJWKSet, options?: JWTVerifyOptions): Promise<JWTVerifyResult<P>>;
/** Verifies an ES256 compact JWS; the payload may be any bytes. */
export function compactVerify(jws: string | Uint8Array, keySet: KeySet | RemoteJWKSet, options?: VerifyOptions): Promise<CompactVerifyResult>;
