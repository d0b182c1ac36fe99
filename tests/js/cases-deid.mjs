// JavaScript cases of the de-identification API: DatasetScanner, Redactor and redact. They run
// unchanged in Node, headless Chromium and workerd, through tests/js/cases.mjs.
//
// Only the e-mail and SSN recognizers and column classification are relied on, so the cases
// hold whatever other recognizers the scanner has.

import { deepEqual, equal, ok, throwsCode } from "./assert.mjs";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes text as UTF-8. */
function bytes(text) {
  return encoder.encode(text);
}

/** Concatenates byte arrays. */
function concat(parts) {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Scans `data` in chunks of `size` bytes and returns every finding. */
function scanAll(api, data, options, size) {
  const scanner = new api.DatasetScanner(options);
  const found = [];
  for (let at = 0; at < data.length; at += size) {
    found.push(...scanner.feed(data.subarray(at, at + size)));
  }
  found.push(...scanner.finish());
  return { found, summary: scanner.summary() };
}

/** Redacts `data` in chunks of `size` bytes and returns `{ output, report }`. */
function redactAll(api, data, options, size) {
  const redactor = new api.Redactor(options);
  const parts = [];
  for (let at = 0; at < data.length; at += size) {
    parts.push(redactor.feed(data.subarray(at, at + size)));
  }
  const last = redactor.finish();
  parts.push(last.output);
  return { output: concat(parts), report: last.report };
}

const KEY = new Uint8Array(32).fill(7);

const NOTES = "id,client_name,note\n1,Ann Lee,\"write to 😬 a@b.org\"\n2,,ssn 123-45-6789\n";

export const deidCases = [
  {
    name: "deid: CSV scan with columns and UTF-16 offsets",
    run(api) {
      const progress = [];
      const data = bytes(NOTES);
      const { found, summary } = scanAll(api, data, { format: "csv", onProgress: (p) => progress.push(p.bytesRead) }, 7);
      const brief = found.map((f) => [f.location, f.type, f.start, f.end, f.utf16.start, f.utf16.end, f.recognizer]);
      deepEqual(brief, [
        [{ row: 1, column: "client_name" }, "NAME", 0, 7, 0, 7, "column_name"],
        [{ row: 1, column: "note" }, "EMAIL", 14, 21, 12, 19, "email"],
        [{ row: 2, column: "note" }, "SSN", 4, 15, 4, 15, "ssn"],
      ], "findings");
      equal("text" in found[1], false, "text is absent without includeText");
      equal(progress.at(-1), data.length, "last progress");
      ok(progress.every((value, index) => index === 0 || value > progress[index - 1]), "progress grows");
      deepEqual([summary.records, summary.values, summary.complete], [2, 6, true], "summary");
      const note = "write to 😬 a@b.org";
      equal(note.slice(found[1].utf16.start, found[1].utf16.end), "a@b.org", "UTF-16 slice");
    },
  },
  {
    name: "deid: JSON, JSON Lines and text locations",
    run(api) {
      const json = scanAll(api, bytes('[{"client": {"ssn": "x"}, "note": "a@b.org"}]'), { format: "json" }, 5).found;
      deepEqual(json.map((f) => [f.location, f.type]), [[{ pointer: "/0/client/ssn" }, "SSN"], [{ pointer: "/0/note" }, "EMAIL"]], "JSON");
      const jsonl = scanAll(api, bytes('{"a": 1}\n{"turns": [{"text": "ssn 123-45-6789"}]}\n'), { format: "jsonl", includeText: true }, 3).found;
      deepEqual(jsonl.map((f) => [f.location, f.text]), [[{ line: 2, pointer: "/turns/0/text" }, "123-45-6789"]], "JSON Lines");
      const text = "é line\nssn 123-45-6789\n";
      const found = scanAll(api, bytes(text), { format: "text" }, 4).found;
      deepEqual(found.map((f) => [f.location, f.start, f.end]), [[{}, 12, 23]], "text");
      equal(text.slice(found[0].utf16.start, found[0].utf16.end), "123-45-6789", "text UTF-16 slice");
    },
  },
  {
    name: "deid: streaming redaction equals one call",
    run(api) {
      const data = bytes(NOTES);
      const whole = api.redact(data, { format: "csv" });
      equal(decoder.decode(whole.output), 'id,client_name,note\n1,[NAME],"write to 😬 [EMAIL]"\n2,,ssn [SSN]\n', "output");
      for (const size of [1, 3, 16]) {
        const streamed = redactAll(api, data, { format: "csv" }, size);
        deepEqual(streamed.output, whole.output, `output at ${size}-byte chunks`);
        deepEqual(streamed.report, whole.report, `report at ${size}-byte chunks`);
      }
      const report = whole.report;
      deepEqual([report.complete, report.records, report.changedValues], [true, 2, 3], "report counts");
      deepEqual(report.types.map((t) => [t.type, t.operator, t.found, t.changed]), [["NAME", "tag", 1, 1], ["EMAIL", "tag", 1, 1], ["SSN", "tag", 1, 1]], "types");
      const shown = JSON.stringify(report);
      ok(!shown.includes("Ann") && !shown.includes("a@b.org") && !shown.includes("6789"), "the report holds no PHI");
    },
  },
  {
    name: "deid: keyed operators and pseudonyms across formats",
    run(api) {
      throwsCode(api, () => new api.Redactor({ format: "csv", operators: { NAME: "pseudonym" } }), "INVALID_KEY", { subject: "key" }, "no key");
      throwsCode(api, () => new api.Redactor({ format: "csv", operators: ["NAME=pseudonym"], key: new Uint8Array(16) }), "INVALID_KEY", {}, "short key");
      const options = { operators: ["NAME=pseudonym"], key: KEY };
      const csv = decoder.decode(api.redact(bytes("client_name\nAnn Lee\n"), { format: "csv", ...options }).output);
      const jsonl = decoder.decode(api.redact(bytes('{"client_name": "ANN LEE"}\n'), { format: "jsonl", ...options }).output);
      const pseudonym = csv.split("\n")[1];
      ok(/^NAME-[0-9A-Z]{6}$/.test(pseudonym), "pseudonym shape");
      equal(jsonl, `{"client_name": "${pseudonym}"}\n`, "same pseudonym in JSON Lines");
      const shifted = api.redact(bytes("client_id,dob\nc1,2023-03-01\nc1,2023-03-11\n"), {
        format: "csv", operators: { DATE: "shift", OTHER_ID: "keep" }, key: KEY, subjectField: "client_id",
      });
      const dates = decoder.decode(shifted.output).trim().split("\n").slice(1).map((line) => Date.parse(line.split(",")[1]));
      equal((dates[1] - dates[0]) / 86400000, 10, "interval in days");
      ok(dates[0] !== Date.parse("2023-03-01"), "the date moved");
    },
  },
  {
    name: "deid: errors leave the instance usable",
    run(api) {
      throwsCode(api, () => new api.DatasetScanner({ format: "xlsx" }), "INVALID_OPTIONS", { subject: "format" }, "bad format");
      throwsCode(api, () => new api.DatasetScanner({ format: "csv", minConfidence: 2 }), "INVALID_OPTIONS", {}, "bad confidence");
      throwsCode(api, () => new api.DatasetScanner({ format: "csv", colour: 1 }), "INVALID_OPTIONS", { subject: "colour" }, "unknown option");
      throwsCode(api, () => new api.DatasetScanner({ format: "csv", types: ["PERSON"] }), "INVALID_OPTIONS", { subject: "types" }, "bad type");
      throwsCode(api, () => new api.Redactor({ format: "csv", operators: { NAME: "blur" } }), "INVALID_OPTIONS", {}, "bad operator");
      const scanner = new api.DatasetScanner({ format: "csv" });
      throwsCode(api, () => scanner.feed("text"), "INVALID_ARGUMENT", { subject: "chunk" }, "string chunk");
      scanner.feed(bytes("e\na@b.org\n"));
      equal(scanner.finish().length, 1, "findings after a bad call");
      throwsCode(api, () => scanner.finish(), "ALREADY_FINISHED", {}, "second finish");
      const failing = new api.DatasetScanner({ format: "csv", onProgress: () => { throw new Error("stop"); } });
      let thrown;
      try {
        failing.feed(bytes("a\n"));
      } catch (error) {
        thrown = error;
      }
      equal(thrown?.message, "stop", "a progress callback's exception is thrown on");
      equal(api.redact(bytes("e\nx\n"), { format: "csv" }).report.complete, true, "the module still works");
    },
  },
  {
    name: "deid: fixtures redact completely",
    run(api, fixtures) {
      for (const [path, format] of [["csv/notes-sample.csv", "csv"], ["json/intake-sample.json", "json"], ["jsonl/conversations-sample.jsonl", "jsonl"]]) {
        const data = fixtures[path];
        ok(data instanceof Uint8Array, `fixture ${path} is missing`);
        const { output, report } = redactAll(api, data, { format, operators: { "*": "surrogate" }, key: KEY }, 4096);
        equal(report.complete, true, `${path} complete`);
        ok(report.changedValues > 0, `${path} changed values`);
        const after = scanAll(api, output, { format: "text" }, 4096).found;
        ok(after.every((f) => f.type !== "SSN" || !/^[0-8]/.test(decoder.decode(output.subarray(f.start, f.end)))), `${path} keeps no real-area SSN`);
        if (format === "json") JSON.parse(decoder.decode(output));
        if (format === "jsonl") decoder.decode(output).split("\n").filter((line) => line.trim()).forEach((line) => JSON.parse(line));
      }
    },
  },
  {
    name: "deid: Parquet redaction rewrites string columns",
    run(api, fixtures) {
      const data = fixtures["parquet/notes-plain-v1.parquet"];
      ok(data instanceof Uint8Array, "fixture parquet/notes-plain-v1.parquet is missing");
      const redactor = new api.Redactor({ format: "parquet" });
      for (let at = 0; at < data.length; at += 1000) {
        equal(redactor.feed(data.subarray(at, at + 1000)).length, 0, "feed returns nothing for Parquet");
      }
      const { output, report } = redactor.finish();
      deepEqual([report.format, report.complete, report.records, report.values], ["parquet", true, 12, 84], "report");
      equal(decoder.decode(output.subarray(0, 4)), "PAR1", "output magic");
      const before = scanAll(api, data, { format: "parquet" }, data.length).found;
      const after = scanAll(api, output, { format: "parquet" }, output.length);
      deepEqual(after.summary.problems, [], "the output reads without problems");
      ok(before.some((finding) => finding.type === "SSN"), "the input has an SSN");
      ok(after.found.every((finding) => finding.type !== "SSN"), "no SSN is left");
      equal(after.summary.records, 12, "rows");

      const nested = fixtures["parquet/nested-list.parquet"];
      throwsCode(api, () => api.redact(nested, { format: "parquet" }), "PARQUET_UNREADABLE", { subject: "nested" }, "list column");
    },
  },
];
