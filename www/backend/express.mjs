// The demo backend as Cotter's docs show it, in Express: POST /login takes
// the auth payload of a sign-in, verifies its access token (and ID token)
// with edgetoken, and registers or finds the user in SQLite (sql.js, the
// SQLite engine compiled to wasm); GET /api/me is protected by a bearer
// token, answered as RFC 6750 says by edgetoken's unauthorized(). The same
// routes and answers as the worker (worker.mjs).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import express from 'express';
import { cotter, unauthorized, verifyRequest } from 'edgetoken';

const require = createRequire(import.meta.url);

const SCHEMA = `CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  identifier TEXT NOT NULL UNIQUE,
  identifier_type TEXT NOT NULL,
  issuer_user_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_login_at TEXT NOT NULL)`;

// The users table in SQLite, persisted to `file` after every change
// (`null`: in memory).
async function openUsers(file) {
  const initSqlJs = require('sql.js');
  const SQL = await initSqlJs({ locateFile: (f) => require.resolve(`sql.js/dist/${f}`) });
  const db = file && existsSync(file) ? new SQL.Database(readFileSync(file)) : new SQL.Database();
  db.run(SCHEMA);
  const persist = () => {
    if (!file) return;
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, db.export(), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  };
  const one = (sql, params) => {
    const stmt = db.prepare(sql);
    try {
      stmt.bind(params);
      return stmt.step() ? stmt.getAsObject() : undefined;
    } finally {
      stmt.free();
    }
  };
  return {
    find: (identifier) => one('SELECT * FROM users WHERE identifier = ?', [identifier]),
    count: () => one('SELECT COUNT(*) AS n FROM users', []).n,
    // Registers or finds the user; `created` says which.
    upsert(identifier, type, issuerUserId) {
      const now = new Date().toISOString();
      const existing = one('SELECT * FROM users WHERE identifier = ?', [identifier]);
      if (existing) db.run('UPDATE users SET last_login_at = ? WHERE id = ?', [now, existing.id]);
      else db.run('INSERT INTO users (identifier, identifier_type, issuer_user_id, created_at, last_login_at) VALUES (?, ?, ?, ?, ?)',
        [identifier, type, issuerUserId, now, now]);
      persist();
      return { row: one('SELECT * FROM users WHERE identifier = ?', [identifier]), created: !existing };
    },
    close() {
      persist();
      db.close();
    },
  };
}

const userJson = (row) => row && {
  id: row.id, identifier: row.identifier, identifier_type: row.identifier_type,
  issuer_user_id: row.issuer_user_id, created_at: row.created_at, last_login_at: row.last_login_at,
};

class Refusal extends Error {
  constructor(status, code) {
    super(code);
    this.status = status;
    this.code = code;
  }
}

/**
 * Starts the Express backend on 127.0.0.1: `{ url, users, close }`.
 * `issuer` is the issuer's base URL, `apiKey` the app's API key id,
 * `allowedOrigin` the page's origin (CORS), `dataFile` the SQLite file.
 */
export async function startExpressBackend({ port = 0, issuer: issuerUrl, apiKey, allowedOrigin = '*', dataFile = null } = {}) {
  const issuer = cotter({ apiKeyId: apiKey, baseUrl: issuerUrl });
  const users = await openUsers(dataFile);
  // Cotter's access token: the preset's issuer and audience, and its type.
  const verifyAccess = async (token) => {
    const { payload } = await issuer.verify(token, { requiredClaims: ['sub', 'type'] });
    if (payload.type !== 'client_access_token') throw new Refusal(401, 'ERR_WRONG_TOKEN_TYPE');
    return payload;
  };

  const app = express();
  app.use((req, res, next) => {
    res.set({
      'access-control-allow-origin': allowedOrigin,
      'access-control-allow-headers': 'authorization, content-type',
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-expose-headers': 'www-authenticate',
      'access-control-max-age': '600',
      vary: 'origin',
    });
    if (req.method === 'OPTIONS') res.status(204).end();
    else next();
  });
  app.use(express.json({ limit: '64kb' }));

  app.post('/login', async (req, res) => {
    try {
      const payload = req.body;
      const tokens = payload?.oauth_token;
      if (typeof tokens?.access_token !== 'string' || typeof tokens?.id_token !== 'string') throw new Refusal(400, 'ERR_BAD_REQUEST');
      const access = await verifyAccess(tokens.access_token);
      const { payload: id } = await issuer.verify(tokens.id_token, { subject: access.sub, requiredClaims: ['identifier', 'type'] });
      if (id.type !== 'client_id_token') throw new Refusal(401, 'ERR_WRONG_TOKEN_TYPE');
      // the identifier comes from the verified ID token; the payload's must agree
      const claimed = payload.email ?? payload.phone;
      if (claimed !== undefined && claimed !== id.identifier) throw new Refusal(401, 'ERR_IDENTIFIER_MISMATCH');
      const { row, created } = users.upsert(id.identifier, id.identifier.startsWith('+') ? 'PHONE' : 'EMAIL', access.sub);
      res.json({ user: userJson(row), created });
    } catch (e) {
      if (typeof e?.code !== 'string' || !e.code.startsWith('ERR_')) throw e;
      res.status(e.status ?? 401).json({ error: e.code });
    }
  });

  app.get('/api/me', async (req, res) => {
    try {
      const { token } = await verifyRequest(req, issuer.jwks, { issuer: issuer.issuer, audience: issuer.audience });
      const claims = await verifyAccess(token);
      const row = users.find(claims.identifier ?? '');
      if (!row) throw new Refusal(401, 'ERR_UNKNOWN_USER');
      res.json({
        user: userJson(row),
        token: { sub: claims.sub, authentication_method: claims.authentication_method, expires_at: claims.exp },
        served_at: new Date().toISOString(),
      });
    } catch (e) {
      if (typeof e?.code !== 'string' || !e.code.startsWith('ERR_')) throw e;
      // RFC 6750's answer (status, WWW-Authenticate, { error: code }), from a Fetch Response
      const answer = unauthorized(e);
      res.status(answer.status).set('www-authenticate', answer.headers.get('www-authenticate')).json(await answer.json());
    }
  });

  app.use((req, res) => res.status(404).json({ error: 'ERR_NOT_FOUND' }));
  app.use((err, req, res, next) => { // eslint-disable-line no-unused-vars
    console.error('backend error', err);
    res.status(500).json({ error: 'ERR_INTERNAL' });
  });

  const server = await new Promise((resolve, reject) => {
    const s = app.listen(port, '127.0.0.1', () => resolve(s)).once('error', reject);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    users,
    close() {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => { users.close(); r(); }));
    },
  };
}
