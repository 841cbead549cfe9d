// A certified OpenID Provider for tests: panva's oidc-provider (npm) on
// 127.0.0.1, signing with ES256 keys only, one public client with PKCE,
// refresh-token rotation with reuse detection, short tokens, and JWT access
// tokens for one resource (RFC 8707 + RFC 9068) or opaque ones without it.
// `rotate()` makes a new signing key current (the old one stays published),
// `signIn()` drives a sign-in through its development login pages, and
// `counts` says how many requests each endpoint got.
import http from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';
import { exportJWK, generateKeyPair } from 'jose';

export const RESOURCE = 'https://api.test';
const b64u = (b) => Buffer.from(b).toString('base64url');

// The provider's storage, shared by the instances one test server makes
// (rotate() makes a new one with the new key; grants and tokens live on).
function sharedAdapter() {
  const store = new Map();
  return class Adapter {
    constructor(model) { this.model = model; }

    key(id) { return `${this.model}:${id}`; }

    async upsert(id, payload) {
      store.set(this.key(id), payload);
      if (payload.grantId) store.set(`grant:${payload.grantId}`, [...(store.get(`grant:${payload.grantId}`) ?? []), this.key(id)]);
      if (payload.uid) store.set(`uid:${payload.uid}`, id);
      if (payload.userCode) store.set(`userCode:${payload.userCode}`, id);
    }

    async find(id) { return store.get(this.key(id)); }

    async findByUid(uid) { return this.find(store.get(`uid:${uid}`)); }

    async findByUserCode(code) { return this.find(store.get(`userCode:${code}`)); }

    async consume(id) {
      const payload = store.get(this.key(id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id) { store.delete(this.key(id)); }

    async revokeByGrantId(grantId) {
      for (const key of store.get(`grant:${grantId}`) ?? []) store.delete(key);
      store.delete(`grant:${grantId}`);
    }
  };
}

async function signingKey(kid) {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' };
}

export async function startOidcProvider({ accessTtl = 10, idTtl = 10 } = {}) {
  const counts = {};
  let handler;
  let delayTokenMs = 0;
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    counts[path] = (counts[path] ?? 0) + 1;
    if (path === '/token' && delayTokenMs) setTimeout(() => handler(req, res), delayTokenMs);
    else handler(req, res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const redirectUri = `${issuer}/cb`;
  const keys = [await signingKey('op-1')];
  const adapter = sharedAdapter();
  let provider;
  const make = () => {
    provider = new Provider(issuer, {
      adapter,
      clients: [{
        client_id: 'app',
        token_endpoint_auth_method: 'none',
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        id_token_signed_response_alg: 'ES256',
      }, {
        // a native (CLI) client: loopback redirects on any port (RFC 8252 §7.3)
        client_id: 'cli',
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: ['http://127.0.0.1/'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        id_token_signed_response_alg: 'ES256',
      }],
      jwks: { keys },
      findAccount: (ctx, id) => ({ accountId: id, claims: async () => ({ sub: id }) }),
      features: {
        devInteractions: { enabled: true },
        revocation: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => undefined,
          useGrantedResource: () => true,
          getResourceServerInfo: () => ({
            scope: 'api', audience: RESOURCE, accessTokenFormat: 'jwt', accessTokenTTL: accessTtl, jwt: { sign: { alg: 'ES256' } },
          }),
        },
      },
      scopes: ['openid', 'offline_access', 'api'],
      issueRefreshToken: async () => true,
      rotateRefreshToken: true,
      pkce: { required: () => true },
      cookies: { keys: ['edgetoken-test-cookie-key'] },
      ttl: { AccessToken: accessTtl, IdToken: idTtl, RefreshToken: 3600, AuthorizationCode: 60, Grant: 3600, Session: 3600, Interaction: 600 },
    });
    provider.on('server_error', (ctx, e) => { console.error('oidc-provider server_error', e); });
    handler = provider.callback();
  };
  make();

  // A sign-in through the development login and consent pages, by a
  // cookie-keeping client that follows redirects by hand: answers the
  // token response of the code exchange, and the `nonce` it sent.
  async function signIn({ login = 'user-1', resource } = {}) {
    const verifier = b64u(randomBytes(32));
    const challenge = b64u(createHash('sha256').update(verifier).digest());
    const state = b64u(randomBytes(16));
    const nonce = b64u(randomBytes(16));
    const params = new URLSearchParams({
      client_id: 'app', response_type: 'code', redirect_uri: redirectUri, scope: `openid${resource ? ' api' : ''}`,
      state, nonce, code_challenge: challenge, code_challenge_method: 'S256',
    });
    if (resource) params.set('resource', resource);
    const jar = new Map();
    const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    let url = `${issuer}/auth?${params}`;
    let init = { method: 'GET' };
    for (let hop = 0; hop < 20; hop += 1) {
      const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers, cookie: cookie() } });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const at = pair.indexOf('=');
        jar.set(pair.slice(0, at), pair.slice(at + 1));
      }
      if (res.status >= 300 && res.status < 400) {
        const next = new URL(res.headers.get('location'), url);
        if (next.href.startsWith(redirectUri)) {
          if (next.searchParams.get('state') !== state) throw new Error('state mismatch');
          const code = next.searchParams.get('code');
          if (!code) throw new Error(`sign-in failed: ${next.search}`);
          const token = await fetch(`${issuer}/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: 'app', code_verifier: verifier }),
          });
          const body = await token.json();
          if (!token.ok) throw new Error(`code exchange failed: ${JSON.stringify(body)}`);
          return { tokens: body, nonce };
        }
        url = next.href;
        init = { method: 'GET' };
        continue;
      }
      const html = await res.text();
      const action = html.match(/<form[^>]*action="([^"]+)"/)?.[1];
      const prompt = html.match(/name="prompt" value="([^"]+)"/)?.[1];
      if (!action || !prompt) throw new Error(`unexpected page (${res.status}): ${html.slice(0, 200)}`);
      url = new URL(action.replace(/&amp;/g, '&'), url).href;
      const form = prompt === 'login' ? { prompt, login, password: 'any' } : { prompt };
      init = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() };
    }
    throw new Error('too many hops');
  }

  return {
    issuer,
    clientId: 'app',
    counts,
    signIn,
    /** Makes a new key the signing one; the old one stays in the JWKS. */
    async rotate() {
      keys.unshift(await signingKey(`op-${keys.length + 1}`));
      make();
    },
    /** Revokes a refresh token (and its grant) as the client could. */
    async revoke(refreshToken) {
      await fetch(`${issuer}/token/revocation`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: refreshToken, token_type_hint: 'refresh_token', client_id: 'app' }),
      });
    },
    /** Uses a refresh token directly (as a second client of the grant would). */
    async refreshWith(refreshToken) {
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'app' }),
      });
      return { status: res.status, body: await res.json() };
    },
    delayToken(ms) { delayTokenMs = ms; },
    reset() { for (const k of Object.keys(counts)) delete counts[k]; },
    close() {
      server.closeAllConnections();
      return new Promise((r) => server.close(r));
    },
  };
}
