// The constructed signatures of tests/vectors/constructed.json (made by
// tests/constructed.rs: x(R) in [n, p), the wrap candidates, r = p − n with
// x(R) = 0, R = ∞, additions that double or pass through infinity, and (r,
// s) at every boundary value) run through the package, on a key's first
// verifications (the window path) and once its tables are built, each
// expectation checked first against Node's own crypto.verify.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'edgetoken';

const { keys, cases } = JSON.parse(readFileSync(new URL('../vectors/constructed.json', import.meta.url), 'utf8'));
const byKid = new Map(keys.map((k) => [k.kid, k]));
const kids = [...new Set(cases.map((c) => c.kid))];

async function verdict(token, set) {
  try {
    await jwtVerify(token, set);
    return true;
  } catch (e) {
    assert.equal(e.code, 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED', `${e}`);
    return false;
  }
}

test('Node\'s crypto.verify agrees with every expectation', () => {
  for (const c of cases) {
    const [h, p, s] = c.token.split('.');
    const key = createPublicKey({ key: byKid.get(c.kid), format: 'jwk' });
    const ok = verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'));
    assert.equal(ok, c.valid, c.name);
  }
  assert.ok(cases.filter((c) => c.valid).length >= 15 && cases.filter((c) => !c.valid).length >= 300);
});

test('edgetoken answers every case as expected, on the window path and the table path', async () => {
  for (const kid of kids) {
    const mine = cases.filter((c) => c.kid === kid);
    // a new key: its first verifications take the window path
    const cold = createLocalJWKSet({ keys: [byKid.get(kid)] });
    for (const c of mine) assert.equal(await verdict(c.token, cold), c.valid, `${c.name} (window path)`);
    // a key past its first verifications (forged tokens count too: 48,
    // es256's TABLE_AFTER_USES) gets its table, a few windows per
    // verification (29 windows, 5 at a time)
    const warm = createLocalJWKSet({ keys: [byKid.get(kid)] });
    const [h, p] = mine[0].token.split('.');
    for (let i = 0; i < 48 + 2 * 6 + 4; i += 1) {
      assert.equal(await verdict(`${h}.${p}.${randomBytes(64).toString('base64url')}`, warm), false);
    }
    for (const c of mine) assert.equal(await verdict(c.token, warm), c.valid, `${c.name} (table path)`);
  }
});
