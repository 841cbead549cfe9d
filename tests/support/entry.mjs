// The package entry the local-verification suites run against: `edgetoken`,
// or the entry named by EDGETOKEN_ENTRY (tests/node/verify-only.test.mjs
// runs the same suites against `edgetoken/verify`).
export const entry = process.env.EDGETOKEN_ENTRY ?? 'edgetoken';
export const lib = await import(entry);
