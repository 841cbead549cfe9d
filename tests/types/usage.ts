// Compiled with `tsc --noEmit` in `make lint`: the package's types accept
// the documented API and reject misuse (the @ts-expect-error lines).
import {
  createLocalJWKSet, createRemoteJWKSet, jwtVerify, compactVerify, decodeJwt,
  decodeProtectedHeader, discover, cotter, oidc, createSession, verifyRequest, unauthorized, errors, prepareSignIn, finishSignIn, isSignInCallback, loginWithEmailLink, getTokenFromFile, validateAccessToken, type ErrorCode, type JWTPayload, type JWKSCacheSnapshot,
} from 'edgetoken';
import * as lean from 'edgetoken/verify';

interface CotterClaims extends JWTPayload {
  type: 'client_access_token' | 'client_id_token';
  authentication_method?: string;
}

export async function usage(token: string): Promise<string> {
  const local = createLocalJWKSet({ keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', kid: 'k' }] });
  const n: number = local.size;
  const remote = createRemoteJWKSet(new URL('https://issuer.example/jwks'), {
    cacheMaxAge: 600_000, cooldownDuration: 30_000, timeoutDuration: 5000, headers: { 'x-a': 'b' },
  });
  const { payload, protectedHeader } = await jwtVerify<CotterClaims>(token, remote, {
    issuer: 'https://www.cotter.app', audience: ['a', 'b'], clockTolerance: '30s', requiredClaims: ['sub'],
    currentDate: new Date(), maxTokenAge: 3600, typ: 'JWT', algorithms: ['ES256'],
  });
  const t: 'client_access_token' | 'client_id_token' = payload.type;
  const kid: string | undefined = protectedHeader.kid;
  const bytes: Uint8Array = (await compactVerify(token, local)).payload;
  const snap: JWKSCacheSnapshot | undefined = remote.exportCache();
  if (snap) remote.importCache(snap);
  const fresh: boolean = remote.fresh && remote.state.servingStale;
  await remote.reload();
  const config = await discover('https://issuer.example');
  const preset = cotter({ apiKeyId: 'key', baseUrl: 'http://127.0.0.1:1' });
  await preset.verify(token, { clockTolerance: 5 });
  try {
    decodeJwt(token);
    decodeProtectedHeader(token);
  } catch (e) {
    if (e instanceof errors.JWTClaimValidationFailed) return `${e.claim} ${e.reason}`;
    if (e instanceof errors.JWKSHttpError) return String(e.status);
    if (e instanceof errors.JOSEError) return e.code;
  }
  const session = createSession({ provider: preset, storage: 'sessionStorage', refreshLeeway: '1m', retry: { retries: 2 } });
  session.addEventListener('signed_out', () => undefined);
  const access: string = await session.getAccessToken();
  const idClaims = await session.getIdTokenClaims<CotterClaims>();
  const idType: string | undefined = idClaims?.type;
  const tokens = session.tokens;
  const exp: number | undefined = tokens?.expires_at;
  const oauth = createSession({ provider: await oidc({ issuer: 'https://id.example', clientId: 'c' }), storage: { get: () => null, set: () => undefined, remove: () => undefined } });
  await oauth.logout();
  const withApi = await oidc({ issuer: 'https://id.example', clientId: 'c', accessToken: { audience: 'https://api.example' } });
  const apiAudience: string | string[] | undefined = withApi.accessToken?.audience;
  await createSession({ provider: withApi }).setTokens({ access_token: 'a', id_token: 'i' }, { nonce: 'n' });
  void apiAudience;
  try {
    const { payload: p2, token: raw } = await verifyRequest<CotterClaims>(new Request('https://api.example/'), remote, { audience: 'a' });
    const kind: string = p2.type + raw;
    void kind;
  } catch (e) {
    const res: Response = unauthorized(e, { realm: 'api' });
    const code: ErrorCode = (e as InstanceType<typeof errors.JOSEError>).code;
    void res; void code;
  }
  // @ts-expect-error not an error code
  const notACode: ErrorCode = 'ERR_NOPE';
  void notACode;
  // @ts-expect-error storage must be one of the adapters
  createSession({ provider: preset, storage: 'cookies' });
  // @ts-expect-error clockTolerance is a number or a string
  await jwtVerify(token, local, { clockTolerance: true });
  // @ts-expect-error a key set is required
  await jwtVerify(token, {});
  // @ts-expect-error cotter needs an apiKeyId
  cotter({});
  return `${n} ${t} ${kid} ${bytes.length} ${fresh} ${config.jwks_uri} ${preset.tokenEndpoint} ${access} ${idType} ${exp}`;
}

// The verify-only entry: local key sets, verifiers, requests and errors.
export async function verifyOnly(token: string, request: Request): Promise<string> {
  const keys = lean.createLocalJWKSet({ keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] });
  const { payload } = await lean.jwtVerify<CotterClaims>(token, keys, { issuer: 'i', audience: 'a' });
  const verifier = lean.createVerifier(keys, { clockTolerance: 5 });
  const again: string | undefined = (await verifier.verify(token)).payload.sub;
  const { token: bearer } = await lean.verifyRequest(request, keys);
  const code: lean.ErrorCode = new lean.errors.JWTExpired('x').code;
  const response: Response = lean.unauthorized(new lean.JWSInvalid('x'));
  // @ts-expect-error the verify-only entry has no remote key sets
  lean.createRemoteJWKSet('https://issuer.example/jwks');
  // @ts-expect-error and does not take one
  await lean.jwtVerify(token, createRemoteJWKSet('https://issuer.example/jwks'));
  const copy: lean.JSONWebKeySet = keys.jwks();
  verifier.dispose();
  keys.dispose();
  const disposed: lean.ErrorCode = new lean.Disposed('x').code;
  return payload.type + String(again) + bearer + code + response.status + copy.keys.length + disposed;
}

// Sign-in: prepare/finish anywhere; the CLI login and token files in Node.
export async function signIn(): Promise<string> {
  const provider = cotter({ apiKeyId: 'k' });
  const { url, pending } = await prepareSignIn(provider, { redirectUri: 'https://app.example/cb', type: 'PHONE', authMethod: 'OTP' });
  const done = await finishSignIn(provider, pending, url);
  const { tokens, payload } = await loginWithEmailLink('k', 8080, { tokenFile: 'tokens.json', open: false });
  const fromFile = await getTokenFromFile('tokens.json', { provider });
  const claims = await validateAccessToken(fromFile.access_token, provider);
  return `${url} ${done.nonce} ${tokens.sub} ${payload?.email} ${claims.sub} ${isSignInCallback(url)}`;
}

// Remote key sets as jose has them: jwks(), reloading, dispose().
export function remoteExtras(): string {
  const set = createRemoteJWKSet('https://issuer.example/jwks', { cacheMaxAge: Infinity, timeoutDuration: 0 });
  const fetched = set.jwks()?.keys.length ?? 0;
  const busy: boolean = set.reloading;
  set.dispose();
  return `${fetched} ${busy}`;
}
