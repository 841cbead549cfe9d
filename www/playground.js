// Demo page logic: verify what the user pastes with edgetoken, and make an
// example key and token with WebCrypto (an independent signer).
import { jwtVerify, createLocalJWKSet, decodeProtectedHeader } from 'edgetoken';

const $ = (id) => document.getElementById(id);

function show(kind, status, detail) {
  $('result').className = `result ${kind}`;
  $('status').textContent = status;
  $('detail').textContent = detail;
}

async function verify() {
  const token = $('token').value.trim();
  const options = {};
  if ($('issuer').value.trim()) options.issuer = $('issuer').value.trim();
  if ($('audience').value.trim()) options.audience = $('audience').value.trim();
  const tol = $('tolerance').value.trim();
  if (tol) options.clockTolerance = /^\d+$/.test(tol) ? Number(tol) : tol;
  try {
    const jwks = createLocalJWKSet($('jwks').value.trim());
    const { payload, protectedHeader } = await jwtVerify(token, jwks, options);
    show('ok', 'Verified', JSON.stringify({ protectedHeader, payload }, null, 2));
  } catch (e) {
    const lines = [`code: ${e.code ?? '(none)'}`, `message: ${e.message}`];
    if (e.claim) lines.push(`claim: ${e.claim}`, `reason: ${e.reason}`);
    if (e.payload) lines.push(`payload (signature verified): ${JSON.stringify(e.payload)}`);
    show('error', `Rejected: ${e.code ?? e.name}`, lines.join('\n'));
  }
}

const b64u = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)))
  .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const utf8 = (s) => new TextEncoder().encode(s);

async function example() {
  const { publicKey, privateKey } = await crypto.subtle.generateKey(
    { name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', publicKey);
  const kid = `demo-${Date.now().toString(36)}`;
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'ES256', kid, typ: 'JWT' };
  const claims = {
    iss: 'https://issuer.example', aud: 'demo-api-key', sub: 'user-1', type: 'client_access_token',
    scope: 'access', authentication_method: 'OTP', iat: now, exp: now + 300,
  };
  const input = `${b64u(utf8(JSON.stringify(header)))}.${b64u(utf8(JSON.stringify(claims)))}`;
  const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, utf8(input));
  $('token').value = `${input}.${b64u(sig)}`;
  $('jwks').value = JSON.stringify({ keys: [{ kty, crv, x, y, kid, use: 'sig', alg: 'ES256' }] }, null, 2);
  $('issuer').value = claims.iss;
  $('audience').value = claims.aud;
  show('idle', 'Example ready', `A fresh P-256 key (kid ${kid}) signed this token in your browser. Press Verify.`);
}

function tamper() {
  const parts = $('token').value.trim().split('.');
  if (parts.length !== 3) return show('error', 'Nothing to tamper with', 'Make an example first.');
  try {
    const json = JSON.parse(new TextDecoder().decode(Uint8Array.from(
      atob(parts[1].replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))));
    json.sub = 'admin';
    parts[1] = b64u(utf8(JSON.stringify(json)));
    $('token').value = parts.join('.');
    show('idle', 'Payload changed', `"sub" is now "admin" but the signature is the old one (kid ${decodeProtectedHeader($('token').value).kid}). Press Verify.`);
  } catch (e) {
    show('error', 'Cannot tamper', e.message);
  }
}

$('verify').addEventListener('click', verify);
$('example').addEventListener('click', example);
$('tamper').addEventListener('click', tamper);
document.body.dataset.ready = 'true';
