// edgetoken's full JS surface: the verification of core.js, plus remote
// key sets, discovery and the issuer presets (and, through session.js,
// sessions), over the full wasm core.
import * as wasm from './edgetoken.js';
import * as core from './core.js';
import { Disposed, JWKSInvalid, OptionsInvalid } from './errors.js';
import { errors } from './errors-remote.js';
import {
  addClasses, answer, call, clock, disposable, inputWriter, live, release, optionsText, ready, rethrow, toClass, tokenText, verifierCache,
} from './calls.js';
import { verifyRequestWith } from './request.js';

export * from './core.js';
export * from './errors-remote.js';
// every class, verification's and these (shadowing core.js's `errors`)
export { errors } from './errors-remote.js';

addClasses(errors);

const remoteSets = new WeakMap();

/**
 * A key set fetched from `url` (a string or URL) and cached. Options, in
 * milliseconds as in jose: `cacheMaxAge` (600000, used when the response has
 * no Cache-Control max-age), `minCacheMaxAge` (1000) and `maxCacheMaxAge`
 * (86400000) clamping max-age, `cooldownDuration` (30000), `timeoutDuration`
 * (5000), `staleIfError` (3600000), `headers`, and `cache` (a snapshot from
 * `exportCache()` to start from).
 */
export function createRemoteJWKSet(url, options) {
  ready(wasm.initSync);
  const { cache, ...rest } = options ?? {};
  const inner = call((u, o) => new wasm.RemoteKeySet(u, o), String(url), rest);
  const dispose = () => {
    if (remoteSets.get(set) !== inner) return;
    for (const { v } of remoteVerifierFor.drop(inner)) release(v);
    release(inner);
  };
  const set = disposable({
    /** Keys are cached and younger than their max-age. */
    get fresh() { return live(inner).fresh; },
    /** A refetch for an unknown kid is held back. */
    get coolingDown() { return live(inner).coolingDown; },
    /** A fetch of the set is under way (jose's `reloading`). */
    get reloading() { return live(inner).reloading; },
    /** `{ fresh, coolingDown, servingStale, keys, fetchedAt, expiresAt, lastError }`. */
    get state() {
      const s = live(inner).state();
      return { ...s, lastError: s.lastError && toClass(s.lastError) };
    },
    /** Refetches now; rejects with the fetch error. */
    reload: () => live(inner).reload().then(() => undefined, rethrow),
    /** A copy of the cached JWK Set, or undefined before the first fetch (jose's `jwks()`). */
    jwks() {
      const c = live(inner).exportCache();
      return c && JSON.parse(c[0]);
    },
    /** The cached set as `{ jwks, fetchedAt, expiresAt }` (ms), for another isolate. */
    exportCache() {
      const c = live(inner).exportCache();
      return c && { jwks: JSON.parse(c[0]), fetchedAt: c[1], expiresAt: c[2] };
    },
    /** Adopts an exported set unless a newer one is cached. */
    importCache(snapshot) {
      if (!snapshot || typeof snapshot !== 'object' || typeof snapshot.fetchedAt !== 'number'
          || typeof snapshot.expiresAt !== 'number' || typeof snapshot.jwks !== 'object') {
        throw new JWKSInvalid('cache snapshot must be { jwks, fetchedAt, expiresAt }');
      }
      call((j, f, e) => live(inner).importCache(j, f, e), JSON.stringify(snapshot.jwks), snapshot.fetchedAt, snapshot.expiresAt);
    },
    /**
     * Releases the set's wasm memory now (garbage collection would, later);
     * using it afterwards is `Disposed`. A fetch under way completes unseen.
     */
    dispose,
  }, dispose);
  if (cache !== undefined) set.importCache(cache);
  remoteSets.set(set, inner);
  return set;
}

// Per remote set: a RemoteVerifier per distinct options, kept with the
// options' JSON for the fetching path (see verifierCache in calls.js), and
// the parsed results by cache entry id.
const remoteVerifierFor = verifierCache((remote, text) => ({
  text, v: call((r, o) => new wasm.RemoteVerifier(r, o), remote, text),
}));
const parsedByRemote = new WeakMap();
const put = inputWriter(wasm.inputBuffer, wasm.initSync);

/** Verifies a JWT (ES256 only) and its claims, as jose's `jwtVerify`. */
export async function jwtVerify(jwt, keySet, options) {
  const remote = remoteSets.get(keySet);
  if (!remote) return core.jwtVerify(jwt, keySet, options);
  live(remote);
  const token = tokenText(jwt);
  const { text, v } = remoteVerifierFor(remote, options);
  let parsed = parsedByRemote.get(remote);
  if (!parsed) parsedByRemote.set(remote, (parsed = new Map()));
  // a repeat token, while the keys are usable: answered at once
  const t = clock(); // before the token enters the input buffer (see core.js)
  const id = call((n) => v.hit(t, n), put(token));
  if (id >= 0) return answer(parsed, id, v);
  const [header, payload] = await remote.jwtVerify(token, text).catch(rethrow);
  return { payload: JSON.parse(payload), protectedHeader: JSON.parse(header) };
}

