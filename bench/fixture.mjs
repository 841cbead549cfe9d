// Keys and tokens for the benchmark, made with jose: a Cotter-like access
// token (typical claims and size) signed by a fresh P-256 key.
import { SignJWT, exportJWK, generateKeyPair } from 'jose';

export async function makeFixture({ fresh = 5000, warm = 1000 } = {}) {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = 'SPACE_JWT_PUBLIC:8028AAA3-EC2D-4BAA-BE7A-7C8359CCB9F9';
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'ES256' }] };
  const issuer = 'https://www.cotter.app';
  const audience = 'b3f0a5e2-1234-4c5d-9e8f-000000000001';
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const make = (i) => new SignJWT({
    client_user_id: `c1e3d1a2-0000-4000-8000-${String(i).padStart(12, '0')}`, authentication_method: 'OTP',
    type: 'client_access_token', scope: 'access', identifier: `user${i}@example.com`,
  }).setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' }).setIssuer(issuer).setAudience(audience)
    .setSubject(`c1e3d1a2-0000-4000-8000-${String(i).padStart(12, '0')}`).setJti(crypto.randomUUID())
    .setIssuedAt().setExpirationTime(exp).sign(privateKey);
  const tokens = await Promise.all(Array.from({ length: fresh + warm }, (_, i) => make(i)));
  return { jwks, issuer, audience, warm: tokens.slice(0, warm), fresh: tokens.slice(warm) };
}
