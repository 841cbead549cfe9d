// The demo end to end in headless Chromium with Cotter's backend example in
// Express (www/backend/express.mjs: a real Express, users in SQLite)
// instead of the worker: the same suite, the same answers.
process.env.DEMO_BACKEND = 'express';
await import('./demo.test.mjs');
