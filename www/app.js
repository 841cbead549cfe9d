// The demo page: Cotter's sign-in flow (PKCE redirect to the issuer's login
// page, then the code exchange), an edgetoken session that keeps the tokens
// fresh, and calls to the backend worker with the access token.
import { createSession, cotter } from 'edgetoken';

const $ = (id) => document.getElementById(id);
const config = await (await fetch('/config.json')).json();
const provider = cotter({ apiKeyId: config.apiKey, baseUrl: config.issuer });
const session = createSession({ provider, storage: 'sessionStorage', refreshLeeway: config.refreshLeeway });
let refreshes = 0;
let timer = null;

const b64u = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const log = (text) => {
  const li = document.createElement('li');
  li.textContent = `${new Date().toLocaleTimeString()}  ${text}`;
  $('events').prepend(li);
};

function showError(e) {
  $('error').hidden = false;
  $('error-code').textContent = e.code ?? e.name ?? 'Error';
  $('error-detail').textContent = [e.message, e.claim && `claim: ${e.claim} (${e.reason})`, e.status && `HTTP ${e.status}`]
    .filter(Boolean).join('\n');
}
const clearError = () => { $('error').hidden = true; };

session.addEventListener('tokens', (e) => {
  if (e.detail.source === 'refresh' || e.detail.source === 'other_tab') refreshes += 1;
  $('refreshes').textContent = String(refreshes);
  log(`tokens (${e.detail.source})`);
});
session.addEventListener('refresh_failed', (e) => { log(`refresh_failed: ${e.detail.error.code}`); showError(e.detail.error); });
session.addEventListener('signed_out', (e) => { log(`signed_out (${e.detail.reason})`); render(); });
session.addEventListener('storage_corrupt', () => log('storage_corrupt: the stored session was discarded'));

// Starts Cotter's sign-in: PKCE verifier and state kept for the callback.
async function startSignIn() {
  const verifier = b64u(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = b64u(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const state = b64u(crypto.getRandomValues(new Uint8Array(16)));
  const type = document.querySelector('input[name=type]:checked').value;
  const method = document.querySelector('input[name=method]:checked').value;
  sessionStorage.setItem('demo.pkce', JSON.stringify({ verifier, state, type }));
  const url = new URL('/app', config.issuer);
  const redirect = new URL('/', location.href).toString();
  for (const [k, v] of Object.entries({ api_key: config.apiKey, redirect_url: redirect, state, code_challenge: challenge, type, auth_method: method })) {
    url.searchParams.set(k, v);
  }
  location.assign(url);
}

// The issuer redirected back with ?code&state&challenge_id: exchange the code.
async function finishSignIn(params) {
  const saved = JSON.parse(sessionStorage.getItem('demo.pkce') ?? 'null');
  sessionStorage.removeItem('demo.pkce');
  history.replaceState(null, '', '/');
  if (params.get('error')) throw Object.assign(new Error(params.get('error')), { code: 'ERR_SIGN_IN' });
  if (!saved || saved.state !== params.get('state')) throw Object.assign(new Error('the state does not match this sign-in'), { code: 'ERR_STATE_MISMATCH' });
  const res = await fetch(`${config.issuer}/api/v0/verify/get_identity?oauth_token=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', API_KEY_ID: config.apiKey },
    body: JSON.stringify({ code_verifier: saved.verifier, authorization_code: params.get('code'),
      challenge_id: Number(params.get('challenge_id')), redirect_url: new URL('/', location.href).toString() }),
  });
  const body = await res.json();
  if (!res.ok) throw Object.assign(new Error(body.msg), { code: 'ERR_CODE_EXCHANGE', status: res.status });
  // The auth payload of Cotter's docs.
  const payload = { [saved.type === 'PHONE' ? 'phone' : 'email']: body.user.identifier, oauth_token: body.oauth_token, user: body.user };
  await session.setTokens(payload);
  const login = await fetch(`${config.backend}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
  const answer = await login.json();
  if (!login.ok) throw Object.assign(new Error('the backend refused the sign-in'), { code: answer.error, status: login.status });
  sessionStorage.setItem('demo.login', JSON.stringify(answer));
  log(`backend /login: ${answer.created ? 'created' : 'found'} user #${answer.user.id}`);
}

async function callApi() {
  try {
    const token = await session.getAccessToken();
    const res = await fetch(`${config.backend}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    const body = await res.json();
    $('api').textContent = JSON.stringify(body, null, 2);
    $('api').dataset.status = String(res.status);
    if (!res.ok) showError({ code: body.error, message: 'the backend refused the token', status: res.status });
    else clearError();
  } catch (e) {
    $('api').dataset.status = 'error';
    showError(e);
  }
}

async function render() {
  const claims = await session.getIdTokenClaims(); // also loads a stored session
  const tokens = session.tokens;
  $('signin').hidden = Boolean(tokens);
  $('account').hidden = !tokens;
  document.body.dataset.state = tokens ? 'signed-in' : 'signed-out';
  if (!tokens) {
    clearInterval(timer);
    $('auto').checked = false;
    return;
  }
  $('claims').textContent = JSON.stringify(claims, null, 2);
  $('welcome').textContent = `Signed in as ${claims.identifier}`;
  const login = JSON.parse(sessionStorage.getItem('demo.login') ?? 'null');
  $('backend-login').textContent = login
    ? `The backend ${login.created ? 'created a new user' : 'found the existing user'} #${login.user.id} (created: ${login.created}).`
    : '';
  $('backend-login').dataset.created = String(login?.created);
}

setInterval(() => {
  const t = session.tokens;
  if (t) $('expires').textContent = `${Math.max(0, Math.round((t.expires_at - Date.now()) / 1000))} s`;
}, 250);

$('mailbox').href = `${config.issuer}/mailbox`;
$('start').addEventListener('click', () => startSignIn().catch(showError));
$('call').addEventListener('click', callApi);
$('auto').addEventListener('change', (e) => {
  clearInterval(timer);
  if (e.target.checked) timer = setInterval(callApi, 1000);
});
$('refresh').addEventListener('click', () => session.refresh().then(clearError, showError));
$('logout').addEventListener('click', async () => {
  await session.logout();
  sessionStorage.removeItem('demo.login');
  $('api').textContent = '';
  render();
});

const params = new URLSearchParams(location.search);
try {
  if (params.has('code') || params.has('error')) await finishSignIn(params);
} catch (e) {
  showError(e);
}
await render();
if (session.tokens) await callApi();
document.body.dataset.ready = 'true';
