// Response helpers shared by the Worker's routes: JSON errors with a stable code, CORS for the
// TechDeck origin, and security headers on every response.

const SECURITY_HEADERS = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "strict-transport-security": "max-age=31536000; includeSubDomains",
};

/** Request headers the page sends besides the CORS-safelisted ones. */
const ALLOWED_REQUEST_HEADERS = "authorization, content-type, x-file-name, x-deidentified, x-key-id";

/** Returns `headers` with the security headers and, for the allowed origin, the CORS headers. */
export function withHeaders(request, env, headers = {}) {
  const out = new Headers(headers);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) out.set(name, value);
  const origin = request.headers.get("origin");
  if (origin && origin === env.ALLOWED_ORIGIN) {
    out.set("access-control-allow-origin", origin);
    out.set("access-control-expose-headers", "content-length, x-file-name");
    out.append("vary", "origin");
  }
  return out;
}

/** Returns the response to a CORS preflight: 204 for the allowed origin, 403 for any other. */
export function preflight(request, env) {
  const origin = request.headers.get("origin");
  if (!origin || origin !== env.ALLOWED_ORIGIN) {
    return new Response(null, { status: 403, headers: withHeaders(request, env) });
  }
  const headers = withHeaders(request, env, {
    "access-control-allow-methods": "GET, PUT, OPTIONS",
    "access-control-allow-headers": ALLOWED_REQUEST_HEADERS,
    "access-control-max-age": "600",
  });
  return new Response(null, { status: 204, headers });
}

/** Returns a JSON response with `body` and the common headers. */
export function json(request, env, status, body) {
  const headers = withHeaders(request, env, { "content-type": "application/json" });
  return new Response(JSON.stringify(body), { status, headers });
}

/** Returns a JSON error: `{ code, message, ...extra }`. Messages never quote tokens or data. */
export function error(request, env, status, code, message, extra = {}) {
  return json(request, env, status, { code, message, ...extra });
}
