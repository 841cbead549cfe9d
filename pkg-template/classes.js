// How edgetoken's error classes are made (errors.js, errors-remote.js).

// Every class gets its name from a string (Object.defineProperty), so
// minifiers that rename classes cannot change `err.name` or `errors` keys.
export function define(name, code, Base, extend = (B) => class extends B {}) {
  const C = class extends extend(Base) {
    static code = code;
    code = code;
  };
  Object.defineProperty(C, 'name', { value: name });
  return C;
}
