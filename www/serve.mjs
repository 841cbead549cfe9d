// A small static server for the demo and the browser tests: serves www/ at /
// and the built package (pkg/) at /pkg/, on 127.0.0.1 only.
import http from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.wasm': 'application/wasm', '.png': 'image/png',
  '.svg': 'image/svg+xml', '.ts': 'text/plain; charset=utf-8', '.md': 'text/plain; charset=utf-8',
};

/** Default mounts: URL prefix → directory. */
export const defaultMounts = [
  ['/pkg/', path.join(here, '..', 'pkg')],
  ['/', here],
];

async function resolveFile(mounts, urlPath, index) {
  for (const [prefix, dir] of mounts) {
    if (!urlPath.startsWith(prefix)) continue;
    const rel = decodeURIComponent(urlPath.slice(prefix.length)) || index;
    const file = path.resolve(dir, rel);
    if (file !== dir && !file.startsWith(dir + path.sep)) return null;
    try {
      const s = await stat(file);
      if (s.isFile()) return file;
      if (s.isDirectory()) {
        const index = path.join(file, 'index.html');
        if ((await stat(index)).isFile()) return index;
      }
    } catch {
      // not in this mount; try the next
    }
  }
  return null;
}

/**
 * Starts the server; resolves to `{ url, close }`. Port 0 picks a free port.
 * `json` maps paths to functions whose result is served as JSON (the
 * demo's /config.json); `index` is the page served at `/`.
 */
export function startServer({ port = 0, host = '127.0.0.1', mounts = defaultMounts, json = {}, index = 'index.html' } = {}) {
  const server = http.createServer(async (req, res) => {
    const dynamic = json[new URL(req.url, 'http://x').pathname];
    if (dynamic && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(dynamic()));
      return;
    }
    let file = null;
    try {
      file = await resolveFile(mounts, new URL(req.url, 'http://x').pathname, index);
    } catch {
      file = null;
    }
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(file ? 405 : 404, { 'content-type': 'text/plain' }).end(file ? 'method not allowed' : 'not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolve({
        url: `http://${host}:${actual}/`,
        close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
      });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port');
  const port = Number(i > 0 ? process.argv[i + 1] : process.env.PORT ?? 8080);
  // (the demo page needs the demo's issuer and backend: here, the playground is the page)
  const { url, close } = await startServer({ port, index: 'playground.html' });
  console.log(`edgetoken playground: open ${url}  (Ctrl-C stops it)`);
  const stop = () => close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
