// The local issuer's OpenID Connect profile, checked with a standard
// relying-party library (oauth4webapi from npm), not only with edgetoken:
// the authorization endpoint it advertises, the code and refresh
// responses (numeric auth_time, the nonce), RFC 6749 §5.2 errors, RFC
// 7009 revocation by the owning client only, a reused code revoking what
// it issued, and an edgetoken session on top.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as oauth from 'oauth4webapi';
import { createSession, oidc, errors } from 'edgetoken';
import { startIssuer } from '../../www/issuer/server.mjs';
import { signInStandard } from '../support/issuer-client.mjs';

const CLIENT = 'dev-api-key';
const OTHER = 'other-api-key';
const REDIRECT = 'http://127.0.0.1:9/callback';
const insecure = { [oauth.allowInsecureRequests]: true };
let iss;
let as;
const client = { client_id: CLIENT, id_token_signed_response_alg: 'ES256' };

before(async () => {
  iss = await startIssuer({ apiKeys: [CLIENT, OTHER] });
  const issuer = new URL(iss.issuer);
  as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
});
after(() => iss.close());

// A sign-in the way oauth4webapi's users write it: PKCE, state, nonce;
// answers the processed token response and the nonce.
async function standardSignIn(identifier, extra = {}) {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const url = new URL(as.authorization_endpoint);
  for (const [k, v] of Object.entries({
    client_id: CLIENT, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state, nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra,
  })) url.searchParams.set(k, v);
  const callback = await signInStandard(iss.url, url, identifier);
  const params = oauth.validateAuthResponse(as, client, callback, state);
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, REDIRECT, verifier, insecure);
  const result = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce, requireIdToken: true });
  return { result, nonce, code: params.get('code'), verifier };
}

const token = (body) => fetch(`${iss.url}/oauth/token`, {
  method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body),
});

test('a standard authorization-code sign-in and refresh pass oauth4webapi; the ID token has a numeric auth_time and the nonce', async () => {
  assert.equal(as.authorization_endpoint, `${iss.url}/authorize`);
  const { result, nonce } = await standardSignIn('std@example.com');
  const claims = oauth.getValidatedIdTokenClaims(result);
  assert.equal(typeof claims.auth_time, 'number');
  assert.equal(claims.nonce, nonce);
  assert.equal(claims.aud, CLIENT);
  const refreshed = await oauth.processRefreshTokenResponse(as, client,
    await oauth.refreshTokenGrantRequest(as, client, oauth.None(), result.refresh_token, insecure));
  assert.notEqual(refreshed.refresh_token, result.refresh_token, 'rotated');
  assert.equal(typeof oauth.getValidatedIdTokenClaims(refreshed).auth_time, 'number');
  // and an edgetoken session on the same tokens, with the sign-in's nonce
  const provider = await oidc({ issuer: iss.issuer, clientId: CLIENT });
  const second = await standardSignIn('std2@example.com');
  const s = createSession({ provider, autoRefresh: false });
  await s.setTokens(second.result, { nonce: second.nonce });
  await s.refresh();
  assert.equal(s.tokens.sub, oauth.getValidatedIdTokenClaims(second.result).sub);
  await assert.rejects(createSession({ provider, autoRefresh: false }).setTokens((await standardSignIn('std3@example.com')).result,
    { nonce: 'another' }), errors.TokensInvalid);
});

test('authorization request errors: unknown clients are not redirected to; the rest return to the client with state and iss', async () => {
  const base = { client_id: CLIENT, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 's1',
    code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' };
  const get = (over) => fetch(`${iss.url}/authorize?${new URLSearchParams({ ...base, ...over })}`, { redirect: 'manual' });
  assert.equal((await get({ client_id: 'nobody' })).status, 400);
  assert.equal((await get({ redirect_uri: 'javascript:alert(1)' })).status, 400);
  for (const [over, error] of [[{ response_type: 'token' }, 'unsupported_response_type'], [{ scope: 'profile' }, 'invalid_scope'],
    [{ code_challenge_method: 'plain' }, 'invalid_request']]) {
    const r = await get(over);
    assert.equal(r.status, 303);
    const to = new URL(r.headers.get('location'));
    assert.deepEqual([to.origin + to.pathname, to.searchParams.get('error'), to.searchParams.get('state'), to.searchParams.get('iss')],
      [REDIRECT, error, 's1', iss.issuer]);
  }
});

test('RFC 6749 §5.2: missing parameters are invalid_request; invalid_client is a 401 with WWW-Authenticate', async () => {
  const codeOf = async (r) => [r.status, (await r.json()).error];
  assert.deepEqual(await codeOf(await token({ client_id: CLIENT })), [400, 'invalid_request']);
  assert.deepEqual(await codeOf(await token({ client_id: CLIENT, grant_type: 'refresh_token' })), [400, 'invalid_request']);
  assert.deepEqual(await codeOf(await token({ client_id: CLIENT, grant_type: 'authorization_code' })), [400, 'invalid_request']);
  assert.deepEqual(await codeOf(await token({ client_id: CLIENT, grant_type: 'password' })), [400, 'unsupported_grant_type']);
  assert.deepEqual(await codeOf(await token({ client_id: CLIENT, grant_type: 'refresh_token', refresh_token: 'nope' })), [400, 'invalid_grant']);
  const bad = await token({ client_id: 'nobody', grant_type: 'refresh_token', refresh_token: 'x' });
  assert.equal(bad.status, 401);
  assert.match(bad.headers.get('www-authenticate') ?? '', /^Basic realm=/);
  assert.equal((await bad.json()).error, 'invalid_client');
});

test('RFC 7009: a token is revoked only by the client it was issued to', async () => {
  const { result } = await standardSignIn('revoke@example.com');
  const revoke = (body) => fetch(`${iss.url}/oauth/revoke`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body),
  });
  const none = await revoke({ token: result.refresh_token });
  assert.equal(none.status, 401, 'no client_id');
  assert.equal((await revoke({ token: result.refresh_token, client_id: OTHER })).status, 200, 'another client: 200, nothing revoked');
  const still = await token({ client_id: CLIENT, grant_type: 'refresh_token', refresh_token: result.refresh_token });
  assert.equal(still.status, 200);
  const { refresh_token: next } = await still.json();
  const own = await oauth.revocationRequest(as, client, oauth.None(), next, insecure);
  await oauth.processRevocationResponse(own);
  assert.equal((await (await token({ client_id: CLIENT, grant_type: 'refresh_token', refresh_token: next })).json()).error, 'invalid_grant');
});

test('a reused authorization code revokes the tokens issued from it (RFC 6749 §4.1.2)', async () => {
  const { result, code, verifier } = await standardSignIn('reuse@example.com');
  const again = await token({ client_id: CLIENT, grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier });
  assert.equal((await again.json()).error, 'invalid_grant');
  const r = await token({ client_id: CLIENT, grant_type: 'refresh_token', refresh_token: result.refresh_token });
  assert.equal(r.status, 400);
  assert.equal((await r.json()).error, 'invalid_grant', 'the refresh token issued from the code is revoked');
});
