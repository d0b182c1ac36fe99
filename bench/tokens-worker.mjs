// The workerd side of bench/tokens.mjs: prepares the verifiers once, then runs case `case` of
// tokens-core.js `n` times per request. workerd advances its clocks only across I/O, so the
// driver times each request from outside.
import * as api from "../pkg/worker.js";
import * as jose from "../node_modules/jose/dist/webapi/index.js";

import { CASES, prepare } from "./tokens-core.js";

let statePromise;

export default {
  async fetch(request, env) {
    try {
      statePromise ??= prepare(api, jose, JSON.parse(env.PRIVATE_KEYS), JSON.parse(env.JWKS), true);
      const state = await statePromise;
      const url = new URL(request.url);
      const index = Number(url.searchParams.get("case"));
      const n = Number(url.searchParams.get("n"));
      const supported = index < 0 ? true : await CASES[index][2](state, n);
      return Response.json({ supported });
    } catch (error) {
      return Response.json({ error: String(error?.stack ?? error) }, { status: 500 });
    }
  },
};
