// createSession: a token set kept fresh through the refresh-token exchange.
// The exchange, the response rules and the token-set rules are Rust
// (edgetoken.js); this file orchestrates what only JS can: storage, events,
// timers, single flight, and cross-tab coordination.
import * as wasm from './edgetoken.js';
import { jwtVerify, decodeJwt } from './api.js';
import { Disposed, OptionsInvalid } from './errors.js';
import {
  NotSignedIn, TokensInvalid, SessionStorageCorrupt, SessionStorageFailed, RefreshFailed, SignInStateMismatch,
} from './errors-remote.js';
import { toClass, tokensOf } from './calls.js';
import { finishSignIn, prepareSignIn } from './signin.js';

// Pending sign-ins, by state, where every tab of the origin finds them (a
// magic link opens in another tab): localStorage where there is one.
const PENDING_PREFIX = 'edgetoken.signin.';
const pendingStorage = () => globalThis.localStorage ?? globalThis.sessionStorage ?? null;
const memoryPending = new Map();
function putPending(pending) {
  const s = pendingStorage();
  if (!s) {
    memoryPending.set(pending.state, pending);
    return;
  }
  // drop the expired ones first
  for (let i = s.length - 1; i >= 0; i -= 1) {
    const key = s.key(i);
    if (key?.startsWith(PENDING_PREFIX)) {
      try {
        if (!(JSON.parse(s.getItem(key)).expiresAt > Date.now())) s.removeItem(key);
      } catch {
        s.removeItem(key);
      }
    }
  }
  s.setItem(PENDING_PREFIX + pending.state, JSON.stringify(pending));
}
// Whether a sign-in of this issuer and client is pending in this browser.
function anyPending(issuer, client) {
  const s = pendingStorage();
  const all = s ? Array.from({ length: s.length }, (_, i) => s.key(i)).filter((k) => k?.startsWith(PENDING_PREFIX)).map((k) => s.getItem(k))
    : [...memoryPending.values()].map((p) => JSON.stringify(p));
  return all.some((raw) => {
    try {
      const p = JSON.parse(raw);
      return p.issuer === issuer && p.client === client && p.expiresAt > Date.now();
    } catch {
      return false;
    }
  });
}

// The pending sign-in of `state`, removed as it is read (single use).
function takePending(state) {
  if (typeof state !== 'string' || !state) return undefined;
  const s = pendingStorage();
  if (!s) {
    const p = memoryPending.get(state);
    memoryPending.delete(state);
    return p;
  }
  const raw = s.getItem(PENDING_PREFIX + state);
  s.removeItem(PENDING_PREFIX + state);
  try {
    return raw ? JSON.parse(raw) : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });
// The refresh token of a stored session (JSON), or undefined.
const refreshTokenOf = (stored) => (stored ? JSON.parse(stored).refresh_token : undefined);
const nowSeconds = () => Date.now() / 1000;
// what a failed storage operation answers (see #store)
const failed = Symbol('failed');
const onWorkerd = () => globalThis.navigator?.userAgent === 'Cloudflare-Workers';

/** An event of a session; `detail` says more. */
export class SessionEvent extends Event {
  constructor(type, detail) {
    super(type);
    this.detail = detail;
  }
}

function storageAdapter(storage, key) {
  if (storage === undefined || storage === 'memory') {
    let value = null;
    return { get: () => value, set: (v) => { value = v; }, remove: () => { value = null; } };
  }
  if (storage === 'sessionStorage' || storage === 'localStorage') {
    const s = globalThis[storage];
    if (!s) throw new OptionsInvalid(`storage "${storage}" is not available in this runtime`);
    return { get: () => s.getItem(key), set: (v) => s.setItem(key, v), remove: () => s.removeItem(key) };
  }
  if (storage && ['get', 'set', 'remove'].every((m) => typeof storage[m] === 'function')) {
    return { get: () => storage.get(key), set: (v) => storage.set(key, v), remove: () => storage.remove(key) };
  }
  throw new OptionsInvalid('storage must be "memory", "sessionStorage", "localStorage" or { get, set, remove }');
}

