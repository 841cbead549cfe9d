// The demo backend: a Cloudflare-style worker that validates the issuer's
// tokens with edgetoken and keeps its users in D1 (SQLite).
//
//   POST /login    body: the auth payload of a sign-in → { user, created }
//   GET  /api/me   Authorization: Bearer <access token> → { user, token }
//
// Failures are 401 (400 for a malformed request) with { error: <code> }:
// the code says what failed, and nothing more about a signature. /api/me
// answers as RFC 6750 says, with edgetoken's unauthorized() (and its
// WWW-Authenticate).
import { cotter, unauthorized, verifyRequest } from 'edgetoken';

const SCHEMA = `CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  identifier TEXT NOT NULL UNIQUE,
  identifier_type TEXT NOT NULL,
  issuer_user_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_login_at TEXT NOT NULL)`;

let issuer;
let schemaDone = false;

function cors(env) {
  return {
    'access-control-allow-origin': env.ALLOWED_ORIGIN ?? '*',
    'access-control-allow-headers': 'authorization, content-type',
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-max-age': '600',
    vary: 'origin',
  };
}

class Refusal extends Error {
  constructor(status, code) {
    super(code);
    this.status = status;
    this.code = code;
  }
}

// Verifies an access token: signature (issuer's JWKS), `iss`, `aud` = our
// API key, and Cotter's `type` claim.
async function verifyAccess(token) {
  const { payload } = await issuer.verify(token, { requiredClaims: ['sub', 'type'] });
  if (payload.type !== 'client_access_token') throw new Refusal(401, 'ERR_WRONG_TOKEN_TYPE');
  return payload;
}


const userJson = (row) => row && {
  id: row.id, identifier: row.identifier, identifier_type: row.identifier_type,
  issuer_user_id: row.issuer_user_id, created_at: row.created_at, last_login_at: row.last_login_at,
};

async function login(request, env) {
  let payload;
  try {
    payload = await request.json();
  } catch {
    throw new Refusal(400, 'ERR_BAD_REQUEST');
  }
  const tokens = payload?.oauth_token;
  if (typeof tokens?.access_token !== 'string' || typeof tokens?.id_token !== 'string') throw new Refusal(400, 'ERR_BAD_REQUEST');
  const access = await verifyAccess(tokens.access_token);
  const { payload: id } = await issuer.verify(tokens.id_token, { subject: access.sub, requiredClaims: ['identifier', 'type'] });
  if (id.type !== 'client_id_token') throw new Refusal(401, 'ERR_WRONG_TOKEN_TYPE');
  // The identifier comes from the verified ID token, never from the
  // unauthenticated parts of the payload, which must agree with it.
  const claimed = payload.email ?? payload.phone;
  if (claimed !== undefined && claimed !== id.identifier) throw new Refusal(401, 'ERR_IDENTIFIER_MISMATCH');
  const type = id.identifier.startsWith('+') ? 'PHONE' : 'EMAIL';
  const now = new Date().toISOString();
  const find = () => env.DB.prepare('SELECT * FROM users WHERE identifier = ?1').bind(id.identifier).first();
  let row = await find();
  let created = false;
  if (row) {
    await env.DB.prepare('UPDATE users SET last_login_at = ?1 WHERE id = ?2').bind(now, row.id).run();
  } else {
    // Two first sign-ins racing: the UNIQUE identifier lets one insert win.
    const inserted = await env.DB.prepare(
      'INSERT INTO users (identifier, identifier_type, issuer_user_id, created_at, last_login_at) VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT(identifier) DO NOTHING',
    ).bind(id.identifier, type, access.sub, now).run();
    created = inserted.meta.changes === 1;
  }
  row = await find();
  return { user: userJson(row), created };
}

async function me(request, env) {
  // the bearer token (ERR_BEARER_TOKEN_MISSING / _MALFORMED otherwise), then Cotter's checks
  const { token } = await verifyRequest(request, issuer.jwks, { issuer: issuer.issuer, audience: issuer.audience });
  const claims = await verifyAccess(token);
  const row = await env.DB.prepare('SELECT * FROM users WHERE identifier = ?1').bind(claims.identifier ?? '').first();
  if (!row) throw new Refusal(401, 'ERR_UNKNOWN_USER');
  return {
    user: userJson(row),
    token: { sub: claims.sub, authentication_method: claims.authentication_method, expires_at: claims.exp },
    served_at: new Date().toISOString(),
  };
}

export default {
  async fetch(request, env) {
    const headers = cors(env);
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers });
    issuer ??= cotter({ apiKeyId: env.API_KEY, baseUrl: env.ISSUER });
    if (!schemaDone) {
      // A flag, not a shared promise: workerd forbids awaiting another request's promise.
      await env.DB.prepare(SCHEMA).run();
      schemaDone = true;
    }
    const { pathname } = new URL(request.url);
    try {
      let body;
      if (request.method === 'POST' && pathname === '/login') body = await login(request, env);
      else if (request.method === 'GET' && pathname === '/api/me') {
        try {
          body = await me(request, env);
        } catch (e) {
          if (typeof e?.code !== 'string' || !e.code.startsWith('ERR_')) throw e;
          // RFC 6750's answer, with this worker's CORS headers
          const refused = unauthorized(e);
          for (const [k, v] of Object.entries(headers)) refused.headers.set(k, v);
          refused.headers.append('access-control-expose-headers', 'www-authenticate');
          return refused;
        }
      } else return Response.json({ error: 'ERR_NOT_FOUND' }, { status: 404, headers });
      return Response.json(body, { headers });
    } catch (e) {
      if (e instanceof Refusal) return Response.json({ error: e.code }, { status: e.status, headers });
      if (typeof e?.code === 'string' && e.code.startsWith('ERR_')) return Response.json({ error: e.code }, { status: 401, headers });
      console.error('backend error', e);
      return Response.json({ error: 'ERR_INTERNAL' }, { status: 500, headers });
    }
  },
};
