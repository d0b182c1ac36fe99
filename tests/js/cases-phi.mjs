// JavaScript cases of the PHI scanner. The per-recognizer table in tests/fixtures/phi/cases.json
// is shared with the Rust tests. The Wasm build has no name dictionary, so cases that need one
// are left out here.

import { deepEqual, equal, ok, throwsCode } from "./assert.mjs";

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Returns the case table's cases that run without the name dictionary. */
function tableCases(fixtures) {
  const table = JSON.parse(decoder.decode(fixtures["phi/cases.json"]));
  const all = [];
  for (const [recognizer, items] of Object.entries(table.recognizers)) {
    for (const item of items) {
      if (!item.needsDictionary) all.push({ recognizer, ...item });
    }
  }
  return all;
}

export const phiCases = [
  {
    name: "phi: shared case table",
    run(api, fixtures) {
      const scanner = new api.Scanner();
      equal(scanner.hasDictionary, false, "hasDictionary without a dictionary");
      const cases = tableCases(fixtures);
      ok(cases.length > 40, `the case table has ${cases.length} cases without the dictionary`);
      for (const item of cases) {
        // Field context is a Rust scan_in argument; the JavaScript Scanner scans free text.
        if (item.field) continue;
        const found = scanner.scan(item.text).map((finding) => ({ type: finding.type, text: item.text.slice(finding.start16, finding.end16) }));
        deepEqual(found, item.expect, `${item.recognizer} / ${item.name}`);
      }
    },
  },
  {
    name: "phi: findings carry UTF-8 and UTF-16 offsets and no text",
    run(api) {
      const scanner = new api.Scanner();
      const text = "🎉 Ström’s cell is (415) 555-0134.";
      const findings = scanner.scan(text);
      deepEqual(findings.map((found) => found.type), ["NAME", "PHONE"], "types, the possessive name first");
      const finding = findings[1];
      deepEqual(Object.keys(finding).sort(), ["confidence", "end", "end16", "recognizer", "start", "start16", "type"], "finding keys");
      equal(finding.type, "PHONE", "type");
      equal(text.slice(finding.start16, finding.end16), "(415) 555-0134", "UTF-16 slice");
      const utf8 = encoder.encode(text);
      equal(decoder.decode(utf8.slice(finding.start, finding.end)), "(415) 555-0134", "UTF-8 slice");
      ok(finding.confidence > 0.5 && finding.confidence <= 1, "confidence in range");
    },
  },
  {
    name: "phi: options select types, confidence, patterns and lists",
    run(api) {
      const scanner = new api.Scanner({
        types: ["MRN", "NAME"],
        minConfidence: 0.6,
        patterns: [{ type: "MRN", pattern: "CHART-[0-9]{5}" }],
        allow: ["Dr. Who"],
        deny: [{ type: "NAME", value: "Zed" }],
      });
      const text = "Zed brought CHART-12345 and MRN 4107-2468; SSN 092-59-2889.";
      deepEqual(scanner.scan(text).map((finding) => [finding.type, text.slice(finding.start16, finding.end16)]), [["NAME", "Zed"], ["MRN", "CHART-12345"], ["MRN", "4107-2468"]], "findings");
    },
  },
  {
    name: "phi: bad options and arguments throw GuardError codes",
    run(api) {
      throwsCode(api, () => new api.Scanner({ colour: 1 }), "INVALID_OPTIONS", {}, "unknown key");
      throwsCode(api, () => new api.Scanner({ minConfidence: 2 }), "INVALID_OPTIONS", {}, "confidence out of range");
      throwsCode(api, () => new api.Scanner({ types: ["NOPE"] }), "INVALID_OPTIONS", {}, "unknown type");
      throwsCode(api, () => new api.Scanner({ patterns: [{ type: "MRN", pattern: "(" }] }), "INVALID_PATTERN", {}, "bad pattern");
      throwsCode(api, () => api.Scanner.withDictionary(undefined, new Uint8Array(16)), "INVALID_DICTIONARY", {}, "bad dictionary");
      const scanner = new api.Scanner();
      throwsCode(api, () => scanner.scan(42), "INVALID_ARGUMENT", {}, "non-string text");
      equal(scanner.scan("call (415) 555-0134").length, 1, "the scanner stays usable after errors");
    },
  },
];
