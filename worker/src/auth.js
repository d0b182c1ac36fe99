// Access token checks and the Worker's role table.
//
// The token is checked by the key server's RFC 7662 introspection endpoint, which verifies the
// signature against its current keys, the expiry and every revocation (jti deny-list and the
// subject's not-before time) before it returns the claims. The endpoint needs a bearer token, so the
// caller's own token is both the credential and the token checked.
// TODO: verify locally with the package's token verifier (JWK Set and signed revocation
// snapshot, both cached) once the package exports one; this removes one round trip per request.

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
 * Reads `exp` from a token's payload without verifying it. Used only to choose the message of
 * a token the key server has already rejected.
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

/**
 * Checks the request's bearer token. Resolves to `{ ok: true, claims }` with the introspected
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
    return rejection(503, "KEY_SERVER_UNAVAILABLE", `the key server answered HTTP ${response.status}; try again later`);
  }
  const claims = await response.json();
  if (claims.active !== true) {
    return rejection(401, "INVALID_TOKEN", "the access token is invalid or revoked; log in again");
  }
  return { ok: true, claims };
}