/** Verifies a compact JWS (ES256 only); the payload need not be JSON. */
export async function compactVerify(jws, keySet, options) {
  const remote = remoteSets.get(keySet);
  if (!remote) return core.compactVerify(jws, keySet, options);
  live(remote);
  const [header, payload] = await remote.compactVerify(tokenText(jws), optionsText(options)).catch(rethrow);
  return { payload, protectedHeader: JSON.parse(header) };
}

/**
 * A key set and `jwtVerify` options bound once (see core.js). Remote key
 * sets are verified through `jwtVerify` with the bound options.
 */
export function createVerifier(keySet, options) {
  if (remoteSets.has(keySet)) {
    let disposed = false;
    const dispose = () => { disposed = true; };
    return disposable({
      verify: (token) => (disposed ? Promise.reject(new Disposed('this object was disposed')) : jwtVerify(token, keySet, options)),
      /** Marks the verifier disposed (the key set keeps its memory until its own `dispose()`). */
      dispose,
    }, dispose);
  }
  return core.createVerifier(keySet, options);
}

/** `verifyRequest` for local and remote key sets. */
export const verifyRequest = verifyRequestWith(jwtVerify);

/**
 * Reads `{issuer}/.well-known/openid-configuration` and checks that its
 * `issuer` is exactly `issuer`. Resolves to the document (with `issuer`,
 * `jwks_uri` and, when present, `token_endpoint`). Options: `timeoutDuration`, `headers`.
 */
export async function discover(issuer, options) {
  ready(wasm.initSync);
  return JSON.parse(await wasm.discover(String(issuer), options).catch(rethrow));
}

/**
 * The Cotter preset: `{ issuer, audience, jwksUrl, tokenEndpoint,
 * signInUrl, exchangeEndpoint, jwks, verify }`. `apiKeyId` is the audience;
 * `baseUrl` (default https://www.cotter.app) is also the issuer unless
 * `issuer` is given. `signInUrl` is Cotter's sign-in page (`appUrl`;
 * https://js.cotter.app/app for Cotter itself, `{baseUrl}/app` otherwise),
 * and `exchangeEndpoint` its code exchange (`get_identity`). Other options
 * go to `createRemoteJWKSet`.
 */
export function cotter({ apiKeyId, baseUrl = 'https://www.cotter.app', issuer, appUrl, ...remoteOptions } = {}) {
  ready(wasm.initSync);
  if (typeof apiKeyId !== 'string' || !apiKeyId) throw new OptionsInvalid('cotter(): apiKeyId is required');
  const base = String(baseUrl).replace(/\/+$/, '');
  const [jwksUrl, tokenEndpoint] = wasm.cotterUrls(base, apiKeyId);
  const iss = issuer ?? base;
  const jwks = createRemoteJWKSet(jwksUrl, remoteOptions);
  return Object.freeze({
    type: 'cotter',
    apiKeyId,
    issuer: iss,
    audience: apiKeyId,
    jwksUrl,
    tokenEndpoint,
    signInUrl: appUrl ?? (base === 'https://www.cotter.app' ? 'https://js.cotter.app/app' : `${base}/app`),
    exchangeEndpoint: `${base}/api/v0/verify/get_identity?oauth_token=true`,
    jwks,
    /** `jwtVerify` with this issuer and audience (more options may be added). */
    verify: (token, options) => jwtVerify(token, jwks, { issuer: iss, audience: apiKeyId, ...options }),
  });
}

/**
 * A standard OpenID Connect issuer found by discovery, for `createSession`:
 * `{ type: 'oauth2', issuer, audience, clientId, tokenEndpoint,
 * revocationEndpoint, accessToken, jwks, verify }`. A session verifies its
 * ID tokens (audience: the client id) and carries its access tokens as
 * opaque: they are for a resource server. `accessToken: { audience,
 * issuer? }` has the session verify them too, as JWTs (RFC 9068) for that
 * audience. Other options go to `createRemoteJWKSet`.
 */
export async function oidc({ issuer, clientId, accessToken, ...remoteOptions } = {}) {
  if (typeof clientId !== 'string' || !clientId) throw new OptionsInvalid('oidc(): clientId is required');
  if (accessToken !== undefined) {
    const ok = accessToken !== null && typeof accessToken === 'object'
      && (typeof accessToken.audience === 'string' || (Array.isArray(accessToken.audience) && accessToken.audience.length > 0))
      && (accessToken.issuer === undefined || typeof accessToken.issuer === 'string');
    if (!ok) throw new OptionsInvalid('oidc(): accessToken must be { audience, issuer? }');
  }
  const config = await discover(issuer, remoteOptions);
  if (typeof config.token_endpoint !== 'string') throw new OptionsInvalid('the issuer has no token_endpoint');
  const jwks = createRemoteJWKSet(config.jwks_uri, remoteOptions);
  return Object.freeze({
    type: 'oauth2',
    issuer: config.issuer,
    audience: clientId,
    clientId,
    tokenEndpoint: config.token_endpoint,
    authorizationEndpoint: typeof config.authorization_endpoint === 'string' ? config.authorization_endpoint : undefined,
    revocationEndpoint: typeof config.revocation_endpoint === 'string' ? config.revocation_endpoint : undefined,
    accessToken: accessToken && Object.freeze({ audience: accessToken.audience, issuer: accessToken.issuer }),
    jwks,
    verify: (token, options) => jwtVerify(token, jwks, { issuer: config.issuer, audience: clientId, ...options }),
  });
}
