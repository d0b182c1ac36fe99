// The TechDeck edge Worker: it guards the dataset routes in front of the upload store.
//
// PUT /v1/datasets/{datasetId}/upload   a guarded, streamed upload (see upload.js)
// GET /v1/datasets                      the datasets the caller's role may see
// GET /v1/datasets/objects/{id}         downloads a stored file, streamed from the store
// GET /healthz                          liveness
//
// Bindings: KEY_SERVER_URL (token checks), SINK_URL (the store), ALLOWED_ORIGIN (the TechDeck
// page, for CORS) and MAX_FILE_SIZE_MB (default 100).
import { allows, authenticate, maySee } from "./auth.js";
import { error, json, preflight, withHeaders } from "./http.js";
import { describe, guardUpload, Rejection } from "./upload.js";

/** Dataset ids are chosen by the page; the same rule as the key server's ids, kept stricter. */
const DATASET_ID = /^[A-Za-z0-9_-]{1,64}$/;

function decodeFileName(header) {
  try {
    return decodeURIComponent(header ?? "");
  } catch {
    return "";
  }
}

async function upload(request, env, claims, datasetId) {
  if (!allows(claims.role, "upload")) {
    return error(request, env, 403, "ROLE_NOT_ALLOWED", `the role ${claims.role} may not upload datasets`);
  }
  if (!DATASET_ID.test(datasetId)) {
    return error(request, env, 400, "INVALID_DATASET_ID", "the dataset id must be 1 to 64 letters, digits, - or _");
  }
  const meta = {
    datasetId,
    fileName: decodeFileName(request.headers.get("x-file-name")) || "upload",
    owner: claims.sub,
    role: claims.role,
    deidentified: request.headers.get("x-deidentified") === "true",
  };
  try {
    const stored = await guardUpload(request, env, meta);
    return json(request, env, 201, stored);
  } catch (failure) {
    if (failure instanceof Rejection) {
      return error(request, env, failure.status, failure.code, failure.message, failure.extra);
    }
    return error(request, env, 500, "INTERNAL", "the upload failed inside the Worker");
  }
}

async function storedObjects(env) {
  const response = await fetch(`${env.SINK_URL}/objects`);
  if (!response.ok) throw new Error("store list failed");
  return (await response.json()).map(describe);
}

async function list(request, env, claims) {
  if (!allows(claims.role, "list")) {
    return error(request, env, 403, "ROLE_NOT_ALLOWED", `the role ${claims.role} may not list datasets`);
  }
  try {
    const visible = (await storedObjects(env)).filter((object) => maySee(claims.role, object.deidentified));
    return json(request, env, 200, { datasets: visible });
  } catch {
    return error(request, env, 502, "STORE_UNAVAILABLE", "the upload store cannot be reached; try again later");
  }
}

async function download(request, env, claims, id) {
  if (!allows(claims.role, "download")) {
    return error(request, env, 403, "ROLE_NOT_ALLOWED", `the role ${claims.role} may not download datasets`);
  }
  let objects;
  try {
    objects = await storedObjects(env);
  } catch {
    return error(request, env, 502, "STORE_UNAVAILABLE", "the upload store cannot be reached; try again later");
  }
  const object = objects.find((candidate) => candidate.id === id);
  if (!object || !maySee(claims.role, object.deidentified)) {
    return error(request, env, 404, "NOT_FOUND", "no dataset you may see has this id");
  }
  const stored = await fetch(`${env.SINK_URL}/objects/${id}`);
  const headers = withHeaders(request, env, {
    "content-type": "application/octet-stream",
    "content-disposition": `attachment; filename="${encodeURIComponent(object.fileName)}"`,
    "x-file-name": encodeURIComponent(object.fileName),
  });
  return new Response(stored.body, { status: stored.status, headers });
}

async function route(request, env) {
  const url = new URL(request.url);
  if (request.method === "OPTIONS") return preflight(request, env);
  if (url.pathname === "/healthz") return json(request, env, 200, { status: "ok" });

  const uploadMatch = /^\/v1\/datasets\/([^/]+)\/upload$/.exec(url.pathname);
  const downloadMatch = /^\/v1\/datasets\/objects\/([A-Za-z0-9]+)$/.exec(url.pathname);
  const known = uploadMatch || downloadMatch || url.pathname === "/v1/datasets";
  if (!known) return error(request, env, 404, "NOT_FOUND", "no such route");

  const auth = await authenticate(request, env);
  if (!auth.ok) return error(request, env, auth.status, auth.code, auth.message);

  if (uploadMatch && request.method === "PUT") return upload(request, env, auth.claims, uploadMatch[1]);
  if (downloadMatch && request.method === "GET") return download(request, env, auth.claims, downloadMatch[1]);
  if (url.pathname === "/v1/datasets" && request.method === "GET") return list(request, env, auth.claims);
  return error(request, env, 405, "METHOD_NOT_ALLOWED", "this route does not take that method");
}

export default {
  async fetch(request, env) {
    try {
      return await route(request, env);
    } catch {
      return error(request, env, 500, "INTERNAL", "the Worker failed; see its log");
    }
  },
};
