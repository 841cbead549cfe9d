// createVerifier: options bound once, repeat tokens answered from the cache,
// claims (exp included) checked on every call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { instances, lib } from '../support/entry.mjs';
import { newKey, joseJwt, now } from '../support/tokens.mjs';

const { createLocalJWKSet, createVerifier, jwtVerify, errors } = lib;

const key = await newKey('v1');
const JWKS = createLocalJWKSet({ keys: [key.jwk] });

test('answers like jwtVerify, for first and repeat tokens', async () => {
  const v = createVerifier(JWKS, { audience: 'api', issuer: 'https://iss' });
  const token = await joseJwt(key, { sub: 'u', aud: 'api', iss: 'https://iss', exp: now() + 60, nested: { a: [1] } });
  const expected = await jwtVerify(token, JWKS, { audience: 'api', issuer: 'https://iss' });
  const first = await v.verify(token);
  const second = await v.verify(token);
  assert.deepEqual(first, expected);
  assert.deepEqual(second, expected);
  first.payload.sub = 'changed';
  assert.equal((await v.verify(token)).payload.sub, 'u', 'callers get their own copy');
  // at every depth, and through jwtVerify's own verifiers too
  for (const verify of [(t) => v.verify(t), (t) => jwtVerify(t, JWKS, { audience: 'api', issuer: 'https://iss' })]) {
    const mine = await verify(token);
    mine.payload.nested.a.push(2);
    mine.payload.nested.b = true;
    mine.protectedHeader.kid = 'changed';
    const next = await verify(token);
    assert.deepEqual(next.payload.nested, { a: [1] });
    assert.equal(next.protectedHeader.kid, 'v1');
  }
  // a "__proto__" claim stays a claim, in every copy
  const proto = await joseJwt(key, JSON.parse('{"aud":"api","iss":"https://iss","exp":' + (now() + 60) + ',"__proto__":{"admin":true}}'));
  for (let i = 0; i < 2; i += 1) {
    const { payload } = await v.verify(proto);
    assert.ok(Object.hasOwn(payload, '__proto__'));
    assert.equal(Object.getPrototypeOf(payload), Object.prototype);
    assert.equal(payload.admin, undefined);
    assert.deepEqual(payload.__proto__, { admin: true }); // eslint-disable-line no-proto
  }
});

test('bound options apply on every call; bad tokens fail with their code', async () => {
  const v = createVerifier(JWKS, { audience: 'api' });
  const other = await joseJwt(key, { sub: 'u', aud: 'other', exp: now() + 60 });
  for (let i = 0; i < 2; i += 1) await assert.rejects(v.verify(other), errors.JWTClaimValidationFailed);
  const stranger = await newKey('v1');
  await assert.rejects(v.verify(await joseJwt(stranger, { aud: 'api', exp: now() + 60 })), errors.JWSSignatureVerificationFailed);
  await assert.rejects(v.verify(42), errors.JWSInvalid);
  assert.throws(() => createVerifier(JWKS, { algorithms: ['HS256'] }), errors.OptionsInvalid);
});

test('a cached token still expires', async () => {
  const v = createVerifier(JWKS);
  const token = await joseJwt(key, { sub: 'u', exp: now() + 2 });
  assert.equal((await v.verify(token)).payload.sub, 'u');
  await new Promise((r) => setTimeout(r, 2100));
  await assert.rejects(v.verify(token), errors.JWTExpired);
  await assert.rejects(v.verify(token), errors.JWTExpired);
});

test('currentDate is honoured and fixed', async () => {
  const token = await joseJwt(key, { sub: 'u', exp: 2_000_000_000 });
  const past = createVerifier(JWKS, { currentDate: new Date(1_999_999_999_000) });
  assert.equal((await past.verify(token)).payload.sub, 'u');
  const future = createVerifier(JWKS, { currentDate: new Date(2_000_000_000_000) });
  await assert.rejects(future.verify(token), errors.JWTExpired);
});

test('jwtVerify remembers verified tokens per key set', async () => {
  const set = createLocalJWKSet({ keys: [key.jwk] });
  const token = await joseJwt(key, { sub: 'u', exp: now() + 60 });
  assert.deepEqual(set.cacheStats(), { entries: 0, bytes: 0, hits: 0, misses: 0 });
  await jwtVerify(token, set);
  await jwtVerify(token, set);
  await jwtVerify(token, set, { subject: 'u' });
  await assert.rejects(jwtVerify(token, set, { subject: 'v' }), errors.JWTClaimValidationFailed);
  const stats = set.cacheStats();
  assert.equal(stats.entries, 1);
  assert.equal(stats.hits, 3, 'every repeat, with any options, is a hit whose claims are checked');
  assert.equal(stats.misses, 1, 'verified in full once');
  assert.ok(stats.bytes > token.length);
});

