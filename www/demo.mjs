// The demo in one process: the local issuer, the backend worker in workerd
// (with D1), and the page, all on 127.0.0.1. Ctrl-C stops everything.
//
//   node www/demo.mjs [--port 8080] [--issuer-port 8790] [--backend-port 8788] [--backend worker|express]
//        [--access-ttl 5] [--data www/data]
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './serve.mjs';
import { startIssuer } from './issuer/server.mjs';
import { startWorker } from './backend/workerd.mjs';

export const API_KEY = 'demo-api-key';
export const OTHER_API_KEY = 'other-app-key';

/**
 * Starts the demo. Ports of 0 pick free ones. Resolves to
 * `{ url, issuer, backendUrl, backend, close }`.
 */
export async function startDemo({ port = 8080, issuerPort = 8790, backendPort = 8788, accessTtl = 3600, dataDir, backendKind = 'worker' } = {}) {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const config = {};
  const page = await startServer({ port, json: { '/config.json': () => config } });
  const issuer = await startIssuer({
    port: issuerPort,
    db: dataDir ? path.join(dataDir, 'issuer.sqlite') : null,
    apiKeys: [API_KEY, OTHER_API_KEY],
    accessTtl,
  });
  const pageOrigin = new URL(page.url).origin;
  let backend;
  let backendUrl;
  let userCount;
  if (backendKind === 'express') {
    // Cotter's backend example in Express, with its users in SQLite
    const { startExpressBackend } = await import('./backend/express.mjs');
    backend = await startExpressBackend({
      port: backendPort, issuer: issuer.url, apiKey: API_KEY, allowedOrigin: pageOrigin,
      dataFile: dataDir ? path.join(dataDir, 'express-users.sqlite') : null,
    });
    backendUrl = backend.url;
    userCount = async () => backend.users.count();
  } else {
    backend = await startWorker(new URL('./backend/worker.mjs', import.meta.url), {
      ISSUER: issuer.url, API_KEY, ALLOWED_ORIGIN: pageOrigin,
    }, {
      host: '127.0.0.1',
      port: backendPort,
      d1Databases: { DB: 'demo-users' },
      d1Persist: dataDir ? path.join(dataDir, 'd1') : false,
    });
    backendUrl = (await backend.ready).toString().replace(/\/$/, '');
    userCount = async () => (await (await backend.getD1Database('DB')).prepare('SELECT COUNT(*) AS n FROM users').first()).n;
  }
  Object.assign(config, {
    issuer: issuer.url,
    apiKey: API_KEY,
    backend: backendUrl,
    // Refresh ahead by a fifth of the lifetime, at most a minute.
    refreshLeeway: Math.min(60, Math.max(1, Math.floor(accessTtl / 5))),
  });
  return {
    url: page.url,
    issuer,
    backendUrl,
    backend,
    /** How many users the backend has registered. */
    userCount,
    async close() {
      await (backendKind === 'express' ? backend.close() : backend.dispose());
      await issuer.close();
      await page.close();
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const demo = await startDemo({
    port: Number(arg('--port', 8080)),
    issuerPort: Number(arg('--issuer-port', 8790)),
    backendPort: Number(arg('--backend-port', 8788)),
    backendKind: arg('--backend', 'worker'),
    accessTtl: Number(arg('--access-ttl', 3600)),
    dataDir: arg('--data', fileURLToPath(new URL('./data', import.meta.url))),
  });
  console.log(`
  edgetoken demo
    open the page:    ${demo.url}
    dev mailbox:      ${demo.issuer.url}/mailbox   (sign-in codes and magic links appear here)
    local issuer:     ${demo.issuer.url}   (API key ${API_KEY})
    backend (${arg('--backend', 'worker') === 'express' ? 'Express' : 'workerd'}): ${demo.backendUrl}
    token playground: ${demo.url}playground.html
  Ctrl-C stops everything.
`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    demo.close().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
