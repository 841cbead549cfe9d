// The built package (imported as `edgetoken`, or the entry of
// tests/support/entry.mjs) under Node, against tokens
// signed by jose and WebCrypto with fresh keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as jose from 'jose';
import { lib } from '../support/entry.mjs';
import { newKey, joseJwt, signRaw, b64u, now } from '../support/tokens.mjs';

const {
  jwtVerify, compactVerify, createLocalJWKSet, createVerifier, decodeJwt, decodeProtectedHeader, errors,
} = lib;

const key = await newKey('k1');
const other = await newKey('k2');
const JWKS = createLocalJWKSet({ keys: [key.jwk, other.jwk] });
const claims = () => ({ iss: 'https://issuer.test', aud: 'api-key-1', sub: 'user-1', exp: now() + 600, iat: now() });

async function rejects(promiseOrFn, code, Class) {
  const run = typeof promiseOrFn === 'function' ? async () => promiseOrFn() : () => promiseOrFn;
  await assert.rejects(run, (e) => {
    assert.equal(e.code, code, e.message);
    assert.ok(e instanceof errors.JOSEError, 'is a JOSEError');
    assert.ok(e instanceof Error);
    if (Class) assert.ok(e instanceof Class, `is ${Class.name}`);
    return true;
  });
}

test('a token signed by jose with a fresh key verifies, with all options', async () => {
  const c = claims();
  const token = await joseJwt(key, { ...c, custom: { a: [1, 2] } });
  const { payload, protectedHeader } = await jwtVerify(token, JWKS, {
    issuer: 'https://issuer.test', audience: ['x', 'api-key-1'], subject: 'user-1', typ: 'JWT',
    clockTolerance: '5s', maxTokenAge: '1 hour', requiredClaims: ['iat'], algorithms: ['ES256'],
  });
  assert.deepEqual(payload, { ...c, custom: { a: [1, 2] } });
  assert.deepEqual(protectedHeader, { alg: 'ES256', typ: 'JWT', kid: 'k1' });
  assert.equal(Object.getPrototypeOf(payload), Object.prototype, 'plain object');
});

test('edgetoken and jose agree on results for the same tokens', async () => {
  const joseSet = jose.createLocalJWKSet({ keys: [key.jwk, other.jwk] });
  const tokens = [
    await joseJwt(key, claims()),
    await joseJwt(other, { ...claims(), n: 2 ** 60, s: 'é😀' }),
    await joseJwt(key, { ...claims(), exp: now() - 10 }),
    await joseJwt(other, claims(), { kid: 'k1' }),
  ];
  for (const t of tokens) {
    const ours = await jwtVerify(t, JWKS).then((r) => r.payload, (e) => e.code);
    const theirs = await jose.jwtVerify(t, joseSet).then((r) => r.payload, (e) => e.code);
    assert.deepEqual(ours, theirs);
  }
});

test('compactVerify returns payload bytes that need not be JSON', async () => {
  const bytes = new Uint8Array([0, 255, 1, 2, 3]);
  const jws = await new jose.CompactSign(bytes).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(key.privateKey);
  const { payload, protectedHeader } = await compactVerify(jws, JWKS);
  assert.ok(payload instanceof Uint8Array);
  assert.deepEqual([...payload], [...bytes]);
  assert.equal(protectedHeader.kid, 'k1');
  await rejects(jwtVerify(jws, JWKS), 'ERR_JWT_INVALID', errors.JWTInvalid);
});

test('RFC 7515 A.3 through the package: currentDate before exp verifies, today is expired', async () => {
  const v = JSON.parse(readFileSync(new URL('../vectors/rfc7515-a3.json', import.meta.url)));
  const set = createLocalJWKSet({ keys: [v.public_jwk] });
  const { payload } = await jwtVerify(v.token, set, { currentDate: new Date((v.expected_claims.exp - 1) * 1000) });
  assert.deepEqual(payload, v.expected_claims);
  await rejects(jwtVerify(v.token, set), 'ERR_JWT_EXPIRED', errors.JWTExpired);
});

