// The benchmark's measurements, shared by every runtime: `lib` is edgetoken,
// `jose` is jose, and `tsndr` (optional) is @tsndr/cloudflare-worker-jwt,
// each imported as that runtime imports it. The fixture (keys and tokens)
// is made once by the driver, so every library and runtime verifies the
// same bytes.
const now = () => performance.now();

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// Per-call time in µs: `rounds` timed batches of `batch` awaited calls.
async function perCall(fn, { batch, rounds }) {
  const times = [];
  for (let r = 0; r < rounds; r += 1) {
    const t0 = now();
    for (let i = 0; i < batch; i += 1) await fn(r * batch + i);
    times.push(((now() - t0) * 1000) / batch);
  }
  return median(times);
}

/**
 * `{ case: [edgetoken, jose, tsndr] }` in µs per call; tsndr's is
 * undefined where it does not apply. tsndr verifies with one key, not a
 * key set, so it gets the key already imported (its fastest way), and it
 * checks `exp` and `nbf` but not the issuer and audience the others check;
 * it has no key sets to build and no options to bind.
 */
export async function measure(lib, jose, fixture, { tsndr, fresh = 1000, repeat = 2000, rounds = 5 } = {}) {
  const opts = { issuer: fixture.issuer, audience: fixture.audience };
  const ours = lib.createLocalJWKSet(fixture.jwks);
  const theirs = jose.createLocalJWKSet(fixture.jwks);
  const key = await crypto.subtle.importKey('jwk', fixture.jwks.keys[0], { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  const tsndrVerify = (token) => tsndr.verify(token, key, { algorithm: 'ES256', throwError: true });
  // Warm both (key import, key tables, JIT) on tokens never measured: V8
  // in Chromium and workerd moves wasm to its optimizing tier only after
  // about a thousand verifications (Node sooner), and steady state is what
  // the fresh case measures.
  for (const token of fixture.warm) {
    await lib.jwtVerify(token, ours, opts);
    await jose.jwtVerify(token, theirs, opts);
    if (tsndr) await tsndrVerify(token);
  }
  const n = Math.min(fresh, Math.floor(fixture.fresh.length / rounds));
  const results = {};
  results.fresh = [
    await perCall((i) => lib.jwtVerify(fixture.fresh[i], ours, opts), { batch: n, rounds }),
    await perCall((i) => jose.jwtVerify(fixture.fresh[i], theirs, opts), { batch: n, rounds }),
    tsndr && await perCall((i) => tsndrVerify(fixture.fresh[i]), { batch: n, rounds }),
  ];
  const token = fixture.fresh[0];
  // Warm the repeat path too (its own JIT tiering), as the fresh path was:
  // a session's calls are many, and the steady state is what they cost.
  // (V8 in Node keeps optimizing this path for some 20000 calls.)
  for (let i = 0; i < repeat * 10; i += 1) await lib.jwtVerify(token, ours, opts);
  for (let i = 0; i < 100; i += 1) await jose.jwtVerify(token, theirs, opts);
  results.repeat = [
    await perCall(() => lib.jwtVerify(token, ours, opts), { batch: repeat, rounds }),
    await perCall(() => jose.jwtVerify(token, theirs, opts), { batch: Math.max(50, repeat / 20), rounds }),
    tsndr && await perCall(() => tsndrVerify(token), { batch: Math.max(50, repeat / 20), rounds }),
  ];
  // The server fast path: options bound once with createVerifier.
  const verifier = lib.createVerifier(ours, opts);
  for (let i = 0; i < repeat * 10; i += 1) await verifier.verify(token);
  results.verifier = [
    await perCall(() => verifier.verify(token), { batch: repeat, rounds }),
    results.repeat[1],
    results.repeat[2],
  ];
  // JWKS parse: a set of fresh objects each time; jose imports keys lazily,
  // so its cost is counted as building the set and importing the key.
  const jwk = fixture.jwks.keys[0];
  results.jwks = [
    await perCall(() => lib.createLocalJWKSet({ keys: [{ ...jwk }] }), { batch: 200, rounds }),
    await perCall(async () => {
      jose.createLocalJWKSet({ keys: [{ ...jwk }] });
      await jose.importJWK({ ...jwk }, 'ES256');
    }, { batch: 200, rounds }),
  ];
  return results;
}
