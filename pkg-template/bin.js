#!/usr/bin/env node
// `npx edgetoken …`: the CLI login of Cotter's Python SDK and its token
// file, and verifying or decoding a token, from the shell. Exit codes: 0
// done, 1 failed (the error's code is printed), 2 usage, 3 not signed in
// (no token file, or not edgetoken's), 4 the sign-in timed out or was
// cancelled.
import { homedir } from 'node:os';
import path from 'node:path';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import {
  cotter, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, discover, getTokenFromFile, jwtVerify, login, oidc,
} from './node.mjs';

const HELP = `edgetoken: sign in, keep tokens fresh, verify ES256 tokens

Usage:
  edgetoken login  (--api-key ID [--base-url URL] | --issuer URL --client-id ID)
                   [--email | --phone] [--link | --otp] [--port N] [--token-file PATH] [--no-open] [--timeout SECONDS]
  edgetoken token  [--token-file PATH] [--api-key ID [--base-url URL] | --issuer URL --client-id ID]
  edgetoken verify TOKEN (--jwks URL | --issuer URL) [--audience AUD] [--iss ISSUER]
  edgetoken decode TOKEN
  edgetoken --help

login    opens the browser at the sign-in page (and prints the link), waits for the
         redirect to http://127.0.0.1:PORT, and writes the verified tokens to the token
         file (mode 0600). Cotter: --api-key (and --base-url for another issuer);
         OpenID Connect: --issuer and --client-id.
token    prints a valid access token, refreshing it first when needed:
           curl -H "authorization: Bearer $(npx edgetoken token)" https://api.example/
verify   verifies TOKEN against a JWKS URL (or an issuer's, by discovery); prints its claims.
decode   prints TOKEN's header and claims without verifying anything.

The token file is ${'$'}XDG_CONFIG_HOME/edgetoken/tokens.json (~/.config/…) unless --token-file says;
login remembers the provider next to it, so token needs no flags.
Exit codes: 0 done, 1 failed, 2 usage, 3 not signed in, 4 sign-in timed out or cancelled.`;

class Usage extends Error {}

function parse(argv) {
  const flags = {};
  const args = [];
  const takes = new Set(['--api-key', '--base-url', '--issuer', '--client-id', '--port', '--token-file', '--timeout', '--jwks', '--audience', '--iss']);
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (takes.has(a)) {
      if (i + 1 >= argv.length) throw new Usage(`${a} needs a value`);
      flags[a.slice(2)] = argv[(i += 1)];
    } else if (['--email', '--phone', '--link', '--otp', '--no-open', '--help', '-h'].includes(a)) {
      flags[a.replace(/^-+/, '')] = true;
    } else if (a.startsWith('-')) {
      throw new Usage(`unknown option ${a}`);
    } else {
      args.push(a);
    }
  }
  return { flags, args };
}

const defaultTokenFile = () => path.join(process.env.XDG_CONFIG_HOME || path.join(homedir(), '.config'), 'edgetoken', 'tokens.json');
const configFile = (tokenFile) => `${tokenFile}.provider.json`;

// The provider the flags name, or the one login remembered.
async function providerOf(flags, tokenFile) {
  let spec;
  if (flags['api-key']) spec = { type: 'cotter', apiKeyId: flags['api-key'], baseUrl: flags['base-url'] };
  else if (flags.issuer && flags['client-id']) spec = { type: 'oidc', issuer: flags.issuer, clientId: flags['client-id'] };
  else if (tokenFile) {
    try {
      spec = JSON.parse(readFileSync(configFile(tokenFile), 'utf8'));
    } catch {
      throw new Usage('give --api-key (Cotter) or --issuer and --client-id (OpenID Connect), or log in first');
    }
  } else {
    throw new Usage('give --api-key (Cotter) or --issuer and --client-id (OpenID Connect)');
  }
  const provider = spec.type === 'cotter'
    ? cotter({ apiKeyId: spec.apiKeyId, ...(spec.baseUrl ? { baseUrl: spec.baseUrl } : {}) })
    : await oidc({ issuer: spec.issuer, clientId: spec.clientId });
  return { provider, spec };
}

async function main(argv) {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${HELP}\n`);
    return command ? 0 : 2;
  }
  const { flags, args } = parse(rest);
  if (flags.help || flags.h) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const tokenFile = path.resolve(flags['token-file'] ?? defaultTokenFile());
  switch (command) {
    case 'login': {
      const { provider, spec } = await providerOf(flags, undefined);
      const port = flags.port === undefined ? 0 : Number(flags.port);
      const timeout = flags.timeout === undefined ? 300_000 : Number(flags.timeout) * 1000;
      mkdirSync(path.dirname(tokenFile), { recursive: true, mode: 0o700 });
      const { tokens } = await login({
        provider, port, timeout, tokenFile, open: !flags['no-open'],
        type: flags.phone ? 'PHONE' : 'EMAIL', authMethod: flags.otp ? 'OTP' : 'MAGIC_LINK',
      });
      writeFileSync(configFile(tokenFile), JSON.stringify(spec), { mode: 0o600 });
      process.stderr.write(`Signed in as ${tokens.sub}; tokens in ${tokenFile}\n`);
      return 0;
    }
    case 'token': {
      const { provider } = await providerOf(flags, tokenFile);
      const tokens = await getTokenFromFile(tokenFile, { provider });
      process.stdout.write(`${tokens.access_token}\n`);
      return 0;
    }
    case 'verify': {
      const [token] = args;
      if (!token) throw new Usage('verify needs a token');
      let jwksUrl = flags.jwks;
      let issuer = flags.iss;
      if (!jwksUrl && flags.issuer) {
        const config = await discover(flags.issuer);
        jwksUrl = config.jwks_uri;
        issuer ??= config.issuer;
      }
      if (!jwksUrl) throw new Usage('verify needs --jwks URL or --issuer URL');
      const { payload } = await jwtVerify(token, createRemoteJWKSet(jwksUrl), {
        ...(issuer ? { issuer } : {}), ...(flags.audience ? { audience: flags.audience } : {}),
      });
      process.stdout.write(`${JSON.stringify(payload, null, 2)}\n`);
      return 0;
    }
    case 'decode': {
      const [token] = args;
      if (!token) throw new Usage('decode needs a token');
      process.stdout.write(`${JSON.stringify({ header: decodeProtectedHeader(token), payload: decodeJwt(token) }, null, 2)}\n`);
      return 0;
    }
    default:
      throw new Usage(`unknown command ${command}`);
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
  if (e instanceof Usage) {
    process.stderr.write(`edgetoken: ${e.message}\nRun "edgetoken --help" for usage.\n`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`edgetoken: ${e.message}${e.code ? ` (${e.code})` : ''}\n`);
  const notSignedIn = e.code === 'ERR_NOT_SIGNED_IN' || e.code === 'ERR_TOKEN_FILE_INVALID';
  const gaveUp = e.code === 'ERR_SIGNIN_TIMEOUT' || e.code === 'ERR_SIGNIN_CANCELLED';
  process.exitCode = notSignedIn ? 3 : gaveUp ? 4 : 1;
});
