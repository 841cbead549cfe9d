// The README's browser sign-in snippet, as written, in headless Chromium:
// a page runs it as its module script; Cotter's hosts (www.cotter.app and
// js.cotter.app) are answered by the local issuer through Playwright
// routes; a user signs in by magic link; back on the page, the snippet
// completes the sign-in and posts Cotter's auth payload to /login.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer } from '../../www/serve.mjs';
import { startIssuer } from '../../www/issuer/server.mjs';
import { launch, routeCotter } from '../support/browser.mjs';
import { block, repo } from '../support/docs.mjs';

const API_KEY_ID = 'snippet-key';
const dir = mkdtempSync(path.join(tmpdir(), 'snippet-page-'));
let iss;
let server;
let browser;

before(async () => {
  const snippet = block('js', "import { createSession, cotter, oidc, isSignInCallback } from 'edgetoken';");
  writeFileSync(path.join(dir, 'snippet.js'), snippet);
  writeFileSync(path.join(dir, 'index.html'), `<!doctype html><meta charset="utf-8">
<script type="importmap">{ "imports": { "edgetoken": "/pkg/browser.js" } }</script>
<button id="signin">Sign in</button>
<script>window.API_KEY_ID = ${JSON.stringify(API_KEY_ID)}; window.signInButton = document.getElementById('signin');</script>
<script type="module" src="/snippet.js"></script>`);
  [iss, server, browser] = await Promise.all([
    startIssuer({ apiKeys: [API_KEY_ID], issuer: 'https://www.cotter.app' }),
    startServer({ mounts: [['/pkg/', path.join(repo, 'pkg')], ['/', dir]] }),
    launch(),
  ]);
});
after(async () => {
  await browser?.close();
  await Promise.all([iss?.close(), server?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

test('the browser sign-in snippet signs a user in and hands the auth payload to the backend', async () => {
  const context = await browser.newContext();
  try {
    // Cotter's API and sign-in page, answered by the local issuer
    await routeCotter(context, iss.url);
    const logins = [];
    await context.route(`${server.url}login`, async (route) => {
      logins.push(JSON.parse(route.request().postData()));
      await route.fulfill({ status: 200, contentType: 'application/json', body: '{}' });
    });
    const page = await context.newPage();
    await page.goto(server.url);
    // (the module runs once edgetoken's wasm is compiled, which may be after load)
    await page.waitForFunction(() => typeof window.signInButton.onclick === 'function');
    await page.click('#signin'); // the snippet's signInWithRedirect
    await page.waitForURL(/js\.cotter\.app\/app/);
    await page.fill('#identifier', 'snippet-page@example.com');
    await page.click('button[type=submit]');
    await page.waitForSelector('text=Check your mailbox'); // the snippet asks for a magic link
    const [mail] = await (await fetch(`${iss.url}/mailbox.json?to=snippet-page%40example.com`)).json();
    await page.goto(mail.link);
    await page.waitForURL((u) => u.origin === new URL(server.url).origin);
    await page.waitForFunction(() => !location.search); // handleRedirectCallback cleaned the address bar
    for (let i = 0; i < 100 && logins.length === 0; i += 1) await new Promise((r) => setTimeout(r, 50));
    assert.equal(logins.length, 1, 'the snippet posted the payload to /login');
    assert.equal(logins[0].email, 'snippet-page@example.com');
    assert.equal(typeof logins[0].oauth_token.access_token, 'string');
    assert.equal(logins[0].user.identifier, 'snippet-page@example.com');
  } finally {
    await context.close();
  }
});
