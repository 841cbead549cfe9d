// verifyRequest and unauthorized: Bearer tokens from Fetch Requests and from
// a real Node HTTP server, answered per RFC 6750.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { lib } from '../support/entry.mjs';
import { newKey, joseJwt, now } from '../support/tokens.mjs';

const { createLocalJWKSet, verifyRequest, unauthorized, errors } = lib;

const key = await newKey('req-1');
const JWKS = createLocalJWKSet({ keys: [key.jwk] });
const req = (authorization) => new Request('https://api.example/me', { headers: authorization === undefined ? {} : { authorization } });

test('verifyRequest returns the verified claims and the token', async () => {
  const token = await joseJwt(key, { sub: 'u1', aud: 'api', exp: now() + 60 });
  const r = await verifyRequest(req(`Bearer ${token}`), JWKS, { audience: 'api' });
  assert.equal(r.payload.sub, 'u1');
  assert.equal(r.token, token);
  assert.equal(r.protectedHeader.kid, 'req-1');
  assert.equal((await verifyRequest(req(`bearer  ${token}`), JWKS)).payload.sub, 'u1', 'scheme is case-insensitive');
});

test('missing, other schemes and malformed values', async () => {
  for (const value of [undefined, '', 'Basic dXNlcjpwYXNz', 'Token abc']) {
    await assert.rejects(verifyRequest(req(value), JWKS), errors.BearerTokenMissing, String(value));
  }
  for (const value of ['Bearer', 'Bearer ', 'Bearer a b', 'Bearer a,b', 'Bearer "x"']) {
    await assert.rejects(verifyRequest(req(value), JWKS), errors.BearerTokenMalformed, value);
  }
  await assert.rejects(verifyRequest(req('Bearer abc.def.ghi'), JWKS), errors.JWSInvalid);
});

test('unauthorized answers per RFC 6750', async () => {
  const missing = unauthorized(new errors.BearerTokenMissing('x'), { realm: 'api "v1"' });
  assert.equal(missing.status, 401);
  assert.equal(missing.headers.get('www-authenticate'), 'Bearer realm="api \\"v1\\""');
  assert.deepEqual(await missing.json(), { error: 'ERR_BEARER_TOKEN_MISSING' });
  const malformed = unauthorized(new errors.BearerTokenMalformed('x'));
  assert.equal(malformed.status, 400);
  assert.equal(malformed.headers.get('www-authenticate'), 'Bearer error="invalid_request"');
  const expiredToken = await joseJwt(key, { sub: 'u', exp: now() - 5 });
  const expired = await verifyRequest(req(`Bearer ${expiredToken}`), JWKS).catch(unauthorized);
  assert.equal(expired.status, 401);
  assert.equal(expired.headers.get('www-authenticate'), 'Bearer error="invalid_token", error_description="The access token expired"');
  assert.deepEqual(await expired.json(), { error: 'ERR_JWT_EXPIRED' });
  const other = await newKey('req-1');
  const forged = await verifyRequest(req(`Bearer ${await joseJwt(other, { sub: 'u', exp: now() + 60 })}`), JWKS).catch(unauthorized);
  assert.equal(forged.headers.get('www-authenticate'), 'Bearer error="invalid_token", error_description="The access token is invalid"');
  assert.deepEqual(await forged.json(), { error: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
  assert.equal(forged.headers.get('cache-control'), 'no-store');
});

test('verifyRequest reads a Node IncomingMessage on a real server', async () => {
  const server = http.createServer(async (request, response) => {
    try {
      const { payload } = await verifyRequest(request, JWKS);
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sub: payload.sub }));
    } catch (e) {
      const answer = unauthorized(e, { realm: 'node' });
      response.writeHead(answer.status, Object.fromEntries(answer.headers)).end(await answer.text());
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/`;
  try {
    const token = await joseJwt(key, { sub: 'node-user', exp: now() + 60 });
    const ok = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    assert.deepEqual(await ok.json(), { sub: 'node-user' });
    const no = await fetch(url);
    assert.equal(no.status, 401);
    assert.equal(no.headers.get('www-authenticate'), 'Bearer realm="node"');
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
