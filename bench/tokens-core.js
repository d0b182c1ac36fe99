// Token verification work shared by the Node, Chromium and workerd benchmark drivers: the
// package's EdgeGuard, jose 6.2.19 and a bare WebCrypto signature check, on identical tokens
// signed here with the test-only keys of tests/fixtures/keys. It uses only what all three
// runtimes have (WebCrypto, TextEncoder, atob and btoa).

export const ISSUER = "https://keys.techdeck.test";
export const AUDIENCE = "techdeck-pipeline";
export const NOW = 1_700_000_000;

const encoder = new TextEncoder();

function base64url(bytes) {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text) {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

const CLAIMS = {
  iss: ISSUER,
  aud: AUDIENCE,
  sub: "user-1",
  user_id: "user-1",
  role: "therapist",
  type: "access",
  jti: "bench-1",
  session_id: "session-1",
  iat: NOW - 60,
  exp: NOW + 600,
  compliance_level: "hipaa_plus_plus",
  patients: ["patient-7"],
};

/**
 * Imports the keys, signs one token per algorithm and builds each verifier. `privateKeys` and
 * `jwks` are the parsed fixture files; `allowHmac` is false where the package refuses HS256
 * secrets (browsers).
 */
export async function prepare(api, jose, privateKeys, jwks, allowHmac) {
  const ed = privateKeys.ed25519;
  const ec = privateKeys.p256;
  const secret = fromBase64url(privateKeys.hs256.secret_base64url);
  const signing = {
    EdDSA: [await crypto.subtle.importKey("jwk", { kty: ed.kty, crv: ed.crv, x: ed.x, d: ed.d }, { name: "Ed25519" }, false, ["sign"]), { name: "Ed25519" }, ed.kid],
    ES256: [await crypto.subtle.importKey("jwk", { kty: ec.kty, crv: ec.crv, x: ec.x, y: ec.y, d: ec.d }, { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]), { name: "ECDSA", hash: "SHA-256" }, ec.kid],
    HS256: [await crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]), { name: "HMAC" }, privateKeys.hs256.kid],
  };
  const verifying = {
    EdDSA: await crypto.subtle.importKey("jwk", { kty: ed.kty, crv: ed.crv, x: ed.x }, { name: "Ed25519" }, false, ["verify"]),
    ES256: await crypto.subtle.importKey("jwk", { kty: ec.kty, crv: ec.crv, x: ec.x, y: ec.y }, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]),
    HS256: signing.HS256[0],
  };
  const tokens = {};
  const raw = {};
  for (const [alg, [key, params, kid]] of Object.entries(signing)) {
    const input = `${base64url(encoder.encode(JSON.stringify({ alg, typ: "at+jwt", kid })))}.${base64url(encoder.encode(JSON.stringify(CLAIMS)))}`;
    const signature = new Uint8Array(await crypto.subtle.sign(params, key, encoder.encode(input)));
    tokens[alg] = `${input}.${base64url(signature)}`;
    raw[alg] = { params, input: encoder.encode(input), signature };
  }

  const options = { issuer: ISSUER, audience: AUDIENCE, jwks, requireRevocationSnapshot: false };
  if (allowHmac) options.hmacSecret = { kid: privateKeys.hs256.kid, secret };
  const uncached = new api.EdgeGuard({ ...options, cacheCapacity: 0 });
  const cached = new api.EdgeGuard(options);
  const joseKeys = {
    EdDSA: await jose.importJWK(jwks.keys.find((key) => key.kid === ed.kid), "EdDSA"),
    ES256: await jose.importJWK(jwks.keys.find((key) => key.kid === ec.kid), "ES256"),
    HS256: secret,
  };
  return { tokens, raw, verifying, uncached, cached, jose, joseKeys, allowHmac };
}

const CONTEXT = { now: NOW };
const JOSE_OPTIONS = { issuer: ISSUER, audience: AUDIENCE, typ: "at+jwt", currentDate: new Date(NOW * 1000) };

/** The measured cases: `[name, alg, run(state, n)]`. Each run verifies one token `n` times. */
export const CASES = [
  ...["EdDSA", "ES256", "HS256"].flatMap((alg) => [
    [
      `techdeck-guard ${alg}`,
      alg,
      async (state, n) => {
        if (alg === "HS256" && !state.allowHmac) return false;
        for (let i = 0; i < n; i++) state.uncached.verifyAccessToken(state.tokens[alg], CONTEXT);
        return true;
      },
    ],
    [
      `techdeck-guard ${alg}, async (WebCrypto)`,
      alg,
      async (state, n) => {
        if (alg === "HS256" && !state.allowHmac) return false;
        for (let i = 0; i < n; i++) await state.uncached.verifyAccessTokenAsync(state.tokens[alg], CONTEXT);
        return true;
      },
    ],
    [
      `jose ${alg}`,
      alg,
      async (state, n) => {
        const options = { ...JOSE_OPTIONS, algorithms: [alg] };
        for (let i = 0; i < n; i++) await state.jose.jwtVerify(state.tokens[alg], state.joseKeys[alg], options);
        return true;
      },
    ],
    [
      `WebCrypto verify only ${alg}`,
      alg,
      async (state, n) => {
        const { params, input, signature } = state.raw[alg];
        for (let i = 0; i < n; i++) await crypto.subtle.verify(params, state.verifying[alg], signature, input);
        return true;
      },
    ],
  ]),
  [
    "techdeck-guard EdDSA, cached repeat",
    "EdDSA",
    async (state, n) => {
      for (let i = 0; i < n; i++) state.cached.verifyAccessToken(state.tokens.EdDSA, CONTEXT);
      return true;
    },
  ],
];

/** Returns the median of a list of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Times every case in-process: `rounds` timed batches of `batch` verifications after one
 * warm-up batch, and returns the median microseconds per verification of each case, or null
 * for a case that the runtime does not support.
 */
export async function measureAll(state, rounds, batch) {
  const results = [];
  for (const [name, alg, run] of CASES) {
    if (!(await run(state, batch))) {
      results.push({ name, alg, micros: null });
      continue;
    }
    const samples = [];
    for (let round = 0; round < rounds; round++) {
      const started = performance.now();
      await run(state, batch);
      samples.push(((performance.now() - started) * 1000) / batch);
    }
    results.push({ name, alg, micros: median(samples) });
  }
  return results;
}
