// Calls to the key server and the Worker, with one error type whose message is fit for the
// page. Tokens live only in memory (never in storage, the URL or the console).

/** A failed call: `code` is stable, `message` is shown to the user. */
export class ApiError extends Error {
  constructor(code, message, status = 0, details = {}) {
    super(message);
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

/**
 * Returns whether an error means the access token is no longer accepted: the key server's
 * INVALID_TOKEN, or any TOKEN_* code of the Worker (expired, revoked, signature invalid, ...).
 */
export function endsSession(error) {
  return error instanceof ApiError && isTokenRejection(error.code);
}

function isTokenRejection(code) {
  return code === "INVALID_TOKEN" || code.startsWith("TOKEN_");
}

function unreachable(service) {
  const name = service === "worker" ? "The upload Worker" : "The key server";
  return new ApiError(
    service === "worker" ? "WORKER_UNAVAILABLE" : "KEY_SERVER_UNAVAILABLE",
    `${name} cannot be reached. Check that the demo is running (scripts/demo-web.sh) and try again.`,
  );
}

/** Turns an error response into an ApiError with a message for the page. */
async function failure(response, service) {
  let body = {};
  try {
    body = await response.json();
  } catch {
    // A body that is not JSON keeps the status as the only fact.
  }
  // The key server nests its errors as { error: { code, message } }; the Worker does not.
  if (body.error && typeof body.error === "object") body = body.error;
  const code = body.code ?? `HTTP_${response.status}`;
  if (isTokenRejection(code) && code !== "TOKEN_EXPIRED") {
    return new ApiError(code, "Your session has ended: it expired or an administrator revoked it. Log in again.", response.status, body);
  }
  const messages = {
    INVALID_CREDENTIALS: "The user name or password is wrong.",
    RATE_LIMITED: "Too many attempts. Wait a minute and try again.",
    TOKEN_EXPIRED: "Your session has expired. Log in again.",
    INVALID_TOKEN: "Your session has ended: it expired or an administrator revoked it. Log in again.",
    FORBIDDEN: `Refused by the key server: ${body.message ?? "your role may not do this"}.`,
  };
  if (response.status >= 500 && response.status !== 502 && !body.code) return unreachable(service);
  return new ApiError(code, messages[code] ?? body.message ?? `The request failed with HTTP ${response.status}.`, response.status, body);
}

/** Sends a request and returns the parsed JSON body (or null for an empty one). */
export async function request(service, url, { method = "GET", token, body, headers = {} } = {}) {
  const init = { method, headers: { ...headers } };
  if (token) init.headers.authorization = `Bearer ${token}`;
  if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch {
    throw unreachable(service);
  }
  if (!response.ok) throw await failure(response, service);
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

/** Reads the payload of a token the page received from the key server (no verification). */
export function tokenClaims(token) {
  const part = token.split(".")[1].replaceAll("-", "+").replaceAll("_", "/");
  const binary = atob(part);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** Decodes standard base64 to bytes. */
export function fromBase64(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/**
 * Uploads `blob` with XMLHttpRequest, which reports upload progress (fetch does not).
 * Resolves to the JSON body of a 2xx response, and rejects with an ApiError otherwise.
 */
export function uploadWithProgress(url, blob, { token, headers, onProgress }) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    xhr.setRequestHeader("authorization", `Bearer ${token}`);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => onProgress?.(event.loaded, event.total);
    xhr.onerror = () => reject(unreachable("worker"));
    xhr.onload = () => {
      let body = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // Kept empty: the status alone explains the failure.
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new ApiError(body.code ?? `HTTP_${xhr.status}`, body.message ?? `The upload failed with HTTP ${xhr.status}.`, xhr.status, body));
    };
    xhr.send(blob);
  });
}
