// A worker that keeps one edgetoken session (module scope) against the
// local issuer: POST /start with a sign-in payload, GET /token for a valid
// access token (refreshed when expired).
import { createSession, cotter } from 'edgetoken';

let session;

export default {
  async fetch(request, env) {
    session ??= createSession({ provider: cotter({ apiKeyId: env.API_KEY, baseUrl: env.ISSUER }), refreshLeeway: 0 });
    const { pathname } = new URL(request.url);
    try {
      if (pathname === '/start') {
        await session.setTokens(await request.json());
        return Response.json({ ok: true });
      }
      if (pathname === '/token') return Response.json({ token: await session.getAccessToken() });
      return new Response('not found', { status: 404 });
    } catch (e) {
      return Response.json({ code: e.code ?? String(e) }, { status: 400 });
    }
  },
};
