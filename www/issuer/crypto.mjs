// The issuer's cryptography, all WebCrypto: ES256 keys and JWTs, PKCE,
// random tokens. Deliberately independent of edgetoken, so every token the
// library verifies in tests comes from another implementation.
const { subtle } = globalThis.crypto;
const enc = new TextEncoder();

export const b64u = (bytes) => Buffer.from(bytes).toString('base64url');
export const randomToken = (n = 32) => b64u(crypto.getRandomValues(new Uint8Array(n)));
export const randomDigits = (n) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => String(b % 10)).join('');

/** A new P-256 signing key as `{ kid, privateJwk, publicJwk }`. */
export async function newSigningKey() {
  const { privateKey, publicKey } = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const kid = `SPACE_JWT_PUBLIC:${crypto.randomUUID().toUpperCase()}`;
  const { kty, crv, x, y } = await subtle.exportKey('jwk', publicKey);
  return {
    kid,
    privateJwk: await subtle.exportKey('jwk', privateKey),
    publicJwk: { kty, crv, x, y, kid, use: 'sig', alg: 'ES256' },
  };
}

const imported = new Map();

/** Signs `claims` as an ES256 JWT with the private JWK. */
export async function signJwt(privateJwk, kid, claims) {
  let key = imported.get(kid);
  if (!key) {
    key = await subtle.importKey('jwk', privateJwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    imported.set(kid, key);
  }
  const header = { alg: 'ES256', kid, typ: 'JWT' };
  const input = `${b64u(enc.encode(JSON.stringify(header)))}.${b64u(enc.encode(JSON.stringify(claims)))}`;
  const sig = await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, enc.encode(input));
  return `${input}.${b64u(new Uint8Array(sig))}`;
}

/** RFC 7636 S256: BASE64URL(SHA-256(ASCII(code_verifier))). */
export async function pkceChallenge(verifier) {
  return b64u(new Uint8Array(await subtle.digest('SHA-256', enc.encode(verifier))));
}

/** A verifier is 43–128 characters of [A-Za-z0-9-._~] (RFC 7636 §4.1). */
export const validVerifier = (v) => typeof v === 'string' && /^[A-Za-z0-9\-._~]{43,128}$/.test(v);
