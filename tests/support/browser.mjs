// Launches the system Chromium (Debian's /usr/bin/chromium) headless through
// playwright-core. Never downloads a browser.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Answers Cotter's hosts (its API and its sign-in page) in `context` from the local issuer at `issuerUrl`. */
export function routeCotter(context, issuerUrl) {
  return context.route(/^https:\/\/(www|js)\.cotter\.app\//, async (route) => {
    const url = new URL(route.request().url());
    await route.fulfill({ response: await route.fetch({ url: `${issuerUrl}${url.pathname}${url.search}`, maxRedirects: 0 }) });
  });
}
