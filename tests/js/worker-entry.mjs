// Worker that runs the shared cases in workerd against the package's Workers entry.
// tests/js/worker.mjs starts it in Miniflare. env.FIXTURES maps fixture paths to base64 text.
import * as api from "../../pkg/worker.js";

import { runCases } from "./cases.mjs";

function decodeBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export default {
  async fetch(request, env) {
    const fixtures = {};
    for (const [name, base64] of Object.entries(env.FIXTURES ?? {})) {
      fixtures[name] = decodeBase64(base64);
    }
    try {
      return Response.json({ results: await runCases(api, fixtures) });
    } catch (error) {
      return Response.json({ error: String(error?.stack ?? error) }, { status: 500 });
    }
  },
};
