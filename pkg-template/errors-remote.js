// The error classes of remote key sets, discovery and sessions: the full
// entry's alone (the verify-only entry can never throw them). Verification's
// are in errors.js, shared by both entries.
import { define } from './classes.js';
import { JOSEError, errors as verifyErrors } from './errors.js';

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
/** Session storage failed (`operation`, `cause`); the session goes on in memory and tries again. */
export const SessionStorageFailed = define('SessionStorageFailed', 'ERR_SESSION_STORAGE_FAILED', JOSEError);
/** The issuer answered the sign-in with an error (`error`, `errorDescription`: `access_denied`…). */
export const SignInDenied = define('SignInDenied', 'ERR_SIGNIN_DENIED', JOSEError);
/** No sign-in was started in this browser (or process) for this callback. */
export const SignInUnknown = define('SignInUnknown', 'ERR_SIGNIN_UNKNOWN', JOSEError);
/** The callback's `state` is not the pending sign-in's. */
export const SignInStateMismatch = define('SignInStateMismatch', 'ERR_SIGNIN_STATE_MISMATCH', JOSEError);
/** The pending sign-in expired (or was used already). */
export const SignInExpired = define('SignInExpired', 'ERR_SIGNIN_EXPIRED', JOSEError);
/** The callback is malformed (no code, another issuer). */
export const SignInInvalidCallback = define('SignInInvalidCallback', 'ERR_SIGNIN_INVALID_CALLBACK', JOSEError);
/** The code exchange failed (`status`, `error`). */
export const SignInExchangeFailed = define('SignInExchangeFailed', 'ERR_SIGNIN_EXCHANGE_FAILED', JOSEError);
/** The CLI login waited too long for the browser. */
export const SignInTimeout = define('SignInTimeout', 'ERR_SIGNIN_TIMEOUT', JOSEError);
/** The CLI login was cancelled (an abort signal, Ctrl-C). */
export const SignInCancelled = define('SignInCancelled', 'ERR_SIGNIN_CANCELLED', JOSEError);
/** The CLI login's port is taken. */
export const SignInPortInUse = define('SignInPortInUse', 'ERR_SIGNIN_PORT_IN_USE', JOSEError);
/** A token file is missing, corrupt or not edgetoken's; it was left as it is. */
export const TokenFileInvalid = define('TokenFileInvalid', 'ERR_TOKEN_FILE_INVALID', JOSEError);
/** Another process held the token file's lock for too long. */
export const TokenFileLocked = define('TokenFileLocked', 'ERR_TOKEN_FILE_LOCKED', JOSEError);
/** The session holds no tokens. */
export const NotSignedIn = define('NotSignedIn', 'ERR_NOT_SIGNED_IN', JOSEError);

/** The error classes, as in jose's `errors` namespace (the full entry's). */
export const errors = Object.freeze({
  ...verifyErrors,
  JWKSTimeout, JWKSFetchFailed, JWKSHttpError, JWKSTooLarge, JWKSCrossOriginRedirect, DiscoveryFailed, RefreshRejected, RefreshUnavailable, RefreshFailed, RefreshInvalidResponse, TokensInvalid, SessionStorageCorrupt, SessionStorageFailed, NotSignedIn,
  SignInDenied, SignInUnknown, SignInStateMismatch, SignInExpired, SignInInvalidCallback, SignInExchangeFailed, SignInTimeout,
  SignInCancelled, SignInPortInUse, TokenFileInvalid, TokenFileLocked,
});