// A number option within [min, max] (and whole, when `integer`), or OptionsInvalid.
function checkedNumber(name, v, min, max, integer = false) {
  if (typeof v !== 'number' || !(v >= min && v <= max) || (integer && !Number.isInteger(v))) {
    throw new OptionsInvalid(`${name} must be a${integer ? ' whole' : ''} number from ${min} to ${max}`);
  }
  return v;
}

// `retry`: { retries (0 to 10), baseDelay and maxDelay (ms, 0 to 600000,
// baseDelay at most maxDelay) }.
function retryOptions(retry) {
  if (retry === null || typeof retry !== 'object' || Array.isArray(retry)) throw new OptionsInvalid('retry must be an object');
  const { retries = 3, baseDelay = 500, maxDelay = 10_000 } = retry;
  const out = {
    retries: checkedNumber('retry.retries', retries, 0, 10, true),
    baseDelay: checkedNumber('retry.baseDelay', baseDelay, 0, 600_000),
    maxDelay: checkedNumber('retry.maxDelay', maxDelay, 0, 600_000),
  };
  if (out.baseDelay > out.maxDelay) throw new OptionsInvalid('retry.baseDelay must not exceed retry.maxDelay');
  return out;
}

const call = (fn) => {
  try {
    return fn();
  } catch (e) {
    throw toClass(e);
  }
};

/**
 * A session for one user of `provider` (`cotter(…)` or `await oidc(…)`).
 * Options: `storage` ('memory' default, 'sessionStorage', 'localStorage',
 * or `{ get, set, remove }`, possibly async), `storageKey`
 * ('edgetoken.session'), `refreshLeeway` (seconds or '1m'; default 60),
 * `retry` ({ retries: 3, baseDelay: 500, maxDelay: 10000 } ms; a transient
 * failure is retried up to `retries` times),
 * `timeoutDuration` (ms, 10000), `crossTab` (true), `autoRefresh` (true
 * where there is a document). The leeway is at most half the access
 * token's lifetime, and automatic refreshes are at least that half (1 to
 * 5 s) apart. Storage failures are transient: the session goes on in
 * memory, reports them (`storage_failed`, `SessionStorageFailed`) and
 * tries storage again on its next use.
 */
export function createSession(options = {}) {
  return new Session(options);
}

class Session extends EventTarget {
  #provider;
  #storage;
  #key;
  #leeway;
  #retry;
  #timeout;
  #stored = null;
  // whether the stored session was read (a failed read is tried again)
  #loaded = false;
  #loading = null;
  // a write or removal storage refused, tried again on the next use
  #pending = null;
  #lastStorageError = null;
  #inflight = null;
  // whether the refresh under way was asked for by refresh()
  #inflightForced = false;
  #refreshingSince = null;
  // when the last exchange started (ms): automatic refreshes keep a floor
  #lastRefresh = 0;
  #channel = null;
  #timer = null;
  #listeners = [];
  #autoRefresh;
  #disposed = false;

  constructor({ provider, storage, storageKey = 'edgetoken.session', refreshLeeway, retry = {}, timeoutDuration = 10_000,
    crossTab = true, autoRefresh = typeof document !== 'undefined' } = {}) {
    super();
    if (!provider || !provider.jwks || (provider.type !== 'cotter' && provider.type !== 'oauth2')) {
      throw new OptionsInvalid('provider must come from cotter() or oidc()');
    }
    this.#provider = provider;
    this.#key = storageKey;
    this.#storage = storageAdapter(storage, storageKey);
    this.#leeway = call(() => wasm.sessionLeeway(refreshLeeway));
    this.#retry = retryOptions(retry);
    this.#timeout = checkedNumber('timeoutDuration', timeoutDuration, 1, 600_000);
    if (typeof storageKey !== 'string' || !storageKey) throw new OptionsInvalid('storageKey must be a non-empty string');
    if (typeof crossTab !== 'boolean') throw new OptionsInvalid('crossTab must be a boolean');
    if (typeof autoRefresh !== 'boolean') throw new OptionsInvalid('autoRefresh must be a boolean');
    this.#autoRefresh = autoRefresh;
    // Tabs exist where Web Locks do (browsers). Elsewhere (Node, workerd) a
    // channel has nobody to talk to, and in Node it would keep the process alive.
    if (crossTab && typeof BroadcastChannel === 'function' && globalThis.navigator?.locks && !onWorkerd()) {
      this.#channel = new BroadcastChannel(`edgetoken:${storageKey}`);
      this.#channel.onmessage = (ev) => this.#onMessage(ev.data);
      this.#channel.unref?.();
    }
    if (autoRefresh) {
      const check = () => { if (globalThis.document?.visibilityState !== 'hidden') this.#check(); };
      globalThis.document?.addEventListener?.('visibilitychange', check);
      globalThis.addEventListener?.('online', check);
      this.#listeners.push(() => globalThis.document?.removeEventListener?.('visibilitychange', check),
        () => globalThis.removeEventListener?.('online', check));
    }
  }

