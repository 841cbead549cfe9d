// The demo in one process: the local issuer, the backend worker in workerd
// (with D1), and the page, all on 127.0.0.1. Ctrl-C stops everything.
//
//   node www/demo.mjs [--port 8080] [--issuer-port 8790] [--backend-port 8788] [--access-ttl 5] [--data www/data]
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
export async function startDemo({ port = 8080, issuerPort = 8790, backendPort = 8788, accessTtl = 3600, dataDir } = {}) {
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
  const backend = await startWorker(new URL('./backend/worker.mjs', import.meta.url), {
    ISSUER: issuer.url, API_KEY, ALLOWED_ORIGIN: pageOrigin,
  }, {
    host: '127.0.0.1',
    port: backendPort,
    d1Databases: { DB: 'demo-users' },
    d1Persist: dataDir ? path.join(dataDir, 'd1') : false,
  });
  const backendUrl = (await backend.ready).toString().replace(/\/$/, '');
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
    async close() {
      await backend.dispose();
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
    accessTtl: Number(arg('--access-ttl', 3600)),
    dataDir: arg('--data', fileURLToPath(new URL('./data', import.meta.url))),
  });
  console.log(`
  edgetoken demo
    open the page:    ${demo.url}
    dev mailbox:      ${demo.issuer.url}/mailbox   (sign-in codes and magic links appear here)
    local issuer:     ${demo.issuer.url}   (API key ${API_KEY})
    backend (workerd): ${demo.backendUrl}
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
