// Worker for the workerd start-up figure of bench/phi.mjs. `/ping` returns at once. `/scan`
// imports the package's Workers entry, which instantiates the compiled Wasm module, builds a
// scanner (with the name dictionary on `/scan-dictionary`) and scans one text, so its latency
// minus that of `/ping` is the start-up.
import dictionary from "../assets/phi-names.bin";

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === "/ping") return new Response("ok");
    const api = await import("../pkg/worker.js");
    const scanner = pathname === "/scan-dictionary" ? api.Scanner.withDictionary({}, new Uint8Array(dictionary)) : new api.Scanner({});
    const findings = scanner.scan(env.TEXT);
    return Response.json({ findings: findings.length, dictionary: scanner.hasDictionary });
  },
};