test('token as Uint8Array', async () => {
  const token = await joseJwt(key, claims());
  const bytes = new TextEncoder().encode(token);
  const { payload } = await jwtVerify(bytes, JWKS);
  assert.equal(payload.sub, 'user-1');
  assert.equal((await compactVerify(bytes, JWKS)).protectedHeader.kid, 'k1');
  assert.equal(decodeJwt(bytes).sub, 'user-1');
  assert.equal(decodeProtectedHeader(bytes).kid, 'k1');
  // bytes that are not UTF-8, and anything neither a string nor bytes
  const notUtf8 = Uint8Array.of(...bytes.slice(0, 10), 0xff, ...bytes.slice(10));
  for (const bad of [notUtf8, 42, null, new String(token), [...bytes], bytes.buffer]) {
    await rejects(jwtVerify(bad, JWKS), 'ERR_JWS_INVALID', errors.JWSInvalid);
    await rejects(compactVerify(bad, JWKS), 'ERR_JWS_INVALID', errors.JWSInvalid);
    assert.throws(() => decodeJwt(bad), errors.JWTInvalid, 'decodeJwt: JWTInvalid, as in jose');
  }
  // a byte order mark is kept, so the token is malformed, not silently fixed
  const bom = Uint8Array.of(0xef, 0xbb, 0xbf, ...bytes);
  await rejects(jwtVerify(bom, JWKS), 'ERR_JWS_INVALID', errors.JWSInvalid);
  // over the size cap: TokenTooLarge (also a JWSInvalid), as strings are
  const big = new Uint8Array(16 * 1024 + 1).fill(0x41);
  await rejects(jwtVerify(big, JWKS), 'ERR_TOKEN_TOO_LARGE', errors.TokenTooLarge);
  await rejects(jwtVerify(new TextDecoder().decode(big), JWKS), 'ERR_TOKEN_TOO_LARGE', errors.JWSInvalid);
});

test('the size cap counts a string token in UTF-8 bytes, at its exact boundary', async () => {
  // 16384 characters, 16385 bytes: over the cap, and the message says by how much
  const over = 'A'.repeat(16383) + 'é';
  const e = await jwtVerify(over, JWKS).then(() => assert.fail('accepted'), (x) => x);
  assert.ok(e instanceof errors.TokenTooLarge);
  assert.match(e.message, /token is 16385 bytes, more than the 16384-byte limit/);
  // 16384 bytes exactly: within the cap, so it is only malformed
  for (const bad of ['A'.repeat(16382) + 'é', `${await joseJwt(key, claims())}é`, `é${await joseJwt(key, claims())}`,
    `${await joseJwt(key, claims())}\uD800`]) {
    const r = await jwtVerify(bad, JWKS).then(() => assert.fail('accepted'), (x) => x);
    assert.equal(r.code, 'ERR_JWS_INVALID', bad.slice(-8));
    assert.ok(!(r instanceof errors.TokenTooLarge));
  }
});

test('decodeJwt and decodeProtectedHeader decode without verifying', async () => {
  const token = await joseJwt(other, claims());
  const forged = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
  assert.equal(decodeJwt(forged).sub, 'user-1');
  assert.deepEqual(decodeProtectedHeader(forged), { alg: 'ES256', typ: 'JWT', kid: 'k2' });
  assert.throws(() => decodeJwt('not-a-token'), (e) => e.code === 'ERR_JWT_INVALID');
});

