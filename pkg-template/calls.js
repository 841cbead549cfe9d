// The boundary with the wasm core: its errors (JS `Error`s with a `code`)
// become edgetoken's error classes, and options and tokens become what it
// takes (JSON text, strings).
import * as E from './errors.js';

// Instantiation waits for first use: each entry hands its glue's
// `initSync` and the wasm (a compiled module, or a function answering the
// bytes) to `deferInit`, and `ready(initSync)` runs it once, before the
// glue is first used (creating a key set, decoding, a remote set,
// discovery). Importing edgetoken costs no instantiation, and in Node no
// wasm read or compile either, until it is used.
const pending = new Map();

/** Defers `initSync` (a wasm-bindgen glue's) with `wasm` to `ready(initSync)`. */
export function deferInit(initSync, wasm) {
  pending.set(initSync, wasm);
}

/** Runs the deferred `initSync` of a glue, if it has not run yet. */
export function ready(initSync) {
  const wasm = pending.get(initSync);
  if (wasm === undefined) return;
  initSync({ module: typeof wasm === 'function' ? wasm() : wasm });
  pending.delete(initSync);
}

const classes = new Map(Object.values(E.errors).map((C) => [C.code, C]));

/** Makes `toClass` know more classes (the full entry's, of errors-remote.js). */
export function addClasses(errors) {
  for (const C of Object.values(errors)) classes.set(C.code, C);
}

/** An error from the wasm core as its class (anything else unchanged). */
export function toClass(e) {
  const C = e && typeof e.code === 'string' && classes.get(e.code);
  if (!C) return e;
  if (C === E.JWTClaimValidationFailed || C === E.JWTExpired) {
    const payload = typeof e.payloadJson === 'string' ? JSON.parse(e.payloadJson) : undefined;
    return new C(e.message, payload, e.claim, e.reason);
  }
  // `cause`: what the runtime threw (a failed fetch), as jose's errors carry it
  const out = e.cause === undefined ? new C(e.message) : new C(e.message, { cause: e.cause });
  for (const extra of ['status', 'reason', 'at', 'terminal', 'retryAfter', 'error']) if (e[extra] !== undefined) out[extra] = e[extra];
  return out;
}
// The wasm objects (key sets, verifiers) whose memory was released by a
// `dispose()`: using one again is `Disposed`, never a raw wasm-bindgen error.
const released = new WeakSet();

/** Releases a wasm object's memory now (it would be at garbage collection). */
export function release(inner) {
  if (released.has(inner)) return;
  released.add(inner);
  inner.free();
}

/** `inner` unless it was released: then `Disposed`. */
export function live(inner) {
  if (released.has(inner)) throw new E.Disposed('this object was disposed');
  return inner;
}

/** `obj` with `dispose` as its `[Symbol.dispose]` too (so `using` works), frozen. */
export function disposable(obj, dispose) {
  if (typeof Symbol.dispose === 'symbol') Object.defineProperty(obj, Symbol.dispose, { value: dispose });
  return Object.freeze(obj);
}

/**
 * The tokens of a stored session value (the JSON the core writes) as a
 * session answers them: `{ access_token, id_token, refresh_token,
 * expires_at (ms), sub }`.
 */
export function tokensOf(stored) {
  const s = JSON.parse(stored);
  return { access_token: s.access_token, id_token: s.id_token, refresh_token: s.refresh_token, expires_at: Math.round(s.expires_at * 1000), sub: s.sub };
}

/** Throws `e` as its class. */
export function rethrow(e) {
  throw toClass(e);
}

/** Calls `fn`, throwing its errors as their classes. */
export function call(fn, ...args) {
  try {
    return fn(...args);
  } catch (e) {
    rethrow(e);
  }
}

// jose's jwtVerify option names: the only ones the core reads.
const OPTION_NAMES = ['currentDate', 'algorithms', 'issuer', 'audience', 'subject', 'typ', 'clockTolerance',
  'maxTokenAge', 'requiredClaims'];
// A value as the core may receive it: strings, numbers and booleans as
// they are, arrays with their non-string items as null, anything else
// (objects, symbols, bigints, functions) as null, which every option
// rejects as the wrong type.
const plain = (v) => (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v
  : Array.isArray(v) ? Array.from(v, (x) => (typeof x === 'string' ? x : null)) : null);

/**
 * The options the core reads, in OPTION_NAMES order, each as the core
 * receives it (`undefined` when absent; inherited options and getters
 * count); `currentDate` as its time in ms (null unless a Date).
 */
function optionValues(options) {
  // (a getter's own error reaches the caller, as in jose)
  return OPTION_NAMES.map((name) => {
    const v = options[name];
    return v === undefined ? v : name === 'currentDate' ? dateTime(v) : plain(v);
  });
}

// A Date's time in ms, or null for anything else: a Proxy of a Date, an
// object that only inherits from Date.prototype, a subclass's getTime
// (Date.prototype.getTime reads the real time value, or throws).
function dateTime(v) {
  try {
    return Date.prototype.getTime.call(v);
  } catch {
    return null;
  }
}

/** Whether two `optionValues` answers are the same options. */
const sameValues = (a, b) => a.every((x, i) => x === b[i]
  || (Array.isArray(x) && Array.isArray(b[i]) && x.length === b[i].length && x.every((y, j) => y === b[i][j])));

