// The edge guard cases, run unchanged in Node, headless Chromium and workerd.
//
// Tokens and revocation snapshots are signed here through WebCrypto with the test-only keys in
// tests/fixtures/keys, so every runtime verifies identical inputs.

import { deepEqual, equal, ok, skip, throwsCode } from "./assert.mjs";

const ISSUER = "https://keys.techdeck.test";
const AUDIENCE = "techdeck-pipeline";
const NOW = 1_700_000_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function base64url(bytes) {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text) {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function fixtureJson(fixtures, name) {
  return JSON.parse(decoder.decode(fixtures[name]));
}

/** Imports the test-only signing keys once per runtime. */
let signersPromise;
function signers(fixtures) {
  signersPromise ??= (async () => {
    const keys = fixtureJson(fixtures, "keys/test-only-private-keys.json");
    const { kty, crv, x, d } = keys.ed25519;
    const ed = await crypto.subtle.importKey("jwk", { kty, crv, x, d }, { name: "Ed25519" }, false, ["sign"]);
    const ec256 = keys.p256;
    const ec = await crypto.subtle.importKey(
      "jwk",
      { kty: ec256.kty, crv: ec256.crv, x: ec256.x, y: ec256.y, d: ec256.d },
      { name: "ECDSA", namedCurve: "P-256" },
      false,
      ["sign"],
    );
    const secret = fromBase64url(keys.hs256.secret_base64url);
    const hs = await crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    return {
      EdDSA: { kid: "test-ed-1", key: ed, params: { name: "Ed25519" } },
      ES256: { kid: "test-ec-1", key: ec, params: { name: "ECDSA", hash: "SHA-256" } },
      HS256: { kid: "test-hs-1", key: hs, params: { name: "HMAC" }, secret },
    };
  })();
  return signersPromise;
}

/** Signs a JWS compact token; `header` and `payload` are objects or exact JSON text. */
async function sign(fixtures, alg, payload, header = {}) {
  const signer = (await signers(fixtures))[alg];
  const headerText = typeof header === "string" ? header : JSON.stringify({ alg, typ: "at+jwt", kid: signer.kid, ...header });
  const payloadText = typeof payload === "string" ? payload : JSON.stringify(payload);
  const input = `${base64url(encoder.encode(headerText))}.${base64url(encoder.encode(payloadText))}`;
  const signature = new Uint8Array(await crypto.subtle.sign(signer.params, signer.key, encoder.encode(input)));
  return `${input}.${base64url(signature)}`;
}

function claims(changes = {}) {
  return {
    iss: ISSUER,
    aud: [AUDIENCE],
    sub: "user-1",
    user_id: "user-1",
    role: "therapist",
    type: "access",
    jti: "jti-1",
    session_id: "session-1",
    iat: NOW - 60,
    exp: NOW + 600,
    compliance_level: "hipaa_plus_plus",
    patients: ["patient-7"],
    ...changes,
  };
}

async function snapshot(fixtures, payload = {}) {
  const body = { iss: ISSUER, iat: NOW - 10, exp: NOW + 290, seq: 1, revoked: [], not_before: {}, ...payload };
  return sign(fixtures, "EdDSA", body, { typ: "revocation+jwt" });
}

async function newGuard(api, fixtures, options = {}) {
  const guard = new api.EdgeGuard({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: decoder.decode(fixtures["keys/test-only-jwks.json"]),
    ...options,
  });
  equal(guard.loadRevocations(await snapshot(fixtures), NOW), 1, "snapshot seq");
  return guard;
}

function request(token, changes = {}) {
  return {
    method: "GET",
    path: "/v1/records/patient-7",
    headers: { authorization: `Bearer ${token}`, "user-agent": "Mozilla/5.0 (test)" },
    ip: "203.0.113.9",
    action: "read",
    resource: "patient_records",
    patient: "patient-7",
    now: NOW,
    ...changes,
  };
}

const isBrowser = typeof document !== "undefined" || (typeof navigator !== "undefined" && navigator.userAgent !== "Cloudflare-Workers" && typeof process === "undefined");

const cases = [
  {
    name: "guard: EdDSA and ES256 tokens are allowed",
    async run(api, fixtures) {
      const guard = await newGuard(api, fixtures);
      for (const alg of ["EdDSA", "ES256"]) {
        const token = await sign(fixtures, alg, claims({ jti: `jti-${alg}` }));
        const decision = guard.guard(request(token));
        equal(decision.status, 200, `${alg} status`);
        equal(decision.allowed, true, `${alg} allowed`);
        equal(decision.body, null, `${alg} body`);
        equal(decision.claims.jti, `jti-${alg}`, `${alg} jti`);
        equal(decision.audit.decision, "allow", `${alg} audit decision`);
        equal(decision.headers["X-Content-Type-Options"], "nosniff", "security header");
      }
    },
  },
  {
    name: "guard: the attack catalogue is rejected with its own codes",
    async run(api, fixtures) {
      const guard = await newGuard(api, fixtures);
      const payload = JSON.stringify(claims());
      const valid = await sign(fixtures, "EdDSA", claims());
      const [head, body, signature] = valid.split(".");
      const noneHeader = base64url(encoder.encode(JSON.stringify({ alg: "nOnE", typ: "at+jwt", kid: "test-ed-1" })));
      const signatureBytes = fromBase64url(signature);
      const cases = [
        ["alg none", `${noneHeader}.${body}.`, "TOKEN_ALG_NONE"],
        ["HMAC with a public key's kid", await sign(fixtures, "HS256", claims(), `{"alg":"HS256","typ":"at+jwt","kid":"test-ed-1"}`), "TOKEN_ALG_MISMATCH"],
        ["embedded jwk", await sign(fixtures, "EdDSA", claims(), { jwk: { kty: "OKP" } }), "TOKEN_EMBEDDED_KEY"],
        ["jku", await sign(fixtures, "EdDSA", claims(), { jku: "https://attacker.test/keys" }), "TOKEN_EMBEDDED_KEY"],
        ["kid injection", await sign(fixtures, "EdDSA", claims(), { kid: "../../dev/null" }), "TOKEN_KID_INVALID"],
        ["unknown kid", await sign(fixtures, "EdDSA", claims(), { kid: "test-ed-9" }), "TOKEN_UNKNOWN_KID"],
        ["duplicate claim", await sign(fixtures, "EdDSA", `${payload.slice(0, -1)},"role":"admin"}`), "TOKEN_DUPLICATE_CLAIM"],
        ["padding", `${valid}==`, "TOKEN_NONCANONICAL_BASE64"],
        ["zero ECDSA signature", `${(await sign(fixtures, "ES256", claims())).split(".").slice(0, 2).join(".")}.${base64url(new Uint8Array(64))}`, "TOKEN_ZERO_SIGNATURE"],
        ["truncated Ed25519 signature", `${head}.${body}.${base64url(signatureBytes.slice(0, 63))}`, "TOKEN_NONCANONICAL_SIGNATURE"],
        ["exp as string", await sign(fixtures, "EdDSA", claims({ exp: String(NOW + 600) })), "TOKEN_TIME_NOT_INTEGER"],
        ["exp out of range", await sign(fixtures, "EdDSA", `${payload.slice(0, -1)},"nbf":1e300}`), "TOKEN_TIME_OUT_OF_RANGE"],
        ["exp missing", await sign(fixtures, "EdDSA", claims({ exp: undefined })), "TOKEN_CLAIM_MISSING"],
        ["crit", await sign(fixtures, "EdDSA", claims(), { crit: ["exp"] }), "TOKEN_CRIT"],
        ["over 8 KiB", await sign(fixtures, "EdDSA", claims({ pad: "x".repeat(8192) })), "TOKEN_TOO_LARGE"],
        ["wrong typ", await sign(fixtures, "EdDSA", claims(), { typ: "JWT" }), "TOKEN_WRONG_TYP"],
        ["refresh type claim", await sign(fixtures, "EdDSA", claims({ type: "refresh" })), "TOKEN_WRONG_TYPE"],
        ["compliance level", await sign(fixtures, "EdDSA", claims({ compliance_level: "none" })), "TOKEN_WRONG_COMPLIANCE_LEVEL"],
        ["lifetime", await sign(fixtures, "EdDSA", claims({ exp: NOW - 60 + 86_401 })), "TOKEN_LIFETIME_TOO_LONG"],
        ["expired", await sign(fixtures, "EdDSA", claims({ exp: NOW - 31 })), "TOKEN_EXPIRED"],
        ["tampered payload", `${head}.${base64url(encoder.encode(JSON.stringify(claims({ role: "admin" }))))}.${signature}`, "TOKEN_SIGNATURE_INVALID"],
      ];
      for (const [label, token, code] of cases) {
        const decision = guard.guard(request(token));
        equal(decision.status, 401, `${label} status`);
        equal(decision.body?.code, code, `${label} code`);
        equal(decision.allowed, false, `${label} allowed`);
        equal(decision.headers["WWW-Authenticate"], 'Bearer error="invalid_token"', `${label} WWW-Authenticate`);
      }
    },
  },
  {
    name: "guard: access, threats, rate limits and compliance",
    async run(api, fixtures) {
      const guard = await newGuard(api, fixtures);
      const researcher = await sign(fixtures, "EdDSA", claims({ role: "researcher", jti: "r" }));
      let decision = guard.guard(request(researcher));
      deepEqual([decision.status, decision.body.code], [403, "PHI_CLEARANCE_REQUIRED"], "researcher on PHI");

      const admin = await sign(fixtures, "EdDSA", claims({ role: "admin", jti: "a" }));
      decision = guard.guard(request(admin, { query: { file: "%2e%2e%2f%2e%2e%2fetc%2fpasswd" } }));
      deepEqual([decision.status, decision.body.code], [403, "CHALLENGE_REQUIRED"], "one attack");
      deepEqual(decision.monitoring.threats, ["path_traversal"], "threats");

      decision = guard.guard(request(admin, { body: JSON.stringify({ q: "1 UNION SELECT 1", n: "<script>x</script>" }) }));
      deepEqual([decision.status, decision.body.code], [422, "THREAT_BLOCKED"], "two attacks");
      ok(decision.monitoring.reasons.some((r) => r.field === "body/q" && r.threat === "sql_injection"), "reason names the field");

      decision = guard.guard(request(admin, { rateLimited: true }));
      deepEqual([decision.status, decision.body.code], [429, "RATE_LIMITED"], "rate limited");

      decision = guard.guard(request(admin, { action: "write", requiresEncryption: true, body: '{"encrypted": true}' }));
      deepEqual([decision.status, decision.body.code], [422, "COMPLIANCE_VIOLATION"], "plaintext upload");
      deepEqual(decision.compliance.violations, ["data_not_encrypted"], "violations");
    },
  },
  {
    name: "guard: revocation by jti and subject from a signed snapshot",
    async run(api, fixtures) {
      const guard = await newGuard(api, fixtures);
      const token = await sign(fixtures, "ES256", claims({ jti: "to-revoke" }));
      equal(guard.guard(request(token)).status, 200, "before revocation");
      const next = await snapshot(fixtures, { seq: 2, revoked: [{ jti: "to-revoke", exp: NOW + 600 }], not_before: { "user-9": NOW } });
      equal(guard.loadRevocations(next, NOW), 2, "seq");
      equal(guard.guard(request(token)).body?.code, "TOKEN_REVOKED", "revoked jti after caching");
      const old = await sign(fixtures, "EdDSA", claims({ sub: "user-9", user_id: "user-9", jti: "old" }));
      equal(guard.guard(request(old)).body?.code, "TOKEN_SUBJECT_REVOKED", "subject not-before");
      throwsCode(api, () => guard.loadRevocations(next.replace(/.$/, next.endsWith("A") ? "B" : "A"), NOW), "TOKEN_SIGNATURE_INVALID", {}, "tampered snapshot");
      guard.revoke("manual", NOW + 600);
      const manual = await sign(fixtures, "EdDSA", claims({ jti: "manual" }));
      equal(guard.guard(request(manual)).body?.code, "TOKEN_REVOKED", "manual revocation");
      const stale = guard.guard(request(await sign(fixtures, "EdDSA", claims({ jti: "late", iat: NOW + 400, exp: NOW + 900 })), { now: NOW + 500 }));
      deepEqual([stale.status, stale.body?.code], [503, "REVOCATION_STALE"], "stale snapshot");
    },
  },
  {
    name: "guard: audit event never carries the token, body or IP",
    async run(api, fixtures) {
      const guard = await newGuard(api, fixtures);
      const token = await sign(fixtures, "EdDSA", claims());
      const decision = guard.guard(request(token, { body: '{"note":"SSN 123-45-6789"}', acceptsPhi: true }));
      const audit = JSON.stringify(decision.audit);
      for (const secret of [token.split(".")[2], "123-45-6789", "203.0.113.9", "/v1/records"]) {
        ok(!audit.includes(secret), "the audit event contains request content");
      }
      equal(decision.audit.userId, "user-1", "audit user");
      equal(decision.audit.jti, "jti-1", "audit jti");
    },
  },
  {
    name: "guard: HS256 secrets only outside browsers",
    async run(api, fixtures) {
      const { HS256 } = await signers(fixtures);
      const options = { hmacSecret: { kid: HS256.kid, secret: HS256.secret } };
      if (isBrowser) {
        throwsCode(api, () => new api.EdgeGuard({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [] }, ...options }), "INVALID_OPTIONS", { subject: "hmacSecret" }, "browser HS256");
        return;
      }
      const guard = await newGuard(api, fixtures, options);
      const token = await sign(fixtures, "HS256", claims({ jti: "hs" }));
      equal(guard.guard(request(token)).status, 200, "HS256 token");
      equal(JSON.parse(guard.keySet()).keys.length, 2, "the secret is never in the key set");
      const short = { hmacSecret: { kid: "short", secret: new Uint8Array(31) } };
      throwsCode(api, () => new api.EdgeGuard({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [] }, ...short }), "INVALID_KEY", {}, "short secret");
    },
  },
  {
    name: "guard: options and requests are checked",
    async run(api, fixtures) {
      const jwks = decoder.decode(fixtures["keys/test-only-jwks.json"]);
      throwsCode(api, () => new api.EdgeGuard({ issuer: ISSUER, audience: AUDIENCE, jwks, leeway: 61 }), "INVALID_OPTIONS", {}, "leeway");
      throwsCode(api, () => new api.EdgeGuard({ issuer: ISSUER, audience: AUDIENCE, jwks, leway: 5 }), "INVALID_OPTIONS", { subject: "leway" }, "misspelt option");
      throwsCode(api, () => new api.EdgeGuard({ issuer: ISSUER, jwks }), "INVALID_OPTIONS", { subject: "audience" }, "missing audience");
      throwsCode(api, () => new api.EdgeGuard({ issuer: ISSUER, audience: AUDIENCE, jwks: '{"keys":[{"kty":"oct","k":"AAAA","kid":"x"}]}' }), "INVALID_KEY", {}, "secret in the JWK Set");
      const guard = await newGuard(api, fixtures);
      throwsCode(api, () => guard.guard({ action: "read" }), "INVALID_ARGUMENT", {}, "missing resource");
      throwsCode(api, () => guard.guard({ action: "read", resource: "x", extra: 1 }), "INVALID_ARGUMENT", {}, "unknown property");
      const token = await sign(fixtures, "EdDSA", claims());
      equal(guard.guard(request(token)).status, 200, "guard still works after the errors");
      const verified = guard.verifyAccessToken(token, { now: NOW });
      equal(verified.role, "therapist", "verifyAccessToken");
      const shortLived = await sign(fixtures, "EdDSA", claims({ jti: "short", exp: NOW + 100 }));
      throwsCode(api, () => guard.verifyAccessToken(shortLived, { now: NOW + 200 }), "TOKEN_EXPIRED", {}, "expired");
    },
  },
  {
    name: "guard: unknown kid asks for a key refresh with cooldown",
    async run(api, fixtures) {
      const guard = await newGuard(api, fixtures);
      const token = await sign(fixtures, "EdDSA", claims(), { kid: "test-ed-9" });
      equal(guard.guard(request(token)).refreshKeys, true, "first unknown kid");
      equal(guard.guard(request(token)).refreshKeys, false, "within the cooldown");
      const jwks = JSON.parse(guard.keySet());
      jwks.keys = jwks.keys.filter((key) => key.kid === "test-ec-1");
      guard.replaceKeys(jwks, NOW);
      const edToken = await sign(fixtures, "EdDSA", claims({ jti: "after-rotation" }));
      equal(guard.guard(request(edToken)).body?.code, "TOKEN_UNKNOWN_KID", "removed key");
    },
  },
  {
    name: "guard: guardAsync checks signatures with WebCrypto and gives the same codes",
    async run(api, fixtures) {
      const guard = await newGuard(api, fixtures);
      const valid = await sign(fixtures, "EdDSA", claims({ jti: "async-ed" }));
      const [head, body, signature] = valid.split(".");
      const es = await sign(fixtures, "ES256", claims({ jti: "async-es" }));
      const cases = [
        ["EdDSA", valid, 200, null],
        ["ES256", es, 200, null],
        ["EdDSA again, cached", valid, 200, null],
        ["tampered payload", `${head}.${base64url(encoder.encode(JSON.stringify(claims({ role: "admin" }))))}.${signature}`, 401, "TOKEN_SIGNATURE_INVALID"],
        ["flipped signature", `${head}.${body}.${base64url(fromBase64url(signature).map((b, i) => (i === 0 ? b ^ 1 : b)))}`, 401, "TOKEN_SIGNATURE_INVALID"],
        ["zero ECDSA signature", `${es.split(".").slice(0, 2).join(".")}.${base64url(new Uint8Array(64))}`, 401, "TOKEN_ZERO_SIGNATURE"],
        ["truncated Ed25519 signature", `${head}.${body}.${base64url(fromBase64url(signature).slice(0, 63))}`, 401, "TOKEN_NONCANONICAL_SIGNATURE"],
        ["unknown kid", await sign(fixtures, "EdDSA", claims(), { kid: "test-ed-9" }), 401, "TOKEN_UNKNOWN_KID"],
        ["expired", await sign(fixtures, "ES256", claims({ exp: NOW - 31 })), 401, "TOKEN_EXPIRED"],
      ];
      for (const [label, token, status, code] of cases) {
        const decision = await guard.guardAsync(request(token));
        equal(decision.status, status, `${label} status`);
        equal(decision.body?.code ?? null, code, `${label} code`);
        // The refresh signal is given once per cooldown, so only the first call carries it.
        const syncDecision = guard.guard(request(token));
        deepEqual({ ...decision, refreshKeys: false }, { ...syncDecision, refreshKeys: false }, `${label}: guardAsync compared with guard`);
      }
      const missing = await guard.guardAsync(request("x", { headers: {} }));
      equal(missing.body?.code, "TOKEN_MISSING", "no token");
      const verified = await guard.verifyAccessTokenAsync(es, { now: NOW });
      equal(verified.jti, "async-es", "verifyAccessTokenAsync");
      let rejected;
      try {
        await guard.verifyAccessTokenAsync(`${head}.${body}.${base64url(new Uint8Array(64))}`, { now: NOW });
      } catch (error) {
        rejected = error;
      }
      ok(rejected instanceof api.GuardError, "verifyAccessTokenAsync rejects with a GuardError");
      equal(rejected.code, "TOKEN_SIGNATURE_INVALID", "verifyAccessTokenAsync code");
    },
  },
];

/**
 * The cases above, skipped in a build without token verification (the default browser build).
 * The full builds (Node, workerd and the `edge` browser entry) must run every one of them.
 */
export const guardCases = cases.map(({ name, run }) => ({
  name,
  async run(api, fixtures) {
    if (!api.features().includes("tokens")) {
      skip("this build has no token verification (the tokens feature)");
    }
    return run(api, fixtures);
  },
}));
