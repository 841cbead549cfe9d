// A Cloudflare-style worker that validates a bearer token against a remote
// JWKS with edgetoken. The key set lives in module scope, shared by every
// request this isolate serves.
import { createRemoteJWKSet, jwtVerify } from 'edgetoken';

let JWKS;

export default {
  async fetch(request, env) {
    JWKS ??= createRemoteJWKSet(env.JWKS_URL, {
      timeoutDuration: Number(env.TIMEOUT_MS ?? 5000),
      cooldownDuration: Number(env.COOLDOWN_MS ?? 30000),
    });
    const url = new URL(request.url);
    if (url.pathname === '/state') return Response.json(JWKS.state);
    const auth = request.headers.get('authorization') ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    try {
      const { payload } = await jwtVerify(token, JWKS, { audience: env.AUDIENCE });
      return Response.json({ sub: payload.sub });
    } catch (e) {
      return Response.json({ code: e.code ?? 'ERR_UNKNOWN' }, { status: 401 });
    }
  },
};
