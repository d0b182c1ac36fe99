// Starts the web demo on loopback: the key server on a fresh SQLite file with generated keys
// and three demo accounts, the upload store, the Worker under workerd (Miniflare) and the page
// (Vite). scripts/demo-web.sh runs it; the end-to-end tests import startStack.
//
// Run with: node scripts/demo-stack.mjs   (after scripts/demo-web.sh has built the parts)
// Environment: KEYSERVER_BIN (default target/debug/techdeck-keyserver),
// DEMO_PAGE_PORT (5173), DEMO_WORKER_PORT (8788), DEMO_KEYSERVER_PORT (8787),
// DEMO_DIR (target/demo-web, emptied at each start).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { startWorker } from "../worker/miniflare.mjs";
import { startSink } from "../worker/sink.mjs";
import { servePage } from "../www/serve.mjs";

export const repoRoot = dirname(dirname(fileURLToPath(import.meta.url)));

/** The demo accounts: one per role the page shows. */
export const DEMO_ACCOUNTS = [
  { username: "admin", role: "admin", patients: [] },
  { username: "therapist", role: "therapist", patients: ["patient-001", "patient-002"] },
  { username: "researcher", role: "researcher", patients: [] },
];

/** Returns a free TCP port on 127.0.0.1 (another process may take it before it is used). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function run(command, args, { env, input }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (data) => (stdout += data));
    child.stderr.on("data", (data) => (stderr += data));
    child.once("error", reject);
    child.once("close", (code) => {
      if (code === 0) resolve(stdout.trim());
      else reject(new Error(`${command} ${args.join(" ")} exited with ${code}: ${stderr.trim()}`));
    });
    child.stdin.end(input ?? "");
  });
}

async function waitForHealth(url, child, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the key server exited with ${child.exitCode}; see its log`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the key server did not respond on ${url}/healthz within ${timeoutMs / 1000} s`);
}

/**
 * Starts the key server with its accounts. Resolves to `{ url, accounts, process, stop() }`;
 * each account has `username`, `role`, `id` and its generated `password`.
 */
export async function startKeyServer({ bin, dir, port, origin, env: extraEnv = {}, log }) {
  const env = {
    PATH: process.env.PATH,
    KEYSERVER_BIND: `127.0.0.1:${port}`,
    KEYSERVER_SQLITE_PATH: join(dir, "keyserver.db"),
    // A development master key, made for this run and kept only in this process's memory.
    ENCRYPTION_MASTER_KEY: randomBytes(32).toString("base64"),
    TECHDECK_ORIGIN: origin,
    KEYSERVER_LOG: "warn",
    ...extraEnv,
  };
  const accounts = [];
  for (const account of DEMO_ACCOUNTS) {
    const password = randomBytes(15).toString("base64url");
    const args = ["user", "add", "--username", account.username, "--role", account.role];
    for (const patient of account.patients) args.push("--patient", patient);
    const id = await run(bin, args, { env, input: `${password}\n` });
    accounts.push({ ...account, id, password });
  }

  const child = spawn(bin, ["serve"], { env, stdio: ["ignore", "ignore", log ?? "ignore"] });
  // Whatever ends this process (Ctrl-C handled by Vite, an uncaught error), the key server
  // must not outlive it.
  const killChild = () => child.kill("SIGTERM");
  process.once("exit", killChild);
  child.once("exit", () => process.off("exit", killChild));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url, child);
  } catch (error) {
    child.kill("SIGTERM");
    throw error;
  }
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  return { url, accounts, process: child, stop };
}

/**
 * Starts the whole demo. Ports default to free ones; `dir` is emptied first. Resolves to
 * `{ pageUrl, workerUrl, keyServerUrl, sink, accounts, dir, stopKeyServer(), stop() }`.
 */
export async function startStack(options = {}) {
  const dir = options.dir ?? join(repoRoot, "target", "demo-web");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const bin = options.keyServerBin ?? join(repoRoot, "target", "debug", "techdeck-keyserver");
  const maxFileSizeMb = options.maxFileSizeMb ?? 100;
  const pagePort = options.pagePort || (await freePort());
  const pageOrigin = `http://127.0.0.1:${pagePort}`;

  const stops = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => {});
  };
  try {
    const keyServer = await startKeyServer({
      bin,
      dir,
      port: options.keyServerPort || (await freePort()),
      origin: pageOrigin,
      env: options.keyServerEnv,
      log: options.keyServerLog,
    });
    stops.push(keyServer.stop);

    const sink = await startSink({ dir: join(dir, "uploads") });
    stops.push(sink.close);

    const worker = await startWorker({
      port: options.workerPort || 0,
      bindings: {
        KEY_SERVER_URL: keyServer.url,
        SINK_URL: sink.url,
        ALLOWED_ORIGIN: pageOrigin,
        MAX_FILE_SIZE_MB: String(maxFileSizeMb),
      },
    });
    stops.push(worker.dispose);

    const config = {
      keyServerUrl: keyServer.url,
      workerUrl: worker.url,
      maxFileSizeMb,
      accounts: keyServer.accounts.map(({ username, role, id }) => ({ username, role, id })),
    };
    const page = await servePage({ port: pagePort, config });
    stops.push(page.close);

    return {
      pageUrl: page.url,
      workerUrl: worker.url,
      keyServerUrl: keyServer.url,
      sink,
      accounts: keyServer.accounts,
      dir,
      stopKeyServer: keyServer.stop,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function main() {
  const port = (name, fallback) => Number(process.env[name] ?? fallback);
  const stack = await startStack({
    keyServerBin: process.env.KEYSERVER_BIN,
    dir: process.env.DEMO_DIR,
    pagePort: port("DEMO_PAGE_PORT", 5173),
    workerPort: port("DEMO_WORKER_PORT", 8788),
    keyServerPort: port("DEMO_KEYSERVER_PORT", 8787),
  });
  const lines = [
    "",
    `TechDeck demo page:  ${stack.pageUrl}`,
    `Worker (workerd):    ${stack.workerUrl}`,
    `Key server:          ${stack.keyServerUrl}`,
    `Uploads are stored in ${join(stack.dir, "uploads")}`,
    "",
    "Demo accounts (passwords are new at every start and valid until it stops):",
    ...stack.accounts.map((a) => `  ${a.username.padEnd(11)} ${a.password}   role ${a.role}`),
    "",
    "Press Ctrl-C to stop.",
  ];
  process.stdout.write(lines.join("\n") + "\n");
  const shutdown = async () => {
    await stack.stop();
    process.exit(0);
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    process.stderr.write(`demo: ${error.message}\n`);
    process.exit(1);
  });
}
