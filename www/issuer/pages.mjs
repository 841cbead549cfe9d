// HTML of the local issuer: the passwordless login page, the OTP form and
// the dev mailbox. Every value is escaped.
const esc = (v) => String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

const STYLE = `
body{margin:0;font:15px/1.5 system-ui,sans-serif;background:#f4f1ff;color:#1d1a2e}
main{max-width:420px;margin:48px auto;background:#fff;border-radius:12px;padding:28px;box-shadow:0 4px 24px #0001}
h1{font-size:22px;margin:0 0 6px}p{color:#4b4766}label{display:block;font-weight:600;margin:14px 0 4px}
input{width:100%;box-sizing:border-box;font:inherit;padding:10px;border:1px solid #c9c3e6;border-radius:8px}
button{margin-top:16px;width:100%;font:inherit;padding:10px;border:0;border-radius:8px;background:#5b3df5;color:#fff;cursor:pointer}
.err{color:#b3261e;background:#fdecea;border-radius:8px;padding:8px 10px}.dev{font-size:13px;margin-top:18px}
table{width:100%;border-collapse:collapse;font-size:14px}td,th{text-align:left;padding:6px;border-bottom:1px solid #eee}
code{font-size:13px;word-break:break-all}
main.wide{max-width:760px}td.to{word-break:break-all}td.what,td.at{white-space:nowrap}td.what code{word-break:normal}`;

const page = (title, body, cls = '') => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>
<style>${STYLE}</style></head><body><main${cls ? ` class="${cls}"` : ''}>${body}</main></body></html>`;

const hidden = (q, names) => names.map((n) => `<input type="hidden" name="${n}" value="${esc(q[n])}">`).join('');

/** The sign-in page for `/app?api_key=…&redirect_url=…&state=…&code_challenge=…&type=…&auth_method=…`. */
export function loginPage(q, error) {
  const phone = q.type === 'PHONE';
  return page('Sign in', `<h1>Sign in</h1>
<p>Passwordless: we send a ${q.auth_method === 'MAGIC_LINK' ? 'magic link' : 'one-time code'} to your ${phone ? 'phone' : 'email'}.</p>
${error ? `<p class="err" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/app/start">
${hidden(q, ['api_key', 'redirect_url', 'state', 'code_challenge', 'type', 'auth_method', 'nonce', 'profile'])}
<label for="identifier">${phone ? 'Phone number' : 'Email'}</label>
<input id="identifier" name="identifier" ${phone ? 'type="tel" placeholder="+15555550100"' : 'type="email" placeholder="you@example.com"'} value="${esc(q.identifier)}" required autofocus>
<button type="submit">Continue</button></form>
<p class="dev">Local issuer: nothing is sent. Codes and links appear in the <a href="/mailbox">dev mailbox</a>.</p>`);
}

/** The one-time code form of a started sign-in. */
export function otpPage(ch, error) {
  return page('Enter your code', `<h1>Enter your code</h1>
<p>We sent a 6-digit code to ${esc(ch.identifier)}.</p>
${error ? `<p class="err" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/app/verify"><input type="hidden" name="challenge_id" value="${esc(ch.id)}">
<label for="otp">Code</label><input id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required autofocus>
<button type="submit">Sign in</button></form>
<p class="dev">Find the code in the <a href="/mailbox" target="_blank">dev mailbox</a>.</p>`);
}

/** A one-message page. `html` is trusted markup written by the issuer. */
export function messagePage(title, html) {
  return page(title, `<h1>${esc(title)}</h1><p>${html}</p>`);
}

/** The dev mailbox: every code and link the issuer "sent". */
export function mailboxPage(rows) {
  // (a long address wraps in its own cell; the code and the time never do)
  const list = rows.map((r) => `<tr><td class="to">${esc(r.to_addr)}</td><td class="what">${r.otp ? `<code class="otp">${esc(r.otp)}</code>` : ''}
${r.link ? `<a class="magic" href="${esc(r.link)}">open magic link</a>` : ''}</td><td class="at">${esc(new Date(r.created_at * 1000).toISOString().replace('T', ' ').slice(0, 19))}</td></tr>`).join('');
  return page('Dev mailbox', `<h1>Dev mailbox</h1><p>What the local issuer would have sent. Newest first.</p>
<table><thead><tr><th>To</th><th>Code / link</th><th>At</th></tr></thead><tbody>${list || '<tr><td colspan="3">Nothing yet.</td></tr>'}</tbody></table>`, 'wide');
}
