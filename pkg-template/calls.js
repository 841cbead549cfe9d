// Calls into the wasm core: its errors (JS `Error`s with a `code`) become
// edgetoken's error classes.
import * as E from './errors.js';

const classes = new Map(Object.values(E.errors).map((C) => [C.code, C]));

/** An error from the wasm core as its class (anything else unchanged). */
export function toClass(e) {
  const C = e && typeof e.code === 'string' && classes.get(e.code);
  if (!C) return e;
  if (C === E.JWTClaimValidationFailed || C === E.JWTExpired) {
    const payload = typeof e.payloadJson === 'string' ? JSON.parse(e.payloadJson) : undefined;
    return new C(e.message, payload, e.claim, e.reason);
  }
  const out = new C(e.message);
  for (const extra of ['status', 'reason', 'at', 'terminal', 'retryAfter']) if (e[extra] !== undefined) out[extra] = e[extra];
  return out;
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
