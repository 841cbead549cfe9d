// The code an edgetoken call ends with: 'accepted', or its error's code
// (which must be an edgetoken error). Takes a promise or a function.
import assert from 'node:assert/strict';

export function codeOf(JOSEError) {
  return async (p) => {
    try {
      await (typeof p === 'function' ? p() : p);
      return 'accepted';
    } catch (e) {
      assert.ok(e instanceof JOSEError, `not an edgetoken error: ${e}`);
      return e.code;
    }
  };
}
