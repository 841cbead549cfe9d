// Test helpers: fresh ES256 keys and tokens made with WebCrypto and jose,
// never with edgetoken, so every verification is checked against an
// independent signer.
import { SignJWT, exportJWK, generateKeyPair } from 'jose';

const enc = new TextEncoder();
export const b64u = (bytes) => Buffer.from(bytes).toString('base64url');

/** A fresh ES256 key pair with its public JWK (kid set). */
export async function newKey(kid = 'k1') {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  return { kid, publicKey, privateKey, jwk };
}

/** A JWT signed by jose. */
export function joseJwt(key, claims, header = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: key.kid, ...header })
    .sign(key.privateKey);
}

/** Signs exact header and payload texts with WebCrypto (for malformed-but-signed cases). */
export async function signRaw(key, headerText, payloadText) {
  const input = `${b64u(enc.encode(headerText))}.${b64u(enc.encode(payloadText))}`;
  const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, enc.encode(input));
  return `${input}.${b64u(new Uint8Array(sig))}`;
}

export const now = () => Math.floor(Date.now() / 1000);
