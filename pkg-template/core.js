// edgetoken's verification surface: jose's names and option names, over the
// wasm core, for key sets given as JWK Sets. Logic lives in Rust; this file
// only shapes arguments, results and errors. The package's verify-only entry
// is this file over the verify-only wasm; the full entry extends it.
import * as wasm from './edgetoken.js';
import {
  JWKSInvalid, JWSInvalid, JWTInvalid, OptionsInvalid, TokenTooLarge,
} from './errors.js';
import {
  answer, call, clock, disposable, inputWriter, live, optionsText, ready, release, rethrow, tokenText, verifierCache,
} from './calls.js';
import { verifyRequestWith } from './request.js';

export * from './errors.js';
export { unauthorized } from './request.js';

const keySets = new WeakMap();

/**
 * A key set from a JWK Set object (or its JSON text). Keys not usable for
 * ES256 verification are skipped; see `skipped`.
 */
export function createLocalJWKSet(jwks) {
  ready(wasm.initSync);
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
  const dispose = () => {
    if (keySets.get(set) !== inner) return;
    for (const v of verifierFor.drop(inner)) v.dispose();
    release(inner);
  };
  const set = disposable({
    /** Number of usable ES256 keys. */
    get size() { return live(inner).size; },
    /** Entries left out: `[{ index, kid, reason }]`. */
    skipped: () => JSON.parse(live(inner).skipped()).map(({ index, kid, reason }) => ({ index, kid, reason })),
    /** A copy of the JWK Set as given (jose's `jwks()`). */
    jwks: () => (live(inner), JSON.parse(text)),
    /** The repeat-token cache: `{ entries, bytes, hits, misses }`. */
    cacheStats() {
      const [entries, bytes, hits, misses] = JSON.parse(wasm.keySetCacheStats(live(inner)));
      return { entries, bytes, hits, misses };
    },
    /**
     * Releases the set's wasm memory now, and that of the verifiers
     * `jwtVerify` made for it (garbage collection would, later); using it
     * or a verifier made from it afterwards is `Disposed`.
     */
    dispose,
  }, dispose);
  keySets.set(set, inner);
  return set;
}

function inner(keySet) {
  const k = keySets.get(keySet);
  if (!k) throw new OptionsInvalid('the key set must come from createLocalJWKSet() or createRemoteJWKSet()');
  return live(k);
}

/** Verifies a JWT (ES256 only) and its claims, as jose's `jwtVerify`. */
export async function jwtVerify(jwt, keySet, options) {
  return verifierFor(inner(keySet), options).verify(jwt);
}

/** Verifies a compact JWS (ES256 only); the payload need not be JSON. */
export async function compactVerify(jws, keySet, options) {
  const [header, payload] = call(wasm.compactVerify, tokenText(jws), inner(keySet), optionsText(options));
  return { payload, protectedHeader: JSON.parse(header) };
}

/**
 * A key set and `jwtVerify` options bound once, for servers that verify
 * many tokens: `await verifier.verify(token)` answers like `jwtVerify`. The
 * options are parsed once, and a token seen before skips the signature
 * (its claims, `exp` included, are checked on every call).
 */
export function createVerifier(keySet, options) {
  return makeVerifier(inner(keySet), optionsText(options));
}

const put = inputWriter(wasm.inputBuffer, wasm.initSync);

// Parsed results by cache entry id, per key set (entries are shared by
// every verifier of the set); bounded like the Rust cache.
const parsedBySet = new WeakMap();

// A verifier for `text`, the options as optionsText makes them.
function makeVerifier(set, text) {
  const v = call((k, o) => new wasm.Verifier(k, o), set, text);
  let parsed = parsedBySet.get(set);
  if (!parsed) parsedBySet.set(set, (parsed = new Map()));
  const dispose = () => release(v);
  return disposable({
    async verify(token) {
      live(set);
      live(v);
      const text = tokenText(token);
      let id;
      try {
        // the clock before the token enters the input buffer: a replaced
        // Date.now could verify another token (see clock in calls.js)
        const t = clock();
        id = v.verify(t, put(text));
      } catch (e) {
        rethrow(e);
      }
      return answer(parsed, id, v);
    },
    /** Releases the verifier's wasm memory now; using it afterwards is `Disposed`. */
    dispose,
  }, dispose);
}

// jwtVerify keeps a verifier per distinct options of a key set, so repeat
// calls skip parsing the options too (see verifierCache in calls.js).
const verifierFor = verifierCache(makeVerifier);

/**
 * Decodes a JWT's claims. Does NOT verify anything. A malformed token is
 * `JWTInvalid`, as in jose (`TokenTooLarge` past the size cap).
 */
export function decodeJwt(jwt) {
  ready(wasm.initSync);
  try {
    return JSON.parse(call(wasm.decode, tokenText(jwt), 1));
  } catch (e) {
    if (e instanceof JWSInvalid && !(e instanceof TokenTooLarge)) throw new JWTInvalid(e.message, { cause: e });
    throw e;
  }
}

/** Decodes a token's protected header. Does NOT verify anything. */
export function decodeProtectedHeader(token) {
  ready(wasm.initSync);
  return JSON.parse(call(wasm.decode, tokenText(token), 0));
}

/**
 * Reads `Authorization: Bearer <token>` from a Fetch `Request` (workers,
 * browsers) or a Node `IncomingMessage`, and verifies the token with
 * `jwtVerify`. Resolves to `{ payload, protectedHeader, token }`; rejects
 * with `BearerTokenMissing`, `BearerTokenMalformed` or a verification error.
 */
export const verifyRequest = verifyRequestWith(jwtVerify);
