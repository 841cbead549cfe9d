// A real JWKS server on 127.0.0.1 for tests: counts requests per path and
// misbehaves on demand (hang, error status, huge or invalid bodies,
// redirects). Sends CORS headers so a page on another origin can fetch.
import http from 'node:http';

export async function startJwksServer() {
  const counts = new Map();
  const state = {
    jwks: { keys: [] },
    mode: 'ok', // ok | hang | status | big | big-declared | badjson | empty | html | redirect-cross | redirect-same
    status: 500,
    cacheControl: undefined,
    delayMs: 0,
    retryAfter: undefined, // a Retry-After for mode 'status'
    lastHeaders: undefined,
    discovery: undefined,
  };
  const hanging = new Set();
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const cors = { 'access-control-allow-origin': '*' };
    const json = (status, body, extra = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...cors, ...extra });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (path === '/.well-known/openid-configuration') return json(200, state.discovery);
    if (path === '/moved') return json(200, state.jwks);
    if (path !== '/jwks') return json(404, { error: 'not found' });
    state.lastHeaders = req.headers;
    const respond = () => {
      const cc = state.cacheControl ? { 'cache-control': state.cacheControl } : {};
      switch (state.mode) {
        case 'hang': hanging.add(res); return undefined;
        case 'status': return json(state.status, { msg: 'unavailable' }, state.retryAfter ? { 'retry-after': state.retryAfter } : {});
        case 'big': {
          res.writeHead(200, { 'content-type': 'application/json', ...cors });
          const chunk = Buffer.alloc(64 * 1024, 0x20);
          for (let i = 0; i < 80; i += 1) res.write(chunk); // 5 MiB, no Content-Length
          return res.end('{}');
        }
        case 'big-declared': {
          const body = Buffer.alloc(5 * 1024 * 1024, 0x20);
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length, ...cors });
          return res.end(body);
        }
        case 'badjson': return json(200, '{"keys": [', cc);
        case 'empty': return json(200, { keys: [] }, cc);
        case 'html': res.writeHead(200, { 'content-type': 'text/html', ...cors }); return res.end('<h1>Login</h1>');
        case 'redirect-cross':
          res.writeHead(302, { location: `http://localhost:${server.address().port}/moved`, ...cors });
          return res.end();
        case 'redirect-same':
          res.writeHead(302, { location: '/moved', ...cors });
          return res.end();
        default: return json(200, state.jwks, cc);
      }
    };
    if (state.delayMs) setTimeout(respond, state.delayMs);
    else respond();
    return undefined;
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    base,
    url: `${base}/jwks`,
    state,
    count: (path = '/jwks') => counts.get(path) ?? 0,
    reset() { counts.clear(); },
    /** Serves `jwks` normally again (no fault, no delay, `cacheControl`), with the counts reset. */
    serve(jwks, cacheControl = undefined) {
      Object.assign(state, { mode: 'ok', jwks, cacheControl, delayMs: 0, retryAfter: undefined });
      counts.clear();
    },
    close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