  #emit(type, detail) {
    if (!this.#disposed) this.dispatchEvent(new SessionEvent(type, detail));
  }

  #live() {
    if (this.#disposed) throw new Disposed('this session was disposed');
  }

  // A storage operation; a failure is reported (event) and answered with
  // `failed`, never thrown: the session goes on in memory.
  async #store(operation, ...args) {
    try {
      return await this.#storage[operation](...args);
    } catch (cause) {
      const error = new SessionStorageFailed(`session storage ${operation}() failed: ${cause?.message ?? cause}`, { cause });
      error.operation = operation;
      this.#lastStorageError = error;
      this.#emit('storage_failed', { error, operation });
      return failed;
    }
  }

  // Reads the stored session once (again after a failed read), and writes
  // what storage refused before. True once storage was read.
  async #load() {
    this.#live();
    if (this.#pending) await this.#flush();
    if (this.#loaded) return true;
    this.#loading ??= (async () => {
      const raw = await this.#store('get');
      if (raw === failed) return false;
      this.#loaded = true;
      if (raw === null || raw === undefined || this.#stored) return true;
      try {
        this.#stored = wasm.parseStored(String(raw));
        this.#schedule();
      } catch (e) {
        await this.#store('remove');
        this.#emit('storage_corrupt', { error: new SessionStorageCorrupt(e.message) });
      }
      return true;
    })().finally(() => { this.#loading = null; });
    return this.#loading;
  }

  // Writes (or removes) what storage refused before.
  async #flush() {
    const pending = this.#pending;
    const done = pending.remove ? await this.#store('remove') : await this.#store('set', pending.value);
    if (done !== failed && this.#pending === pending) this.#pending = null;
  }

  async #save(stored, source) {
    this.#stored = stored;
    this.#pending = null;
    if ((await this.#store('set', stored)) === failed) this.#pending = { value: stored };
    this.#emit('tokens', { ...this.tokens, source });
    this.#schedule();
  }

  async #clear(reason, error) {
    const had = this.#stored !== null;
    this.#stored = null;
    clearTimeout(this.#timer);
    this.#pending = null;
    if ((await this.#store('remove')) === failed) this.#pending = { remove: true };
    if (had) this.#emit('signed_out', { reason, error });
  }

  /** The current tokens `{ access_token, id_token, refresh_token, expires_at (ms), sub }`, or null. */
  get tokens() {
    return this.#stored ? tokensOf(this.#stored) : null;
  }

  // Verifies tokens from the issuer and answers `{ accessExp, sub }`. For
  // Cotter: the access token (issuer, audience = API key id) and the ID
  // token, for the same user. For OAuth 2.0 / OpenID Connect: the ID token
  // (issuer, audience = client id, `sub`, the sign-in's `nonce`), and the
  // access token only when the provider was told its audience (else it is
  // the resource server's, possibly opaque). A `kid` the key set does not
  // know makes it refetch once, cooldown or not: these tokens come from the
  // issuer itself, which may just have rotated its keys.
  async #verify(response, expectedSub, { nonce } = {}) {
    const check = () => (this.#provider.type === 'cotter'
      ? this.#verifyCotter(response, expectedSub)
      : this.#verifyOAuth2(response, expectedSub, nonce));
    try {
      try {
        return await check();
      } catch (e) {
        if (e.code !== 'ERR_JWKS_NO_MATCHING_KEY') throw e;
        await this.#provider.jwks.reload().catch(() => {});
        return await check();
      }
    } catch (e) {
      if (e instanceof TokensInvalid) throw e;
      const err = new TokensInvalid(`tokens from the issuer failed verification: ${e.message}`, { cause: e });
      err.reason = e.code;
      throw err;
    }
  }

  async #verifyCotter(response, expectedSub) {
    const { jwks, issuer, audience } = this.#provider;
    const a = await jwtVerify(response.access_token, jwks, { issuer, audience });
    if (typeof a.payload.sub !== 'string') throw new TokensInvalid('the access token has no "sub"');
    if (expectedSub && a.payload.sub !== expectedSub) throw new TokensInvalid('the access token is for another user');
    if (response.id_token) await jwtVerify(response.id_token, jwks, { issuer, audience, subject: a.payload.sub });
    return { accessExp: a.payload.exp, sub: a.payload.sub };
  }

  async #verifyOAuth2(response, expectedSub, nonce) {
    const { jwks, issuer, clientId, accessToken } = this.#provider;
    let sub = expectedSub;
    let idExp;
    if (response.id_token) {
      const { payload } = await jwtVerify(response.id_token, jwks, {
        issuer, audience: clientId, requiredClaims: ['sub'], ...(expectedSub ? { subject: expectedSub } : {}),
      });
      if (nonce !== undefined && payload.nonce !== nonce) throw new TokensInvalid('the ID token\'s "nonce" is not the sign-in\'s');
      sub = payload.sub;
      idExp = payload.exp;
    } else if (nonce !== undefined) {
      throw new TokensInvalid('the sign-in\'s token response has no ID token');
    }
    let accessExp;
    if (accessToken) {
      const { payload } = await jwtVerify(response.access_token, jwks, { issuer: accessToken.issuer ?? issuer, audience: accessToken.audience });
      if (typeof payload.sub === 'string') {
        if (sub && payload.sub !== sub) throw new TokensInvalid('the access token is for another user');
        sub ??= payload.sub;
      }
      accessExp = payload.exp;
    }
    if (!sub) throw new TokensInvalid('the token response has no ID token to say who signed in');
    // an opaque access token lives as long as the response says
    accessExp ??= typeof response.expires_in === 'number' ? nowSeconds() + response.expires_in : (idExp ?? nowSeconds() + 300);
    return { accessExp, sub };
  }

  /**
   * Starts the session from a sign-in: Cotter's auth payload or a token
   * response. Verifies the tokens first; `nonce` is the one the sign-in
   * sent (OpenID Connect), which the ID token must carry.
   */
  async setTokens(payload, { nonce } = {}) {
    await this.#load();
    const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const response = call(() => wasm.loginTokens(text));
    const { accessExp, sub } = await this.#verify(JSON.parse(response), undefined, { nonce });
    this.#live();
    const stored = call(() => wasm.mergeTokens(undefined, response, accessExp, sub, nowSeconds()));
    await this.#save(stored, 'login');
    this.#channel?.postMessage({ type: 'tokens', stored });
  }

  /**
   * Starts a sign-in by redirect (browsers): makes the PKCE pair, `state`
   * (and a `nonce` for OpenID Connect), keeps the pending sign-in where
   * every tab of the origin finds it (for 10 minutes, once), and goes to the
   * issuer: Cotter's sign-in page, or the discovered authorization endpoint.
   * `navigate: false` only answers the URL (for a popup, or a page that
   * navigates itself). Options: `redirectUri` (default: this page), and
   * those of `prepareSignIn` (`type`, `authMethod`, `scope`, `loginHint`,
   * `params`). Resolves to the URL.
   */
  async signInWithRedirect({ redirectUri, navigate = true, ...options } = {}) {
    this.#live();
    const here = globalThis.location ? `${globalThis.location.origin}${globalThis.location.pathname}` : undefined;
    const { url, pending } = await prepareSignIn(this.#provider, { redirectUri: redirectUri ?? here, ...options });
    putPending(pending);
    if (navigate) globalThis.location.assign(url);
    return url;
  }

  /**
   * Completes a sign-in at its callback (default: this page's URL), in
   * whichever tab the issuer sent the user to: finds the pending sign-in by
   * `state`, checks the callback, exchanges the code, checks the nonce,
   * verifies the tokens and starts the session with them (every tab of the
   * origin learns of it). Removes `code` and `state` from the address bar.
   * Resolves to `{ tokens, payload }` (`payload`: Cotter's auth payload, for
   * the page's backend). Coded errors: `SignInDenied`, `SignInUnknown` (no
   * sign-in started in this browser: open the link where it started),
   * `SignInStateMismatch`, `SignInExpired`, `SignInInvalidCallback`,
   * `SignInExchangeFailed`, `TokensInvalid`.
   */
  async handleRedirectCallback(url = globalThis.location?.href) {
    this.#live();
    const callback = new URL(url);
    const pending = takePending(callback.searchParams.get('state'));
    const client = this.#provider.type === 'cotter' ? this.#provider.apiKeyId : this.#provider.clientId;
    const mine = pending && pending.issuer === this.#provider.issuer && pending.client === client ? pending : undefined;
    if (globalThis.location?.href === callback.href && globalThis.history?.replaceState) {
      const clean = new URL(callback);
      for (const k of ['code', 'state', 'challenge_id', 'iss', 'error', 'error_description', 'error_uri']) clean.searchParams.delete(k);
      globalThis.history.replaceState(globalThis.history.state, '', clean.href);
    }
    // a state this browser did not start, while it has a sign-in pending: a mix-up or a forgery
    if (!mine && callback.searchParams.has('code') && anyPending(this.#provider.issuer, client)) {
      throw new SignInStateMismatch('the callback\'s state is not that of the sign-in started here');
    }
    const result = await finishSignIn(this.#provider, mine, callback.href, { timeoutDuration: this.#timeout });
    await this.setTokens(result.tokens, { nonce: result.nonce });
    return { tokens: this.tokens, payload: result.payload };
  }

  /**
   * A valid access token, refreshed first when fewer than `refreshLeeway`
   * seconds (at most half its lifetime) remain.
   */
  async getAccessToken() {
    const read = await this.#load();
    if (!this.#stored) {
      if (!read) throw this.#lastStorageError ?? new SessionStorageFailed('the session storage could not be read');
      throw new NotSignedIn('no session: sign in first');
    }
    if (call(() => wasm.needsRefresh(this.#stored, nowSeconds(), this.#leeway))) {
      const wait = this.#lastRefresh + this.#floorMs() - Date.now();
      const valid = !call(() => wasm.needsRefresh(this.#stored, nowSeconds(), 0));
      // within the floor after the last refresh: use the token while it is
      // valid; an expired one waits for the floor (no refresh storm)
      if (wait > 0 && valid) return JSON.parse(this.#stored).access_token;
      if (wait > 0) await sleep(wait);
      try {
        await this.#refreshOnce();
      } catch (e) {
        // Refreshing ahead failed but the token is still good: use it.
        if (!this.#stored || call(() => wasm.needsRefresh(this.#stored, nowSeconds(), 0))) throw e;
      }
    }
    if (!this.#stored) throw new NotSignedIn('signed out');
    return JSON.parse(this.#stored).access_token;
  }

  /** The claims of the (verified) ID token, or null. */
  async getIdTokenClaims() {
    await this.#load();
    const id = this.#stored && JSON.parse(this.#stored).id_token;
    return id ? decodeJwt(id) : null;
  }

  /** Refreshes now (shared with any refresh under way). */
  async refresh() {
    await this.#load();
    if (!this.#stored) throw new NotSignedIn('no session: sign in first');
    return this.#refreshOnce(true);
  }

  /** Clears the session everywhere and tells the issuer (best effort). */
  async logout() {
    await this.#load();
    const refreshToken = this.#stored && JSON.parse(this.#stored).refresh_token;
    await this.#clear('logout');
    this.#channel?.postMessage({ type: 'signed_out' });
    if (refreshToken) {
      await wasm.logoutRequest(this.#provider, refreshToken, this.#provider.revocationEndpoint, this.#timeout).catch(() => 0);
    }
  }

  /**
   * Stops timers, listeners and the cross-tab channel; every later call
   * rejects with `Disposed`. A refresh under way makes no further request
   * and changes nothing but the stored refresh token (which its answer
   * may have rotated).
   */
  dispose() {
    this.#disposed = true;
    clearTimeout(this.#timer);
    for (const off of this.#listeners) off();
    this.#listeners = [];
    this.#channel?.close();
  }

  // The floor between automatic refreshes, for the tokens held (ms).
  #floorMs() {
    return this.#stored ? call(() => wasm.refreshTiming(this.#stored, this.#leeway))[1] * 1000 : 0;
  }

  // One refresh at a time: concurrent callers share it. On workerd a
  // promise must not cross requests, so waiters poll on their own timers.
  async #refreshOnce(force = false) {
    if (onWorkerd()) {
      const seen = this.#stored;
      while (this.#refreshingSince !== null && Date.now() - this.#refreshingSince < this.#timeout * 4) {
        await sleep(10);
        if (this.#stored !== seen) return undefined;
      }
      this.#refreshingSince = Date.now();
      try {
        return await this.#refreshCrossTab(force);
      } finally {
        this.#refreshingSince = null;
      }
    }
    if (force && this.#inflight && !this.#inflightForced) {
      // An automatic refresh is under way (perhaps waiting for another
      // tab's): it may end without an exchange, the tokens being fresh.
      // An explicit refresh() is answered by an exchange made after it
      // was asked for: this one's, or the one after it.
      const before = refreshTokenOf(this.#stored);
      return this.#inflight.catch(() => undefined).then(() => (refreshTokenOf(this.#stored) !== before
        ? undefined : this.#refreshOnce(true)));
    }
    if (!this.#inflight) {
      this.#inflightForced = force;
      this.#inflight = this.#refreshCrossTab(force).finally(() => { this.#inflight = null; });
    }
    return this.#inflight;
  }

  async #refreshCrossTab(force) {
    const locks = this.#channel && globalThis.navigator?.locks;
    if (!locks) return this.#exchange(force);
    const name = `edgetoken:${this.#key}`;
    // what every tab had when this refresh was asked for (a broadcast of
    // tokens already stored must not count as a refresh made meanwhile)
    await this.#reloadShared();
    const before = refreshTokenOf(this.#stored);
    const immediate = await locks.request(name, { ifAvailable: true }, async (lock) => (lock ? { done: await this.#exchange(force) } : null));
    if (immediate) return immediate.done;
    // Another tab is refreshing: wait for it, let its broadcast land, and
    // refresh only if this tab still needs to (or was asked to, and no
    // other tab exchanged the refresh token meanwhile).
    return locks.request(name, async () => {
      await sleep(50);
      const renewed = refreshTokenOf(this.#stored) !== before;
      if (renewed && !call(() => wasm.needsRefresh(this.#stored, nowSeconds(), this.#leeway))) return undefined;
      return this.#exchange(force && !renewed);
    });
  }

  async #exchange(force) {
    await this.#reloadShared();
    this.#live();
    if (!this.#stored) throw new NotSignedIn('signed out');
    if (!force && !call(() => wasm.needsRefresh(this.#stored, nowSeconds(), this.#leeway))) return;
    const current = JSON.parse(this.#stored);
    if (!current.refresh_token) throw new RefreshFailed('the session has no refresh token');
    this.#lastRefresh = Date.now();
    let response;
    for (let attempt = 0; ; attempt += 1) {
      try {
        response = await wasm.refreshExchange(this.#provider, current.refresh_token, this.#timeout);
        break;
      } catch (raw) {
        const e = toClass(raw);
        this.#live();
        if (e.code === 'ERR_REFRESH_UNAVAILABLE') {
          const delay = wasm.retryDelay(attempt, this.#retry.retries, this.#retry.baseDelay, this.#retry.maxDelay, e.retryAfter, Math.random());
          if (delay !== undefined) {
            await sleep(delay);
            this.#live();
            continue;
          }
        }
        if (e.terminal) {
          await this.#clear('refresh_rejected', e);
          this.#channel?.postMessage({ type: 'signed_out' });
        } else {
          this.#emit('refresh_failed', { error: e, attempts: attempt + 1 });
        }
        throw e;
      }
    }
    const answer = JSON.parse(response);
    // the old refresh token is spent once the issuer rotated it: keep the
    // new one whatever becomes of the other tokens (or of this session)
    const rotated = typeof answer.refresh_token === 'string' && answer.refresh_token !== current.refresh_token
      ? answer.refresh_token : undefined;
    const keepRotated = async () => {
      if (!rotated || this.#stored === null) return;
      const kept = call(() => wasm.keepRefreshToken(this.#stored, rotated));
      this.#stored = kept;
      if ((await this.#store('set', kept)) === failed) this.#pending = { value: kept };
      if (!this.#disposed) this.#channel?.postMessage({ type: 'tokens', stored: kept });
    };
    if (this.#disposed) {
      await keepRotated();
      this.#live();
    }
    let verified;
    try {
      verified = await this.#verify(answer, current.sub);
    } catch (e) {
      await keepRotated();
      this.#emit('refresh_failed', { error: e, attempts: 1 });
      throw e;
    }
    if (this.#stored === null) return; // signed out meanwhile: do not resurrect
    if (this.#disposed) {
      await keepRotated();
      this.#live();
    }
    const stored = call(() => wasm.mergeTokens(this.#stored, response, verified.accessExp, verified.sub, nowSeconds()));
    await this.#save(stored, 'refresh');
    this.#channel?.postMessage({ type: 'tokens', stored });
  }

  // With storage that tabs share (localStorage), another tab's refresh is
  // already stored: read it before deciding (not while a write or removal
  // of this session's is still to be made there).
  async #reloadShared() {
    if (this.#pending) return;
    const raw = await this.#store('get');
    if (raw === failed || raw === null || raw === undefined) return;
    try {
      const stored = wasm.parseStored(String(raw));
      if (stored !== this.#stored) this.#stored = stored;
    } catch {
      // corrupt values are handled on load
    }
  }

  async #onMessage(msg) {
    if (this.#disposed) return;
    if (msg?.type === 'signed_out') {
      await this.#clear('other_tab');
    } else if (msg?.type === 'tokens' && typeof msg.stored === 'string') {
      try {
        const stored = wasm.parseStored(msg.stored);
        if (stored !== this.#stored) await this.#save(stored, 'other_tab');
      } catch {
        // ignore malformed messages
      }
    }
  }

  // Arms the timer for the next refresh: when the tokens are due (the
  // leeway, at most half their lifetime, before expiry), and never sooner
  // than the floor after the last refresh.
  #schedule() {
    clearTimeout(this.#timer);
    if (!this.#autoRefresh || !this.#stored || this.#disposed) return;
    const [dueAt, floor] = call(() => wasm.refreshTiming(this.#stored, this.#leeway));
    const at = Math.max(dueAt * 1000, this.#lastRefresh + floor * 1000);
    const ms = Math.min(Math.max(at - Date.now(), 0), 2 ** 31 - 1);
    this.#timer = setTimeout(() => this.#check(), ms);
    this.#timer?.unref?.();
  }

  // The timer (or a visibility change): refresh if due, and always arm the
  // timer again (a timer may fire a little early; a failed refresh is
  // tried again after the floor).
  #check() {
    if (this.#disposed || !this.#stored) return;
    const due = call(() => wasm.needsRefresh(this.#stored, nowSeconds(), this.#leeway))
      && Date.now() >= this.#lastRefresh + this.#floorMs();
    if (!due) {
      this.#schedule();
      return;
    }
    this.#refreshOnce().catch(() => {}).finally(() => this.#schedule()); // failures are reported as events
  }
}
