// The issuer's data in SQLite (sql.js: the SQLite engine compiled to wasm),
// persisted to a file after every change so a restart keeps users, codes,
// refresh tokens and signing keys.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

const SCHEMA = `
CREATE TABLE IF NOT EXISTS keys (
  kid TEXT PRIMARY KEY, private_jwk TEXT NOT NULL, public_jwk TEXT NOT NULL,
  created_at INTEGER NOT NULL, retired_at INTEGER, unpublish_at INTEGER);
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY, identifier TEXT NOT NULL UNIQUE, identifier_type TEXT NOT NULL,
  issuer TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS challenges (
  id INTEGER PRIMARY KEY AUTOINCREMENT, api_key TEXT NOT NULL, identifier TEXT NOT NULL,
  identifier_type TEXT NOT NULL, auth_method TEXT NOT NULL, otp TEXT NOT NULL, link_token TEXT NOT NULL,
  poll_secret TEXT NOT NULL, code_challenge TEXT, redirect_url TEXT, state TEXT,
  attempts INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, completed_at INTEGER, used_method TEXT,
  payload_taken INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS codes (
  code TEXT PRIMARY KEY, challenge_id INTEGER NOT NULL, created_at INTEGER NOT NULL, used_at INTEGER);
CREATE TABLE IF NOT EXISTS mailbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT, to_addr TEXT NOT NULL, otp TEXT NOT NULL, link TEXT NOT NULL,
  challenge_id INTEGER NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS refresh_tokens (
  token TEXT PRIMARY KEY, family TEXT NOT NULL, user_id TEXT NOT NULL, api_key TEXT NOT NULL,
  auth_method TEXT NOT NULL, auth_time INTEGER NOT NULL, created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL, rotated_at INTEGER, revoked_at INTEGER);
`;

/** Opens (or creates) the database at `file`; `null` keeps it in memory only. */
export async function openStore(file) {
  const initSqlJs = require('sql.js');
  const SQL = await initSqlJs({ locateFile: (f) => require.resolve(`sql.js/dist/${f}`) });
  const db = file && existsSync(file) ? new SQL.Database(readFileSync(file)) : new SQL.Database();
  db.exec(SCHEMA);
  // columns added since the first schema (a database made before gets them)
  for (const [table, column, type] of [['challenges', 'nonce', 'TEXT'], ['challenges', 'profile', 'TEXT'], ['codes', 'family', 'TEXT']]) {
    const has = db.exec(`PRAGMA table_info(${table})`)[0]?.values.some((row) => row[1] === column);
    if (!has) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
  }

  function persist() {
    if (!file) return;
    mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, db.export(), { mode: 0o600 });
    renameSync(tmp, file);
  }
  persist();

  const all = (sql, params = []) => {
    const stmt = db.prepare(sql);
    try {
      stmt.bind(params);
      const rows = [];
      while (stmt.step()) rows.push(stmt.getAsObject());
      return rows;
    } finally {
      stmt.free();
    }
  };
  const one = (sql, params) => all(sql, params)[0];
  const run = (sql, params = []) => {
    db.run(sql, params);
    return db.exec('SELECT last_insert_rowid() AS id')[0]?.values[0][0];
  };

  return {
    all,
    one,
    run,
    /** Runs `fn` in a transaction and persists once. */
    tx(fn) {
      db.exec('BEGIN');
      try {
        const out = fn();
        db.exec('COMMIT');
        persist();
        return out;
      } catch (e) {
        db.exec('ROLLBACK');
        throw e;
      }
    },
    close() {
      persist();
      db.close();
    },
  };
}
