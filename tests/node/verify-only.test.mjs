// The verify-only entry (`edgetoken/verify`): the local-verification suites
// run against it unchanged, and it has no remote key sets, discovery or
// sessions. Its error classes are the full entry's, less those only remote
// key sets, discovery and sessions throw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { newKey, joseJwt, now } from '../support/tokens.mjs';

process.env.EDGETOKEN_ENTRY = 'edgetoken/verify';
await import('./verify.test.mjs');
await import('./verifier.test.mjs');
await import('./request.test.mjs');

const lean = await import('edgetoken/verify');
const full = await import('edgetoken');

test('the verify-only entry exports the verification API and nothing remote', () => {
  const names = Object.keys(lean).sort();
  for (const n of ['createLocalJWKSet', 'jwtVerify', 'compactVerify', 'createVerifier', 'verifyRequest', 'unauthorized',
    'decodeJwt', 'decodeProtectedHeader', 'errors', 'JOSEError', 'JWTExpired']) {
    assert.ok(names.includes(n), n);
  }
  for (const n of ['createRemoteJWKSet', 'discover', 'cotter', 'oidc', 'createSession', 'toClass', 'call']) {
    assert.ok(!names.includes(n), n);
  }
  assert.deepEqual(names.filter((n) => !(n in full)), [], 'every name is also the full entry\'s');
});

test('both entries share the error classes; key sets belong to the entry that made them', async () => {
  // every class of the verify-only entry is the full entry's own
  for (const [name, C] of Object.entries(lean.errors)) assert.equal(full.errors[name], C, name);
  assert.equal(lean.JWTExpired, full.JWTExpired);
  // the full entry's others are the remote key sets', discovery's and sessions'
  const extra = Object.keys(full.errors).filter((n) => !(n in lean.errors)).sort();
  assert.deepEqual(extra, ['DiscoveryFailed', 'JWKSCrossOriginRedirect', 'JWKSFetchFailed', 'JWKSHttpError', 'JWKSTimeout',
    'JWKSTooLarge', 'NotSignedIn', 'RefreshFailed', 'RefreshInvalidResponse', 'RefreshRejected', 'RefreshUnavailable',
    'SessionStorageCorrupt', 'SessionStorageFailed', 'SignInCancelled', 'SignInDenied', 'SignInExchangeFailed', 'SignInExpired',
    'SignInInvalidCallback', 'SignInPortInUse', 'SignInStateMismatch', 'SignInTimeout', 'SignInUnknown', 'TokenFileInvalid',
    'TokenFileLocked', 'TokensInvalid']);
  for (const name of extra) {
    assert.equal(full[name], full.errors[name], name);
    assert.ok(new full[name]('x') instanceof lean.errors.JOSEError, name);
  }
  const key = await newKey('lean');
  const token = await joseJwt(key, { sub: 'u', exp: now() - 5 });
  const err = await lean.jwtVerify(token, lean.createLocalJWKSet({ keys: [key.jwk] })).catch((e) => e);
  assert.ok(err instanceof full.errors.JWTExpired);
  await assert.rejects(full.jwtVerify(token, lean.createLocalJWKSet({ keys: [key.jwk] })), { code: 'ERR_OPTIONS_INVALID' });
});

test('require("edgetoken/verify") gives the same API', async () => {
  const cjs = createRequire(import.meta.url)('edgetoken/verify');
  assert.deepEqual(Object.keys(cjs).sort(), Object.keys(lean).sort());
  const key = await newKey('cjs');
  const token = await joseJwt(key, { sub: 'cjs-user', exp: now() + 60 });
  const { payload } = await cjs.jwtVerify(token, cjs.createLocalJWKSet({ keys: [key.jwk] }));
  assert.equal(payload.sub, 'cjs-user');
});
