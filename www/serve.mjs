// Builds the page and serves it with Vite's preview server on 127.0.0.1, with `config` written
// to dist/config.json (the key server and Worker URLs and the demo accounts, never a password).
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { build, preview } from "vite";

const root = dirname(fileURLToPath(import.meta.url));

/** Resolves to `{ url, close() }` once the page is served on `port`. */
export async function servePage({ port, config }) {
  await build({ root, logLevel: "warn" });
  writeFileSync(join(root, "dist", "config.json"), JSON.stringify(config, null, 2) + "\n");
  const server = await preview({ root, logLevel: "warn", preview: { host: "127.0.0.1", port, strictPort: true, open: false } });
  return { url: `http://127.0.0.1:${port}/`, close: () => server.close() };
}
