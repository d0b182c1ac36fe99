// Launches Debian's Chromium headless through playwright-core, kept off the network.
import { chromium } from "playwright-core";

/** Debian's Chromium; playwright-core must not download a browser of its own. */
export const CHROMIUM = "/usr/bin/chromium";

// Flags that keep Chromium off the network: no background services, no QUIC, and every host
// name except the loopback ones resolves to nothing.
const CHROMIUM_ARGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--disable-extensions",
  "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
];

/** Starts headless Chromium; the caller closes it. */
export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