test('every error code is produced', async (t) => {
  await t.test('ERR_JWS_INVALID: malformed compact JWS', async () => {
    await rejects(jwtVerify('a.b', JWKS), 'ERR_JWS_INVALID', errors.JWSInvalid);
    await rejects(jwtVerify(42, JWKS), 'ERR_JWS_INVALID', errors.JWSInvalid);
    const t = await joseJwt(key, claims());
    await rejects(jwtVerify(t + '=', JWKS), 'ERR_JWS_INVALID');
    await rejects(jwtVerify(` ${t}`, JWKS), 'ERR_JWS_INVALID');
  });
  await t.test('ERR_JWS_INVALID: duplicate header member names', async () => {
    const t = await signRaw(key, '{"alg":"ES256","kid":"k1","kid":"k2"}', JSON.stringify(claims()));
    await rejects(jwtVerify(t, JWKS), 'ERR_JWS_INVALID', errors.JWSInvalid);
  });
  await t.test('ERR_TOKEN_TOO_LARGE: over 16 KiB', async () => {
    const t = await joseJwt(key, { ...claims(), pad: 'x'.repeat(17000) });
    await rejects(jwtVerify(t, JWKS), 'ERR_TOKEN_TOO_LARGE', errors.TokenTooLarge);
    await rejects(jwtVerify(t, JWKS), 'ERR_TOKEN_TOO_LARGE', errors.JWSInvalid);
  });
  await t.test('ERR_JWT_INVALID: signed payload that is not a JSON object, or has duplicate claims', async () => {
    await rejects(jwtVerify(await signRaw(key, '{"alg":"ES256","kid":"k1"}', '[1,2]'), JWKS), 'ERR_JWT_INVALID', errors.JWTInvalid);
    const dup = `{"sub":"a","exp":${now() + 60},"sub":"admin"}`;
    await rejects(jwtVerify(await signRaw(key, '{"alg":"ES256","kid":"k1"}', dup), JWKS), 'ERR_JWT_INVALID');
  });
  await t.test('ERR_JOSE_ALG_NOT_ALLOWED: HS256 and none', async () => {
    const hs = await new jose.SignJWT(claims()).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).sign(new Uint8Array(32));
    await rejects(jwtVerify(hs, JWKS), 'ERR_JOSE_ALG_NOT_ALLOWED', errors.JOSEAlgNotAllowed);
    const none = new jose.UnsecuredJWT(claims()).encode() + 'A'.repeat(86);
    await rejects(jwtVerify(none, JWKS), 'ERR_JOSE_ALG_NOT_ALLOWED', errors.JOSEAlgNotAllowed);
  });
  await t.test('ERR_JOSE_NOT_SUPPORTED: crit', async () => {
    const t = await signRaw(key, '{"alg":"ES256","kid":"k1","crit":["exp"],"exp":1}', JSON.stringify(claims()));
    await rejects(jwtVerify(t, JWKS), 'ERR_JOSE_NOT_SUPPORTED', errors.JOSENotSupported);
  });
  await t.test('ERR_JWS_SIGNATURE_VERIFICATION_FAILED: signed by another key under our kid', async () => {
    const forged = await joseJwt(other, claims(), { kid: 'k1' });
    await rejects(jwtVerify(forged, JWKS), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED', errors.JWSSignatureVerificationFailed);
    // an attacker-embedded jwk header is never used
    const embedded = await joseJwt(other, claims(), { kid: 'k1', jwk: other.jwk });
    await rejects(jwtVerify(embedded, JWKS), 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
  });
  await t.test('ERR_JWT_EXPIRED with claim, reason and payload', async () => {
    const c = { ...claims(), exp: now() - 1 };
    await assert.rejects(jwtVerify(await joseJwt(key, c), JWKS), (e) => {
      assert.ok(e instanceof errors.JWTExpired);
      assert.equal(e.code, 'ERR_JWT_EXPIRED');
      assert.equal(e.claim, 'exp');
      assert.equal(e.reason, 'check_failed');
      assert.deepEqual(e.payload, c);
      return true;
    });
    await jwtVerify(await joseJwt(key, c), JWKS, { clockTolerance: 30 });
  });
  await t.test('ERR_JWT_CLAIM_VALIDATION_FAILED: missing, check_failed, invalid', async () => {
    const cases = [
      [{ ...claims(), aud: 'other' }, { audience: 'api-key-1' }, 'aud', 'check_failed'],
      [{ ...claims(), iss: 'https://evil' }, { issuer: 'https://issuer.test' }, 'iss', 'check_failed'],
      [(({ exp, ...rest }) => rest)(claims()), {}, 'exp', 'missing'],
      [{ ...claims(), exp: String(now() + 60) }, {}, 'exp', 'invalid'],
      [{ ...claims(), nbf: now() + 60 }, {}, 'nbf', 'check_failed'],
      [claims(), { requiredClaims: ['jti'] }, 'jti', 'missing'],
    ];
    for (const [c, opts, claim, reason] of cases) {
      await assert.rejects(jwtVerify(await joseJwt(key, c), JWKS, opts), (e) => {
        assert.ok(e instanceof errors.JWTClaimValidationFailed, e.message);
        assert.equal(e.code, 'ERR_JWT_CLAIM_VALIDATION_FAILED');
        assert.equal(e.claim, claim);
        assert.equal(e.reason, reason);
        assert.deepEqual(e.payload, c);
        return true;
      });
    }
  });
  await t.test('ERR_JWKS_NO_MATCHING_KEY: unknown kid', async () => {
    const stranger = await newKey('k9');
    await rejects(jwtVerify(await joseJwt(stranger, claims()), JWKS), 'ERR_JWKS_NO_MATCHING_KEY', errors.JWKSNoMatchingKey);
  });
  await t.test('ERR_JWKS_MULTIPLE_MATCHING_KEYS: no kid and two keys', async () => {
    const t = await new jose.SignJWT(claims()).setProtectedHeader({ alg: 'ES256' }).sign(key.privateKey);
    await rejects(jwtVerify(t, JWKS), 'ERR_JWKS_MULTIPLE_MATCHING_KEYS', errors.JWKSMultipleMatchingKeys);
    // with exactly one candidate the kid-less token verifies
    const single = createLocalJWKSet({ keys: [key.jwk] });
    assert.equal((await jwtVerify(t, single)).payload.sub, 'user-1');
  });
  await t.test('ERR_JWKS_INVALID: no usable key, bad shapes', async () => {
    for (const bad of [{ keys: [] }, {}, { keys: {} }, null, [], '{', { keys: [{ ...key.jwk, use: 'enc' }] }]) {
      await rejects(() => createLocalJWKSet(bad), 'ERR_JWKS_INVALID', errors.JWKSInvalid);
    }
    const { d, ...pub } = await jose.exportJWK(key.privateKey);
    assert.ok(d && pub.x);
    await rejects(() => createLocalJWKSet({ keys: [{ ...pub, d }] }), 'ERR_JWKS_INVALID');
  });
  await t.test('ERR_JWK_INVALID: the key the token names is broken', async () => {
    const broken = { ...key.jwk, kid: 'k1', y: key.jwk.x };
    const set = createLocalJWKSet({ keys: [broken, other.jwk] });
    assert.equal(set.size, 1);
    assert.equal(set.skipped()[0].kid, 'k1');
    await rejects(jwtVerify(await joseJwt(key, claims()), set), 'ERR_JWK_INVALID', errors.JWKInvalid);
  });
  await t.test('ERR_OPTIONS_INVALID: unsupported algorithms, bad durations, bad key set', async () => {
    const t = await joseJwt(key, claims());
    for (const opts of [{ algorithms: ['RS256'] }, { algorithms: ['ES256', 'HS256'] }, { algorithms: [] },
      { clockTolerance: 'soon' }, { clockTolerance: -1 }, { maxTokenAge: {} }, { currentDate: 'yesterday' },
      { issuer: 5 }, { audience: [1] }, { requiredClaims: 'exp' }]) {
      await rejects(jwtVerify(t, JWKS, opts), 'ERR_OPTIONS_INVALID', errors.OptionsInvalid);
    }
    await rejects(jwtVerify(t, { keys: [key.jwk] }), 'ERR_OPTIONS_INVALID');
    await rejects(compactVerify(t, JWKS, { algorithms: ['EdDSA'] }), 'ERR_OPTIONS_INVALID');
  });
  await t.test('ERR_OPTIONS_INVALID: values JSON cannot hold are rejected, never dropped', async () => {
    const t = await joseJwt(key, claims());
    // each would vanish from plain JSON.stringify (or turn into a valid
    // string), skipping the check it names
    for (const opts of [{ issuer: Symbol('iss') }, { audience: 10n }, { subject: () => 'user-1' },
      { issuer: new Date() }, { audience: new String('api-key-1') }, { requiredClaims: ['exp', Symbol('x')] },
      { audience: ['api-key-1', undefined] }, { clockTolerance: Infinity }, { currentDate: new Date(Number.NaN) },
      { currentDate: Date.now() }, { typ: null }]) {
      await rejects(jwtVerify(t, JWKS, opts), 'ERR_OPTIONS_INVALID', errors.OptionsInvalid);
      await rejects(async () => createVerifier(JWKS, opts), 'ERR_OPTIONS_INVALID', errors.OptionsInvalid);
    }
    for (const opts of ['issuer', 7, () => ({})]) {
      await rejects(jwtVerify(t, JWKS, opts), 'ERR_OPTIONS_INVALID', errors.OptionsInvalid);
    }
    // options are read as properties: inherited ones and getters count,
    // and a getter's own error reaches the caller
    await rejects(jwtVerify(t, JWKS, Object.create({ audience: 'other' })), 'ERR_JWT_CLAIM_VALIDATION_FAILED');
    const getter = { get issuer() { return 'https://other.test'; } };
    await rejects(jwtVerify(t, JWKS, getter), 'ERR_JWT_CLAIM_VALIDATION_FAILED');
    const boom = new Error('getter failed');
    await assert.rejects(jwtVerify(t, JWKS, { get audience() { throw boom; } }), (e) => e === boom);
    // options other than jose's are ignored, as jose does
    const { payload } = await jwtVerify(t, JWKS, { issuer: 'https://issuer.test', somethingElse: Symbol('x') });
    assert.equal(payload.sub, 'user-1');
  });
  await t.test('ERR_JWKS_TIMEOUT: the class exists with its code (produced by remote key sets)', { skip: !errors.JWKSTimeout && 'the verify-only entry has no remote key sets' }, () => {
    const e = new errors.JWKSTimeout('timed out');
    assert.equal(e.code, 'ERR_JWKS_TIMEOUT');
    assert.ok(e instanceof errors.JOSEError);
  });
});

test('verification failures are rejections, never synchronous throws', () => {
  const p = jwtVerify('garbage', JWKS);
  assert.ok(p instanceof Promise);
  return assert.rejects(p);
});
