// Bearer tokens in requests (RFC 6750): reading them, and answering a
// request whose token failed.
import { BearerTokenMalformed, BearerTokenMissing, OptionsInvalid } from './errors.js';

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * `verifyRequest` over a `jwtVerify`: reads `Authorization: Bearer <token>`
 * from a Fetch `Request` (workers, browsers) or a Node `IncomingMessage`,
 * and verifies the token. Resolves to `{ payload, protectedHeader, token }`;
 * rejects with `BearerTokenMissing`, `BearerTokenMalformed` or a
 * verification error.
 */
export const verifyRequestWith = (jwtVerify) => async function verifyRequest(request, keySet, options) {
  const headers = request?.headers;
  const value = typeof headers?.get === 'function' ? headers.get('authorization') : headers?.authorization;
  if (typeof value !== 'string' || !/^Bearer(\s|$)/i.test(value)) {
    throw new BearerTokenMissing('the request has no Authorization: Bearer token');
  }
  const m = BEARER.exec(value);
  if (!m) throw new BearerTokenMalformed('the Authorization: Bearer value is not a token');
  const { payload, protectedHeader } = await jwtVerify(m[1], keySet, options);
  return { payload, protectedHeader, token: m[1] };
};

const quoted = (s) => `"${String(s).replace(/[\\"]/g, '\\$&')}"`;

/**
 * The answer to a request whose token failed `verifyRequest`: a JSON
 * `Response` `{ error: code }` with RFC 6750's `WWW-Authenticate`. A missing
 * token gets 401 with no error (§3.1), a malformed one 400
 * `invalid_request`, any other failure 401 `invalid_token`. The description
 * never says more than "expired" or "invalid".
 */
export function unauthorized(error, { realm } = {}) {
  const code = typeof error?.code === 'string' ? error.code : 'ERR_JOSE_GENERIC';
  // a realm is a quoted-string: printable ASCII (and tabs), never a header break
  if (realm !== undefined && (typeof realm !== 'string' || !/^[\t\x20-\x7e]*$/.test(realm))) {
    throw new OptionsInvalid('realm must be a string of printable ASCII');
  }
  const params = realm === undefined ? [] : [`realm=${quoted(realm)}`];
  let status = 401;
  if (code === 'ERR_BEARER_TOKEN_MALFORMED') {
    status = 400;
    params.push('error="invalid_request"');
  } else if (code !== 'ERR_BEARER_TOKEN_MISSING') {
    params.push('error="invalid_token"', `error_description=${quoted(code === 'ERR_JWT_EXPIRED' ? 'The access token expired' : 'The access token is invalid')}`);
  }
  return new Response(JSON.stringify({ error: code }), {
    status,
    headers: {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'www-authenticate': params.length ? `Bearer ${params.join(', ')}` : 'Bearer',
    },
  });
}