/** `optionValues` as the JSON the core reads. */
function valuesText(values) {
  const out = {};
  values.forEach((v, i) => {
    if (v !== undefined) out[OPTION_NAMES[i]] = v;
  });
  return JSON.stringify(out);
}

/**
 * `verifierFor(set, options)`: the verifier of `set` for `options`, made by
 * `make(set, text)` once per distinct options (at most 32 per set, the
 * oldest dropped). `text` is the options' JSON as `valuesText` makes it,
 * which is all the core reads of them (inherited options and getters
 * included), so any options object qualifies. The verifier used last is
 * found first, by comparing the options' values, which skips building the
 * JSON and looking it up (a server passes the same options, often as a new
 * object literal, on every call).
 */
export function verifierCache(make) {
  const bySet = new WeakMap();
  const verifierFor = (set, options) => {
    let of = bySet.get(set);
    if (!of) bySet.set(set, (of = { byText: new Map(), last: undefined, values: undefined }));
    const values = typeof options === 'object' && options !== null ? optionValues(options) : undefined;
    if (values !== undefined && of.last !== undefined && sameValues(values, of.values)) return of.last;
    const text = values === undefined ? optionsText(options) : valuesText(values);
    const key = text ?? '';
    let v = of.byText.get(key);
    if (!v) {
      v = make(set, text);
      if (of.byText.size >= 32) of.byText.delete(of.byText.keys().next().value);
      of.byText.set(key, v);
    }
    if (values !== undefined) [of.last, of.values] = [v, values];
    return v;
  };
  /** Forgets the verifiers of `set`, answering them (to be released). */
  verifierFor.drop = (set) => {
    const of = bySet.get(set);
    bySet.delete(set);
    return of ? [...of.byText.values()] : [];
  };
  return verifierFor;
}

/**
 * `jwtVerify` options as the JSON the core reads (`valuesText`).
 * `undefined` for no options; a non-object becomes `null`, which the core
 * rejects.
 */
export function optionsText(options) {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object') return 'null';
  return valuesText(optionValues(options));
}

/**
 * The clock as a number of ms (`Date.now()`), read by the JS side before a
 * token is written into the input buffer: `Date.now` may be replaced by
 * code that verifies another token, and so may a `valueOf` of what it
 * answers, so both run here, before the buffer is touched.
 */
export function clock() {
  const t = Date.now();
  return typeof t === 'number' ? t : Number(t);
}

// The core's cap on a token's size, in bytes.
const MAX_TOKEN_BYTES = 16 * 1024;
// UTF-8, strictly (no replacement characters), a byte order mark kept.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A token given as a string or as UTF-8 bytes (a `Uint8Array`), as a
 * string. Throws `TokenTooLarge` past the size cap and `JWSInvalid` for
 * anything else.
 */
export function tokenText(token) {
  if (typeof token === 'string') return token;
  if (token instanceof Uint8Array) {
    if (token.length > MAX_TOKEN_BYTES) throw new E.TokenTooLarge('token is larger than the size limit');
    try {
      return utf8.decode(token);
    } catch {
      // not UTF-8
    }
  }
  throw new E.JWSInvalid('compact JWS must be a string or Uint8Array');
}

const encoder = new TextEncoder();

/**
 * Writes tokens into the wasm core's input buffer (`inputBuffer` in
 * src/wasm.rs; `initSync` is the glue's, answering the instance's exports)
 * as UTF-8, in native code (no copy loop, no allocation): `put(text)`
 * answers the token's length in bytes, more than the buffer holds
 * (counted, not written) for a token over the size cap. The view is made
 * again once the wasm memory grows (growing detaches the old one). (The
 * glue's functions are passed one by one so bundlers can still drop the
 * rest of it.)
 */
export function inputWriter(inputBuffer, initSync) {
  let input = null;
  return (text) => {
    if (input === null || input.byteLength === 0) {
      const at = inputBuffer(MAX_TOKEN_BYTES);
      input = new Uint8Array(initSync().memory.buffer, at, MAX_TOKEN_BYTES);
    }
    const { read, written } = encoder.encodeInto(text, input);
    return read === text.length ? written : encoder.encode(text).length;
  };
}

// A copy of a parsed JSON value, new at every depth, so nothing a caller
// changes reaches the cached parse. (Spread defines properties, so a
// "__proto__" member stays a member; assigning to it then updates it.)
function copy(v) {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(copy);
  const out = { ...v };
  for (const k of Object.keys(out)) {
    const x = out[k];
    if (typeof x === 'object' && x !== null) out[k] = copy(x);
  }
  return out;
}

/**
 * `{ payload, protectedHeader }` of cache entry `id`, a copy of its parse
 * in `parsed` (by id, bounded like the core's cache), parsed from
 * `verifier.json(id)` the first time.
 */
export function answer(parsed, id, verifier) {
  let hit = parsed.get(id);
  if (hit === undefined) {
    const [header, payload] = verifier.json(id);
    hit = { payload: JSON.parse(payload), protectedHeader: JSON.parse(header) };
    if (parsed.size >= 1024) parsed.delete(parsed.keys().next().value);
    parsed.set(id, hit);
  }
  return { payload: copy(hit.payload), protectedHeader: copy(hit.protectedHeader) };
}
