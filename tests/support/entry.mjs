// The package entry the local-verification suites run against: `edgetoken`,
// or the entry named by EDGETOKEN_ENTRY (tests/node/verify-only.test.mjs
// runs the same suites against `edgetoken/verify`).
export const entry = process.env.EDGETOKEN_ENTRY ?? 'edgetoken';

// Every wasm instance made in this process from here on (entries
// instantiate at first use, after this runs), so a test can watch the
// memory of the instance an entry uses (its glue is bundled into the entry).
export const instances = [];
const { Instance } = WebAssembly;
WebAssembly.Instance = class extends Instance {
  constructor(...args) {
    super(...args);
    instances.push(this);
  }
};

export const lib = await import(entry);
