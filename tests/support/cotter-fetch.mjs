// Preloaded (`node --import`) into a process a test starts: its fetch of
// Cotter's hosts (https://www.cotter.app, https://js.cotter.app) goes to
// the local issuer at $LOCAL_COTTER instead.
const real = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const url = typeof input === 'string' || input instanceof URL ? String(input) : input.url;
  const local = url.replace(/^https:\/\/(www|js)\.cotter\.app/, process.env.LOCAL_COTTER);
  return input instanceof Request ? real(new Request(local, input), init) : real(local, init);
};