test('jwtVerify keeps each distinct options object correct while reusing parsed ones', async () => {
  const set = createLocalJWKSet({ keys: [key.jwk] });
  const token = await joseJwt(key, { sub: 'u', aud: 'api', exp: 2_000_000_000 });
  const at = (ms) => ({ audience: 'api', currentDate: new Date(ms) });
  for (const [ms, ok] of [[1_999_999_999_000, true], [2_000_000_000_000, false], [1_999_999_999_000, true], [2_000_000_001_000, false]]) {
    const r = await jwtVerify(token, set, at(ms)).then(() => true, (e) => (e instanceof errors.JWTExpired ? false : e));
    assert.equal(r, ok, `currentDate ${ms}`);
  }
  // same options in another key order, or with a non-plain value (general path)
  const base = { audience: 'api', subject: 'u', currentDate: new Date(1_999_999_999_000) };
  assert.equal((await jwtVerify(token, set, { subject: 'u', currentDate: base.currentDate, audience: 'api' })).payload.sub, 'u');
  assert.equal((await jwtVerify(token, set, { ...base, extra: () => 1 })).payload.sub, 'u');
  await assert.rejects(jwtVerify(token, set, { ...base, audience: ['other'] }), errors.JWTClaimValidationFailed);
  await assert.rejects(jwtVerify(token, set, { ...base, clockTolerance: Number.NaN }), errors.OptionsInvalid);
  await assert.rejects(jwtVerify(token, set, { ...base, clockTolerance: null }), errors.OptionsInvalid);
  // options inherited from a prototype count, even after {} was seen
  assert.equal((await jwtVerify(token, set, {})).payload.sub, 'u');
  await assert.rejects(jwtVerify(token, set, Object.create({ audience: 'other' })), errors.JWTClaimValidationFailed);
  await assert.rejects(jwtVerify(token, set, Object.assign(Object.create({ subject: 'x' }), { audience: 'api' })),
    errors.JWTClaimValidationFailed);
  // one object changed between calls: each call reads it anew
  const live = { audience: 'api' };
  assert.equal((await jwtVerify(token, set, live)).payload.sub, 'u');
  live.audience = 'other';
  await assert.rejects(jwtVerify(token, set, live), errors.JWTClaimValidationFailed);
  // an expired hit drops its entry, so the calls after each expiry verify in full again
  assert.equal(set.cacheStats().misses, 3);
  // values changed inside the options between calls: an array, a Date
  const audience = ['api'];
  const currentDate = new Date(1_999_999_999_000);
  const inner = { audience, currentDate };
  assert.equal((await jwtVerify(token, set, inner)).payload.sub, 'u');
  audience[0] = 'other';
  await assert.rejects(jwtVerify(token, set, inner), errors.JWTClaimValidationFailed);
  audience.push('api');
  assert.equal((await jwtVerify(token, set, inner)).payload.sub, 'u');
  currentDate.setTime(2_000_000_000_000);
  await assert.rejects(jwtVerify(token, set, inner), errors.JWTExpired);
  // alternating options, as new literals each call
  for (let i = 0; i < 3; i += 1) {
    assert.equal((await jwtVerify(token, set, { audience: 'api', currentDate: new Date(1_999_999_999_000) })).payload.sub, 'u');
    await assert.rejects(jwtVerify(token, set, { audience: ['x', 'y'], currentDate: new Date(1_999_999_999_000) }),
      errors.JWTClaimValidationFailed);
    await assert.rejects(jwtVerify(token, set, { audience: 'api', currentDate: new Date(2_000_000_000_000) }), errors.JWTExpired);
  }
});

test('tokens cross into the wasm correctly after its memory grows', async () => {
  const set = createLocalJWKSet({ keys: [key.jwk] });
  const first = await joseJwt(key, { sub: 'first', exp: now() + 60 });
  assert.equal((await jwtVerify(first, set)).payload.sub, 'first');
  // the sizes of the memories of every instance made so far: only the
  // entry under test's grows below
  const sizes = () => instances.map((i) => i.exports.memory.buffer.byteLength);
  // large tokens, kept by the cache, until the memory grows (which
  // detaches every view of the old buffer)
  const before = sizes();
  for (let i = 0; i < 2000 && sizes().every((n, k) => n === before[k]); i += 1) {
    const big = await joseJwt(key, { sub: `big${i}`, pad: 'x'.repeat(12000), exp: now() + 60 });
    assert.equal((await jwtVerify(big, set)).payload.sub, `big${i}`);
  }
  assert.ok(sizes().some((n, k) => n > before[k]), 'the memory grew');
  const second = await joseJwt(key, { sub: 'second', exp: now() + 60 });
  assert.equal((await jwtVerify(second, set)).payload.sub, 'second');
  assert.equal((await jwtVerify(first, set)).payload.sub, 'first');
  assert.equal((await createVerifier(set).verify(second)).payload.sub, 'second');
});

test('JS code that edgetoken calls while verifying may verify too: nothing is mixed up or locked', async () => {
  const set = createLocalJWKSet({ keys: [key.jwk] });
  const stranger = await newKey('v1');
  const forged = await joseJwt(stranger, { sub: 'forged', exp: now() + 60 });
  const other = await joseJwt(key, { sub: 'other', exp: now() + 60 });
  // a setter every error edgetoken makes in the wasm runs (it sets `code`),
  // which verifies other tokens the first time
  const nested = [];
  let ran = false;
  Object.defineProperty(Error.prototype, 'code', {
    configurable: true,
    set(v) {
      Object.defineProperty(this, 'code', { value: v, writable: true, enumerable: true, configurable: true });
      if (ran) return;
      ran = true;
      nested.push(jwtVerify(other, set), createVerifier(set).verify(other), jwtVerify(`${other}x`, set));
    },
  });
  let outer;
  try {
    outer = await jwtVerify(forged, set).then(() => 'accepted', (e) => e.code);
  } finally {
    delete Error.prototype.code;
  }
  assert.equal(outer, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  assert.equal(nested.length, 3, 'the nested verifications ran');
  const [a, b, c] = await Promise.allSettled(nested);
  assert.equal(a.value.payload.sub, 'other');
  assert.equal(b.value.payload.sub, 'other');
  assert.equal(c.reason.code, 'ERR_JWS_INVALID');
  // nothing was mixed up: the forged token stays refused, the other one is cached once
  await assert.rejects(jwtVerify(forged, set), errors.JWSSignatureVerificationFailed);
  assert.equal((await jwtVerify(other, set)).payload.sub, 'other');
  assert.equal(set.cacheStats().entries, 1);
});
