// The demo page: Cotter's sign-in flow through edgetoken (a redirect to the
// issuer's login page, then the callback: PKCE, state and the code exchange
// are the library's), an edgetoken session that keeps the tokens fresh, and
// calls to the backend worker with the access token.
import { createSession, cotter, isSignInCallback } from 'edgetoken';

const $ = (id) => document.getElementById(id);
const config = await (await fetch('/config.json')).json();
const provider = cotter({ apiKeyId: config.apiKey, baseUrl: config.issuer });
const session = createSession({ provider, storage: 'sessionStorage', refreshLeeway: config.refreshLeeway });
let refreshes = 0;
let timer = null;

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
  if (e.detail.source === 'refresh') refreshes += 1;
  $('refreshes').textContent = String(refreshes);
  log(`tokens (${e.detail.source})`);
  // signed in from another tab (a magic link opened there): show it here too
  if (e.detail.source === 'other_tab' && $('account').hidden) render();
});
session.addEventListener('refresh_failed', (e) => { log(`refresh_failed: ${e.detail.error.code}`); showError(e.detail.error); });
session.addEventListener('signed_out', (e) => { log(`signed_out (${e.detail.reason})`); render(); });
session.addEventListener('storage_corrupt', () => log('storage_corrupt: the stored session was discarded'));

// Starts Cotter's sign-in: edgetoken keeps the pending sign-in (for any
// tab of this origin: a magic link may open in another) and redirects.
function startSignIn() {
  const type = document.querySelector('input[name=type]:checked').value;
  const authMethod = document.querySelector('input[name=method]:checked').value;
  return session.signInWithRedirect({ redirectUri: new URL('/', location.href).href, type, authMethod });
}

// The issuer redirected back here: edgetoken checks the state, exchanges
// the code and starts the session; the page forwards Cotter's auth payload
// to its backend, as Cotter's docs show.
async function finishSignIn() {
  const { payload } = await session.handleRedirectCallback();
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
  showExpiry(); // at once, not a tick later
  $('claims').textContent = JSON.stringify(claims, null, 2);
  $('welcome').textContent = `Signed in as ${claims.identifier}`;
  const login = JSON.parse(sessionStorage.getItem('demo.login') ?? 'null');
  $('backend-login').textContent = login
    ? `The backend ${login.created ? 'created a new user' : 'found the existing user'} #${login.user.id} (created: ${login.created}).`
    : '';
  $('backend-login').dataset.created = String(login?.created);
}

function showExpiry() {
  const t = session.tokens;
  if (t) $('expires').textContent = `${Math.max(0, Math.round((t.expires_at - Date.now()) / 1000))} s`;
}
setInterval(showExpiry, 250);

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

try {
  if (isSignInCallback(location.href)) await finishSignIn();
} catch (e) {
  showError(e);
}
await render();
if (session.tokens) await callApi();
document.body.dataset.ready = 'true';
