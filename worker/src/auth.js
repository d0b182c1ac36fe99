// Access token checks and the Worker's role table.
//
// With the package's EdgeGuard, tokens are verified in the Worker against the key server's
// JWK Set and its signed revocation snapshot. Both are kept at module scope, so one workerd
// isolate fetches the keys once (again after a rotation) and the snapshot at most every
// REVOCATION_REFRESH_MS. A build without EdgeGuard falls back to the key server's RFC 7662
// introspection endpoint, which checks the signature, the expiry and every revocation on each
// request. That endpoint needs a bearer token, so the caller's own token is both the
// credential and the token checked.
import * as guard from "techdeck-guard";

/** Maximum age of the isolate's revocation snapshot copy, on top of the key server's own cache. */
export const REVOCATION_REFRESH_MS = 5_000;
/** Shortest interval between two JWK Set fetches caused by an unknown `kid`. */
const KEY_REFRESH_COOLDOWN_MS = 5_000;

/** Longest accepted token, as the package's verifier limits it. */
export const MAX_TOKEN_BYTES = 8 * 1024;

/** Actions each role may perform through this Worker. Roles are matched exactly. */
const PERMISSIONS = {
  admin: new Set(["upload", "list", "download"]),
  therapist: new Set(["upload", "list", "download"]),
  researcher: new Set(["list", "download"]),
};

/** Roles that see only de-identified datasets in lists and downloads. */
const DEIDENTIFIED_ONLY = new Set(["researcher"]);

/** Returns whether `role` may perform `action`. Unknown roles may do nothing. */
export function allows(role, action) {
  return Object.hasOwn(PERMISSIONS, role) && PERMISSIONS[role].has(action);
}

/** Returns whether `role` may see a dataset with the given de-identification flag. */
export function maySee(role, deidentified) {
  return deidentified || !DEIDENTIFIED_ONLY.has(role);
}

function rejection(status, code, message) {
  return { ok: false, status, code, message };
}

function bearerToken(request) {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer ([A-Za-z0-9_.~+/=-]+)$/i.exec(header.trim());
  return match ? match[1] : null;
}

/**
 * Reads `exp` from a token's payload without verifying it. Used only to choose the code of a
 * token that introspection has already rejected.
 */
function unverifiedExpiry(token) {
  try {
    const payload = token.split(".")[1].replaceAll("-", "+").replaceAll("_", "/");
    const exp = JSON.parse(atob(payload)).exp;
    return Number.isInteger(exp) ? exp : null;
  } catch {
    return null;
  }
}

/** Fetches a key server document as text, or throws "unavailable". */
async function fetchKeyServer(env, path) {
  const response = await fetch(`${env.KEY_SERVER_URL}${path}`);
  if (!response.ok) throw new Error("unavailable");
  return response.text();
}

/** The isolate's verifier: an EdgeGuard with the times its keys and snapshot were fetched. */
let local = null;

async function localVerifier(env) {
  const now = Date.now();
  if (local === null) {
    const jwks = await fetchKeyServer(env, "/.well-known/jwks.json");
    const edge = new guard.EdgeGuard({
      issuer: env.TOKEN_ISSUER ?? "techdeck-keyserver",
      audience: env.TOKEN_AUDIENCE ?? "techdeck",
      jwks,
    });
    local = { edge, keysAt: now, snapshotAt: 0 };
  }
  if (now - local.snapshotAt > REVOCATION_REFRESH_MS) {
    try {
      const snapshot = await fetchKeyServer(env, "/v1/revocations");
      try {
        local.edge.loadRevocations(snapshot);
      } catch (error) {
        // A snapshot signed by a key newer than the loaded JWK Set needs the new keys first.
        if (error?.code !== "TOKEN_UNKNOWN_KID" || !(await refreshKeys(env, local))) throw error;
        local.edge.loadRevocations(snapshot);
      }
      local.snapshotAt = now;
    } catch {
      // The previous snapshot stays loaded. EdgeGuard rejects tokens with REVOCATION_STALE
      // once it is older than its maximum age.
    }
  }
  return local;
}

/** Loads the key server's JWK Set again unless that happened within the cooldown. */
async function refreshKeys(env, verifier) {
  if (Date.now() - verifier.keysAt <= KEY_REFRESH_COOLDOWN_MS) return false;
  try {
    verifier.edge.replaceKeys(await fetchKeyServer(env, "/.well-known/jwks.json"));
    verifier.keysAt = Date.now();
    return true;
  } catch {
    return false;
  }
}

/** Verifies `token` with the isolate's EdgeGuard, fetching the JWK Set again for a new `kid`. */
async function verifyLocally(token, env) {
  let verifier;
  try {
    verifier = await localVerifier(env);
  } catch {
    return rejection(503, "KEY_SERVER_UNAVAILABLE", "the key server cannot be reached, so the token cannot be checked; try again later");
  }
  for (let attempt = 0; ; attempt++) {
    try {
      return { ok: true, claims: verifier.edge.verifyAccessToken(token) };
    } catch (error) {
      if (error?.code === "TOKEN_UNKNOWN_KID" && attempt === 0 && (await refreshKeys(env, verifier))) continue;
      if (error?.code === "REVOCATION_STALE") {
        return rejection(503, "REVOCATION_STALE", "the revocation list is out of date because the key server cannot be reached; try again later");
      }
      return rejection(401, error?.code ?? "INVALID_TOKEN", "the access token was rejected; log in again");
    }
  }
}

/** Checks `token` with the key server's introspection endpoint. */
async function introspect(token, env) {
  let response;
  try {
    response = await fetch(`${env.KEY_SERVER_URL}/v1/introspect`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ token }),
    });
  } catch {
    return rejection(503, "KEY_SERVER_UNAVAILABLE", "the key server cannot be reached, so the token cannot be checked; try again later");
  }
  if (response.status === 429) {
    return rejection(429, "RATE_LIMITED", "too many requests for this user; wait a minute and retry");
  }
  if (response.status === 401) {
    const exp = unverifiedExpiry(token);
    if (exp !== null && exp <= Math.floor(Date.now() / 1000)) {
      return rejection(401, "TOKEN_EXPIRED", "the access token has expired; refresh it or log in again");
    }
    return rejection(401, "INVALID_TOKEN", "the access token is invalid or revoked; log in again");
  }
  if (!response.ok) {
    return rejection(503, "KEY_SERVER_UNAVAILABLE", `the key server responded with HTTP ${response.status}; try again later`);
  }
  const claims = await response.json();
  if (claims.active !== true) {
    return rejection(401, "INVALID_TOKEN", "the access token is invalid or revoked; log in again");
  }
  return { ok: true, claims };
}

/** Returns whether the package verifies tokens itself (EdgeGuard) in this build. */
export function verifiesLocally() {
  return typeof guard.EdgeGuard === "function";
}

/**
 * Checks the request's bearer token. Resolves to `{ ok: true, claims }` with the verified
 * claims (`sub`, `role`, `jti`, `exp`, ...), or `{ ok: false, status, code, message }`.
 */
export async function authenticate(request, env) {
  const token = bearerToken(request);
  if (token === null) {
    return rejection(401, "TOKEN_MISSING", "a Bearer access token is required; log in again");
  }
  if (token.length > MAX_TOKEN_BYTES) {
    return rejection(401, "TOKEN_TOO_LARGE", `the access token is longer than ${MAX_TOKEN_BYTES} bytes`);
  }
  return verifiesLocally() ? verifyLocally(token, env) : introspect(token, env);
}
