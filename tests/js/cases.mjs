// The JavaScript cases of techdeck-guard, run unchanged in Node, headless Chromium and workerd.
//
// Each case is `{ name, run(api, fixtures) }`: `api` is the package's module namespace, already
// initialised, and `fixtures` maps a path under tests/fixtures (such as
// "csv/counsel-chat-200.csv") to its bytes as a Uint8Array. The module uses no Node built-ins.
//
// The cases follow the contract in js/types.d.ts: exact finding codes, severities, rules and
// locations. Messages are free text, so only their presence is checked.

import { AssertionError, SkipCase, deepEqual, equal, ok, show, skip, throwsCode } from "./assert.mjs";
import { sealCases } from "./cases-seal.mjs";
import { parquetCases } from "./cases-parquet.mjs";
import { deidCases } from "./cases-deid.mjs";
import { guardCases } from "./cases-guard.mjs";
import { phiCases } from "./cases-phi.mjs";

export { AssertionError, SkipCase, deepEqual, equal, ok, skip, throwsCode };

const KIB = 1024;
const MIB = 1024 * 1024;

const encoder = new TextEncoder();

/** Encodes text as UTF-8. */
function bytes(text) {
  return encoder.encode(text);
}

/**
 * Checks the invariants that every upload report must hold, whatever the input: `valid` is
 * true exactly when there are no errors, severities match their list, every finding has a
 * message, and the counters are whole numbers.
 */
function checkReportShape(report) {
  ok(report !== null && typeof report === "object", `report must be an object, got ${show(report)}`);
  equal(report.valid, report.errors.length === 0, "report.valid compared with errors.length === 0");
  for (const [list, severity] of [[report.errors, "error"], [report.warnings, "warning"]]) {
    for (const finding of list) {
      equal(finding.severity, severity, `severity of ${finding.code}`);
      ok(typeof finding.message === "string" && finding.message.length > 0, `${finding.code} has no message`);
      ok(finding.location !== null && typeof finding.location === "object", `${finding.code} has no location`);
    }
  }
  for (const counter of ["bytes", "records", "values", "suppressed"]) {
    ok(Number.isInteger(report.stats[counter]), `stats.${counter} must be a whole number`);
  }
  return report;
}

/** Validates `content` (text or bytes) as a file called `options` (a name or an options object). */
function upload(api, content, options) {
  const data = typeof content === "string" ? bytes(content) : content;
  const uploadOptions = typeof options === "string" ? { fileName: options } : options;
  return checkReportShape(api.validateUpload(data, uploadOptions));
}

/**
 * Asserts that `findings` are exactly `expected`, in order. Each expected entry names the
 * `code` and optionally `severity`, `rule` and the `location` fields to compare.
 */
function expectFindings(findings, expected, label) {
  const projected = findings.map((finding, index) => {
    const want = expected[index] ?? {};
    const got = { code: finding.code };
    if ("severity" in want) got.severity = finding.severity;
    if ("rule" in want) got.rule = finding.rule;
    if ("location" in want) {
      got.location = {};
      for (const key of Object.keys(want.location)) {
        got.location[key] = finding.location[key];
      }
    }
    return got;
  });
  deepEqual(projected, expected, label);
}

/** Returns the codes of `findings`. */
function codes(findings) {
  return findings.map((finding) => finding.code);
}

/** Feeds `data` to a new UploadValidator in chunks of `size` bytes and returns the report. */
function stream(api, data, options, size) {
  const validator = new api.UploadValidator(options);
  for (let start = 0; start < data.length; start += size) {
    validator.update(data.subarray(start, start + size));
  }
  return checkReportShape(validator.finish());
}

// ---------------------------------------------------------------------------------------------
// Inputs shared by several cases.

const PLAIN_CSV = "id,speaker,text\n1,client,I feel anxious before sessions.\n2,therapist,\"That makes sense, let's talk.\"\n";

function plainCsvReport() {
  return {
    valid: true,
    errors: [],
    warnings: [],
    stats: {
      bytes: bytes(PLAIN_CSV).length,
      format: "csv",
      records: 2,
      values: 6,
      delimiter: ",",
      columns: ["id", "speaker", "text"],
      suppressed: 0,
    },
  };
}

/**
 * Returns a CSV of about 100 KiB, and its record count, whose rows put multi-byte characters,
 * quoted line breaks and findings at many chunk boundaries.
 */
function streamingCsv() {
  const rows = ["id,speaker,text"];
  let records = 0;
  for (let i = 1; rows.join("\n").length < 100 * KIB; i++) {
    let text = `"Séance ${i}: 日本語 and 😀, feeling calmer"`;
    if (i % 97 === 0) text = `"quoted, with ""doubled"" quotes\r\nand a second line ${i}"`;
    if (i === 50) text = "=1+1";
    if (i === 777) text = "<script>alert(1)</script>";
    if (i === 900) text = `key ${"AKIA" + "Q".repeat(16)}`;
    rows.push(`${i},${i % 2 ? "client" : "therapist"},${text}`);
    records = i;
  }
  return { data: bytes(rows.join("\n") + "\n"), records };
}

/** Returns a JSON array of about 100 KiB with the same kinds of content as `streamingCsv`. */
function streamingJson() {
  const records = [];
  for (let i = 1; JSON.stringify(records).length < 100 * KIB; i++) {
    const record = { id: i, speaker: i % 2 ? "client" : "therapist", text: `Séance ${i}: 日本語 and 😀`, score: i / 8 };
    if (i === 300) record.text = "<img src=x onerror=alert(1)>";
    if (i === 600) record.note = "\ud83d\ude00 pair";
    records.push(record);
  }
  return bytes(JSON.stringify(records, null, 1));
}

/** Returns a CSV of exactly `size` bytes, valid and free of findings. */
function csvOfSize(size) {
  const header = "id,note\n";
  const row = (i, note) => `${i},${note}\n`;
  let text = header;
  let i = 1;
  while (text.length + row(i, "x".repeat(40)).length + row(i + 1, "x").length <= size) {
    text += row(i, "x".repeat(40));
    i++;
  }
  const padding = size - text.length - row(i, "").length;
  text += row(i, "x".repeat(padding));
  equal(text.length, size, "generated CSV size");
  return bytes(text);
}

const RULE_TABLE = {
  endpoints: {
    "POST /api/sessions": {
      strict: true,
      roles: ["admin", "admin_readonly", "therapist", "researcher"],
      fields: {
        title: { type: "string", required: true, maxLength: 20 },
        patient_id: { type: "string", pattern: "[0-9]+" },
        count: { type: "integer" },
        notes: { type: "object" },
        tags: { type: "array", maxLength: 40 },
      },
      roleRestrictions: {
        researcher: ["patient_id"],
        admin_readonly: ["notes"],
      },
    },
    "GET /api/health": {},
  },
};

const SESSIONS = "POST /api/sessions";

/** Returns a request that passes every rule of SESSIONS for the role "admin". */
function validRequest() {
  return {
    title: "Intake\u200b notes",
    patient_id: "12345",
    count: 3,
    notes: { mood: "calm", history: ["first visit"] },
    tags: ["intake"],
  };
}

function validateRequest(api, request, role = "admin", endpoint = SESSIONS) {
  const rules = new api.RequestRules(RULE_TABLE);
  const report = rules.validate(request, endpoint, role);
  equal(report.valid, report.errors.length === 0, "report.valid compared with errors.length === 0");
  if (!report.valid) equal(report.sanitized, null, "sanitized of an invalid request");
  return report;
}

/** Asserts that the module still returns the exact report for PLAIN_CSV after bad calls. */
function assertInstanceAlive(api, before) {
  const after = upload(api, PLAIN_CSV, "sessions.csv");
  deepEqual(after, before, "report after the bad calls compared with the report before them");
  deepEqual(after, plainCsvReport(), "report for the plain CSV");
}

// ---------------------------------------------------------------------------------------------
// The cases.

export const cases = [
  // CSV ---------------------------------------------------------------------------------------
  {
    name: "csv: valid file report and stats",
    run(api) {
      deepEqual(upload(api, PLAIN_CSV, { fileName: "sessions.csv", contentType: "text/csv" }), plainCsvReport(), "report");
    },
  },
  {
    name: "csv: delimiter detection",
    run(api) {
      const inputs = [
        ["id;note\n1;a, b\n2;c\n", ";"],
        ["id\tnote\n1\ta;b\n2\tc\n", "\t"],
        ["id|note\n1|a,b\n2|c\n", "|"],
        ["id,note\n1,a;b\n2,c\n", ","],
      ];
      for (const [text, delimiter] of inputs) {
        const report = upload(api, text, "sessions.csv");
        deepEqual(report.errors, [], `errors with ${show(delimiter)}`);
        equal(report.stats.delimiter, delimiter, `delimiter of ${show(text)}`);
        deepEqual(report.stats.columns, ["id", "note"], `columns with ${show(delimiter)}`);
        equal(report.stats.records, 2, `records with ${show(delimiter)}`);
      }
    },
  },
  {
    name: "csv: csvDelimiter option wins",
    run(api) {
      const report = upload(api, "a,b;c\n1,2;3\n", { fileName: "sessions.csv", csvDelimiter: ";" });
      equal(report.stats.delimiter, ";", "delimiter");
      deepEqual(report.stats.columns, ["a,b", "c"], "columns");
      equal(report.stats.records, 1, "records");
    },
  },
  {
    name: "csv: quoted newlines, CRLF, doubled quotes",
    run(api) {
      const text = 'id,note\r\n1,"line one\r\nline two"\r\n2,"she said ""hi"""\r\n3,"a\nb"\r\n';
      const report = upload(api, text, "sessions.csv");
      deepEqual(report.errors, [], "errors");
      deepEqual(report.warnings, [], "warnings");
      equal(report.stats.records, 3, "records");
      equal(report.stats.values, 6, "values");
      deepEqual(report.stats.columns, ["id", "note"], "columns");

      // Lines count physical lines: record 4 starts on line 7 because records 1 and 3 span two.
      const withFormula = `${text}4,@SUM(A1)\r\n`;
      const flagged = upload(api, withFormula, "sessions.csv");
      expectFindings(flagged.errors, [{
        code: "FORMULA_INJECTION",
        severity: "error",
        location: { record: 4, line: 7, column: "note", offset: withFormula.indexOf("@SUM") },
      }], "errors after a formula in record 4");
    },
  },
  {
    name: "csv: byte-order mark is not part of the header",
    run(api) {
      const data = bytes("\ufeffid,note\n1,a\n");
      equal(data[0], 0xef, "first byte of the UTF-8 BOM");
      const report = upload(api, data, "sessions.csv");
      deepEqual(report.errors, [], "errors");
      deepEqual(report.warnings, [], "warnings");
      deepEqual(report.stats.columns, ["id", "note"], "columns");
      equal(report.stats.records, 1, "records");
    },
  },
  {
    name: "csv: ragged rows",
    run(api) {
      const report = upload(api, "id,note\n1,a\n2,b,c\n3\n4,d\n", "sessions.csv");
      expectFindings(report.errors, [
        { code: "CSV_RAGGED_ROW", severity: "error", location: { record: 2, line: 3 } },
        { code: "CSV_RAGGED_ROW", severity: "error", location: { record: 3, line: 4 } },
      ], "errors");
      equal(report.valid, false, "valid");
      equal(report.stats.records, 4, "records, ragged rows included");
    },
  },
  {
    name: "csv: unterminated quote",
    run(api) {
      const report = upload(api, 'id,note\n1,ok\n2,"never closed\n3,x\n', "sessions.csv");
      expectFindings(report.errors, [
        { code: "CSV_UNTERMINATED_QUOTE", severity: "error", location: { record: 2, line: 3 } },
      ], "errors");
    },
  },
  {
    name: "csv: formula injection",
    run(api) {
      const text = [
        "id,note",
        '1,"=HYPERLINK(""http://example.invalid"",""open"")"',
        "2,@SUM(A1:A2)",
        "3,+cmd",
        '4,"\tleading tab"',
        "5,-12.5",
        "6,+1 (555) 010-0100",
        "7,plain text",
      ].join("\n") + "\n";
      const report = upload(api, text, { fileName: "sessions.csv", csvDelimiter: "," });
      const flagged = [1, 2, 3, 4].map((record) => ({
        code: "FORMULA_INJECTION",
        severity: "error",
        location: { record, line: record + 1, column: "note" },
      }));
      expectFindings(report.errors, flagged, "errors (records 5 and 6 are a number and a phone number)");
      deepEqual(report.warnings, [], "warnings");
      equal(report.stats.records, 7, "records");
    },
  },
  {
    name: "csv: formula rule applies to CSV only",
    run(api) {
      const report = upload(api, JSON.stringify([{ note: "=1+1" }, { note: "@SUM(A1)" }]), "notes.json");
      deepEqual(report.errors, [], "errors for formula-like JSON strings");
      equal(report.stats.records, 2, "records");
    },
  },

  {
    name: "csv: stray quotes and header problems",
    run(api) {
      const stray = upload(api, 'id,note\n1,ab"c\n2,"x"y\n', "sessions.csv");
      deepEqual(stray.errors, [], "errors for stray quotes");
      expectFindings(stray.warnings, [
        { code: "CSV_STRAY_QUOTE", severity: "warning", location: { record: 1, line: 2, column: "note" } },
        { code: "CSV_STRAY_QUOTE", severity: "warning", location: { record: 2, line: 3, column: "note" } },
      ], "warnings for stray quotes");

      const duplicate = upload(api, "id,id\n1,2\n", "sessions.csv");
      expectFindings(duplicate.warnings, [
        { code: "CSV_BAD_HEADER", severity: "warning", location: { line: 1, column: "#2" } },
      ], "warnings for a duplicate header name");

      const wide = upload(api, Array.from({ length: 4097 }, (_, i) => `c${i}`).join(",") + "\n", "wide.csv");
      expectFindings(wide.errors, [
        { code: "CSV_TOO_MANY_COLUMNS", severity: "error", location: { line: 1 } },
      ], "errors for 4097 columns");
    },
  },
  {
    name: "limits: value over 4 MiB",
    run(api) {
      const huge = "a".repeat(4 * MIB + 1);
      const csv = upload(api, `id,note\n1,${huge}\n2,b\n`, "sessions.csv");
      expectFindings(csv.errors, [
        { code: "VALUE_TOO_LARGE", severity: "error", location: { record: 1, line: 2, column: "note" } },
      ], "errors for a huge CSV cell");
      equal(csv.stats.records, 2, "records after a huge cell");

      const json = upload(api, JSON.stringify([{ t: huge }, { t: "b" }]), "sessions.json");
      expectFindings(json.errors, [
        { code: "VALUE_TOO_LARGE", severity: "error", location: { pointer: "/0/t" } },
      ], "errors for a huge JSON string");
      equal(json.stats.records, 2, "records after a huge string");
    },
  },
  {
    name: "limits: 100 findings per code",
    run(api) {
      let text = "id,note\n";
      for (let i = 1; i <= 150; i++) text += `${i},=A${i}\n`;
      const report = upload(api, text, "sessions.csv");
      equal(report.errors.length, 100, "kept FORMULA_INJECTION findings");
      ok(report.errors.every((finding) => finding.code === "FORMULA_INJECTION"), "every kept error is FORMULA_INJECTION");
      equal(report.errors[99].location.record, 100, "record of the last kept finding");
      equal(report.stats.suppressed, 50, "suppressed findings");
      equal(report.stats.records, 150, "records");
    },
  },
  {
    name: "encoding: invalid UTF-8 after 8 KiB",
    run(api) {
      // The first 8 KiB are text, so the file is a CSV with a bad byte sequence in it,
      // whether it arrives whole or in chunks.
      const data = new Uint8Array(20000).fill(0x61);
      data.set(bytes("id,note\n1,"));
      data.set([0xff, 0xfe], 15000);
      data[data.length - 1] = 0x0a;
      const options = { fileName: "sessions.csv" };
      const whole = upload(api, data, options);
      expectFindings(whole.errors, [
        { code: "INVALID_ENCODING", severity: "error", location: { record: 1, line: 2, column: "note" } },
      ], "errors for the whole file");
      for (const size of [1024, 8 * KIB, 64 * KIB]) {
        deepEqual(stream(api, data, options, size), whole, `report for ${size}-byte chunks`);
      }
    },
  },

  // JSON and JSON Lines ------------------------------------------------------------------------
  {
    name: "json: array of records",
    run(api) {
      const text = '[{"speaker":"client","text":"hi"},{"speaker":"therapist","text":"hello","turn":2}]';
      deepEqual(upload(api, text, { fileName: "sessions.json", contentType: "application/json" }), {
        valid: true,
        errors: [],
        warnings: [],
        stats: { bytes: text.length, format: "json", records: 2, values: 10, suppressed: 0 },
      }, "report");

      const single = upload(api, '{"sessions":[]}', "sessions.json");
      equal(single.valid, true, "valid for a single object");
      equal(single.stats.records, 1, "records for a document that is not an array");
    },
  },
  {
    name: "json: duplicate key",
    run(api) {
      const report = upload(api, '[{"a":1},{"b":1,"b":2}]', "sessions.json");
      expectFindings(report.errors, [
        { code: "JSON_DUPLICATE_KEY", severity: "error", location: { pointer: "/1/b" } },
      ], "errors");
    },
  },
  {
    name: "json: depth bomb",
    run(api) {
      for (const [label, text] of [["arrays", "[".repeat(100000)], ["objects", '{"a":'.repeat(100000)]]) {
        const report = upload(api, text, "bomb.json");
        equal(report.valid, false, `valid for nested ${label}`);
        equal(codes(report.errors).filter((code) => code === "JSON_TOO_DEEP").length, 1, `JSON_TOO_DEEP count for ${label}`);
      }
    },
  },
  {
    name: "json: depth limit is 64",
    run(api) {
      const atLimit = upload(api, "[".repeat(64) + "]".repeat(64), "deep.json");
      deepEqual(atLimit.errors, [], "errors at depth 64");
      const overLimit = upload(api, "[".repeat(65) + "]".repeat(65), "deep.json");
      deepEqual(codes(overLimit.errors), ["JSON_TOO_DEEP"], "errors at depth 65");
    },
  },
  {
    name: "json: lone surrogate warning",
    run(api) {
      const report = upload(api, '[{"text":"\\ud800 alone"},{"text":"\\udc00"},{"text":"\\ud83d\\ude00 pair"}]', "notes.json");
      equal(report.valid, true, "valid");
      deepEqual(report.errors, [], "errors");
      expectFindings(report.warnings, [
        { code: "JSON_LONE_SURROGATE", severity: "warning", location: { pointer: "/0/text" } },
        { code: "JSON_LONE_SURROGATE", severity: "warning", location: { pointer: "/1/text" } },
      ], "warnings (the escaped pair in record 3 is valid)");
    },
  },
  {
    name: "json: long numbers",
    run(api) {
      const report = upload(api, `[{"n":${"9".repeat(500)}},{"n":-1.5e-300}]`, "numbers.json");
      deepEqual(report.errors, [], "errors for a 500-digit number");
      deepEqual(report.warnings, [], "warnings for a 500-digit number");

      const tooLong = upload(api, `[{"n":${"9".repeat(1025)}}]`, "numbers.json");
      const all = codes([...tooLong.errors, ...tooLong.warnings]);
      ok(all.includes("JSON_NUMBER_TOO_LONG"), `a 1025-digit number must be reported, got ${show(all)}`);
    },
  },
  {
    name: "json: syntax errors",
    run(api) {
      for (const text of ['[{"a":1,}]', '[{"a":', "[] x", "{'a':1}", '["\\x41"]']) {
        const report = upload(api, text, "broken.json");
        equal(report.valid, false, `valid for ${show(text)}`);
        ok(codes(report.errors).includes("JSON_SYNTAX"), `JSON_SYNTAX for ${show(text)}, got ${show(codes(report.errors))}`);
      }
    },
  },
  {
    name: "jsonl: invalid line 2 of 3",
    run(api) {
      const report = upload(api, '{"a":1}\n{"a":\n{"a":3}\n', "sessions.jsonl");
      expectFindings(report.errors, [
        { code: "JSONL_INVALID_LINE", severity: "error", location: { line: 2 } },
      ], "errors");
      equal(report.stats.format, "jsonl", "format");
      equal(report.stats.records, 2, "records");
    },
  },

  // Parquet and content sniffing ---------------------------------------------------------------
  {
    name: "parquet: magic without footer",
    run(api) {
      const truncated = new Uint8Array(64);
      truncated.set(bytes("PAR1"));
      // A footer length far beyond the file size, then the closing magic.
      const hugeFooter = new Uint8Array(64);
      hugeFooter.set(bytes("PAR1"));
      hugeFooter.set([0xf0, 0xff, 0xff, 0xff], 56);
      hugeFooter.set(bytes("PAR1"), 60);
      for (const [label, data] of [["magic only", bytes("PAR1")], ["no footer", truncated], ["footer length past the start", hugeFooter]]) {
        const report = upload(api, data, "sessions.parquet");
        deepEqual(codes(report.errors), ["PARQUET_INVALID"], `errors for ${label}`);
      }
    },
  },
  {
    name: "parquet: fixture sessions.parquet",
    run(api, fixtures) {
      const data = fixtures["parquet/sessions.parquet"];
      if (data === undefined) skip("tests/fixtures/parquet/sessions.parquet is not checked in");
      const report = upload(api, data, "sessions.parquet");
      deepEqual(report.errors, [], "errors");
      equal(report.valid, true, "valid");
      equal(report.stats.format, "parquet", "format");
      equal(report.stats.records, 3, "records");
      // tests/fixtures/make_parquet.py writes a struct column whose leaves are contact.phone and contact.email.
      deepEqual(report.stats.columns, ["session_id", "minutes", "note", "contact.phone", "contact.email"], "columns");
    },
  },
  {
    name: "content: bytes that contradict the extension",
    run(api) {
      const elf = new Uint8Array(64);
      elf.set([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]);
      const zip = new Uint8Array(64);
      zip.set([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00]);
      const parquet = new Uint8Array(64);
      parquet.set(bytes("PAR1"));
      const inputs = [
        ["CSV named .parquet", bytes("id,note\n1,a\n"), "sessions.parquet"],
        ["ELF named .csv", elf, "sessions.csv"],
        ["ZIP named .csv", zip, "sessions.csv"],
        ["ZIP named .json", zip, "sessions.json"],
        ["Parquet named .csv", parquet, "sessions.csv"],
      ];
      for (const [label, data, fileName] of inputs) {
        const report = upload(api, data, fileName);
        expectFindings(report.errors, [
          { code: "CONTENT_MISMATCH", severity: "error", location: { offset: 0 } },
        ], `errors for ${label}`);
      }
    },
  },

  // Malicious content --------------------------------------------------------------------------
  {
    name: "malicious: payload rules in JSON",
    run(api) {
      const payloads = [
        ["<script>alert(1)</script>", "script_tag"],
        ["<ScRiPt>alert(1)</ScRiPt>", "script_tag"],
        ["&#60;script>alert(1)&#60;/script>", "script_tag"],
        ["%3Cscript%3Ealert(1)%3C/script%3E", "script_tag"],
        ["\uff1c\uff53\uff43\uff52\uff49\uff50\uff54\uff1ealert(1)", "script_tag"],
        ["java\u200bscript:alert(1)", "javascript_url"],
        ["<img src=x onerror=alert(1)>", "event_handler"],
        ["<?php echo 'x'; ?>", "php_tag"],
        ["eval (atob('YWxlcnQoMSk='))", "eval_call"],
        ["os.system('id')", "system_call"],
        ["__import__('os')", "python_import"],
      ];
      const failures = [];
      for (const [payload, rule] of payloads) {
        const report = upload(api, JSON.stringify([{ text: payload }]), "notes.json");
        try {
          expectFindings(report.errors, [
            { code: "MALICIOUS_CONTENT", severity: "error", rule, location: { pointer: "/0/text", line: 1 } },
          ], `errors for ${show(payload)}`);
        } catch (error) {
          failures.push(error.message);
        }
      }
      ok(failures.length === 0, failures.join("\n"));
    },
  },
  {
    name: "malicious: location in a CSV cell",
    run(api) {
      const text = "id,note\n1,hello\n2,<ScRiPt>alert(1)</script>\n";
      const report = upload(api, text, "sessions.csv");
      expectFindings(report.errors, [{
        code: "MALICIOUS_CONTENT",
        severity: "error",
        rule: "script_tag",
        location: { record: 2, line: 3, column: "note", offset: text.indexOf("<ScRiPt>") },
      }], "errors");
    },
  },
  {
    name: "malicious: ordinary prose passes",
    run(api) {
      const prose = [
        "I evaluated my week with my therapist and we talked about the ecosystem of my support network.",
        "Scripture reading and an important system of reminders help; on Monday I felt 3 < 5 times calmer.",
        "She said the evaluation (and my script for the phone call) went well, e.g. asking for help.",
      ];
      const json = upload(api, JSON.stringify(prose.map((text) => ({ text }))), "notes.json");
      deepEqual(json.errors, [], "errors for prose in JSON");
      deepEqual(json.warnings, [], "warnings for prose in JSON");
      const csv = upload(api, "id,text\n" + prose.map((text, i) => `${i + 1},"${text}"`).join("\n") + "\n", "notes.csv");
      deepEqual(csv.errors, [], "errors for prose in CSV");
      deepEqual(csv.warnings, [], "warnings for prose in CSV");
      equal(csv.stats.records, 3, "records");
    },
  },

  // Secrets ------------------------------------------------------------------------------------
  {
    name: "secrets: warnings without the secret text",
    run(api) {
      // Each secret is built from pieces so that no scanner flags this file.
      const secrets = [
        ["AWS access key id", "AKIA" + "Z".repeat(16), "aws_access_key_id"],
        ["GitHub token", "ghp_" + "aB3d".repeat(9), "github_token"],
        ["PEM private key", "-----BEGIN " + "RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA" + "q".repeat(40), "private_key"],
      ];
      for (const [label, secret, rule] of secrets) {
        const report = upload(api, JSON.stringify([{ note: `config ${secret}` }]), "notes.json");
        equal(report.valid, true, `valid with a ${label}`);
        deepEqual(report.errors, [], `errors with a ${label}`);
        expectFindings(report.warnings, [
          { code: "SECRET", severity: "warning", rule, location: { pointer: "/0/note" } },
        ], `warnings with a ${label}`);
        ok(!JSON.stringify(report).includes(secret), `the report must not contain the ${label}`);
      }

      const aws = "AKIA" + "Z".repeat(16);
      const csv = upload(api, `id,note\n1,ok\n2,key ${aws}\n`, "notes.csv");
      expectFindings(csv.warnings, [
        { code: "SECRET", severity: "warning", rule: "aws_access_key_id", location: { record: 2, line: 3, column: "note" } },
      ], "warnings in CSV");
      ok(!JSON.stringify(csv).includes(aws), "the CSV report must not contain the AWS access key id");
    },
  },

  // File names, extensions and content types --------------------------------------------------
  {
    name: "file name: unsafe names",
    run(api) {
      const unsafe = (rule) => ({ code: "UNSAFE_FILE_NAME", severity: "error", rule, location: {} });
      const names = [
        ["../x.csv", [unsafe("path_traversal")]],
        ["..\\x.csv", [unsafe("path_traversal")]],
        ["/etc/x.csv", [unsafe("absolute_path")]],
        ["x.csv.exe", [unsafe("double_extension"), { code: "EXTENSION_NOT_ALLOWED", severity: "error", location: {} }]],
        ["a\u0000.csv", [unsafe("nul")]],
        ["report\u202Egpj.csv", [unsafe("bidi_control")]],
      ];
      for (const [fileName, expected] of names) {
        const report = upload(api, "id\n1\n", fileName);
        expectFindings(report.errors, expected, `errors for ${show(fileName)}`);
      }
    },
  },
  {
    name: "file name: extension allow-list",
    run(api) {
      for (const fileName of ["x.txt", "noextension", "x.xlsx"]) {
        const report = upload(api, "id\n1\n", fileName);
        expectFindings(report.errors, [
          { code: "EXTENSION_NOT_ALLOWED", severity: "error", location: {} },
        ], `errors for ${show(fileName)}`);
      }
      const upper = upload(api, "id\n1\n", "DATA.CSV");
      deepEqual(upper.errors, [], "errors for DATA.CSV");
      equal(upper.stats.format, "csv", "format for DATA.CSV");
    },
  },
  {
    name: "file name: content type checks",
    run(api) {
      const png = upload(api, "id\n1\n", { fileName: "x.csv", contentType: "image/png" });
      equal(png.valid, true, "valid with image/png");
      expectFindings(png.warnings, [
        { code: "CONTENT_TYPE_MISMATCH", severity: "warning", location: {} },
      ], "warnings with image/png");
      for (const contentType of ["", "text/csv", "TEXT/CSV; charset=utf-8", "application/csv"]) {
        const report = upload(api, "id\n1\n", { fileName: "x.csv", contentType });
        deepEqual(report.warnings, [], `warnings with content type ${show(contentType)}`);
      }
    },
  },

  // Size ---------------------------------------------------------------------------------------
  {
    name: "size: content over maxFileSizeMb",
    run(api) {
      const data = csvOfSize(1.5 * MIB);
      const report = upload(api, data, { fileName: "big.csv", maxFileSizeMb: 1 });
      expectFindings(report.errors, [{ code: "FILE_TOO_LARGE", severity: "error", location: {} }], "errors");
      equal(report.stats.bytes, data.length, "bytes");

      const exact = upload(api, csvOfSize(MIB), { fileName: "exact.csv", maxFileSizeMb: 1 });
      deepEqual(exact.errors, [], "errors for exactly 1 MiB");
    },
  },
  {
    name: "size: declared size rejects early",
    run(api) {
      const options = { fileName: "big.csv", size: 2 * MIB, maxFileSizeMb: 1 };
      const validator = new api.UploadValidator(options);
      equal(validator.rejected, true, "rejected before any update");
      const report = checkReportShape(validator.finish());
      expectFindings(report.errors, [{ code: "FILE_TOO_LARGE", severity: "error", location: {} }], "errors from finish");

      const whole = upload(api, "id\n1\n", options);
      deepEqual(codes(whole.errors), ["FILE_TOO_LARGE"], "errors from validateUpload");

      const within = new api.UploadValidator({ fileName: "ok.csv", size: MIB, maxFileSizeMb: 1 });
      equal(within.rejected, false, "rejected for a declared size of exactly 1 MiB");
    },
  },
  {
    name: "size: streamed content over the limit",
    run(api) {
      const data = csvOfSize(1.5 * MIB);
      const validator = new api.UploadValidator({ fileName: "big.csv", maxFileSizeMb: 1 });
      equal(validator.rejected, false, "rejected before any update");
      for (let start = 0; start < data.length; start += 64 * KIB) {
        validator.update(data.subarray(start, start + 64 * KIB));
      }
      equal(validator.rejected, true, "rejected after 1.5 MiB");
      const report = checkReportShape(validator.finish());
      deepEqual(codes(report.errors), ["FILE_TOO_LARGE"], "errors");
      equal(report.stats.bytes, data.length, "bytes");
    },
  },
  {
    name: "size: empty file",
    run(api) {
      for (const fileName of ["empty.csv", "empty.json", "empty.jsonl", "empty.parquet"]) {
        const report = upload(api, new Uint8Array(0), fileName);
        expectFindings(report.errors, [{ code: "FILE_EMPTY", severity: "error", location: {} }], `errors for ${fileName}`);
        equal(report.stats.bytes, 0, `bytes for ${fileName}`);
      }
    },
  },

  // Streaming ----------------------------------------------------------------------------------
  {
    name: "streaming: chunked CSV equals whole",
    run(api) {
      const { data, records } = streamingCsv();
      const options = { fileName: "stream.csv", contentType: "text/csv" };
      const whole = upload(api, data, options);
      equal(whole.stats.records, records, "records");
      deepEqual(codes(whole.errors), ["FORMULA_INJECTION", "MALICIOUS_CONTENT"], "errors of the whole file");
      deepEqual(codes(whole.warnings), ["SECRET"], "warnings of the whole file");
      for (const size of [1, 7, 64 * KIB]) {
        deepEqual(stream(api, data, options, size), whole, `report for ${size}-byte chunks`);
      }
    },
  },
  {
    name: "streaming: chunked JSON equals whole",
    run(api) {
      const data = streamingJson();
      const options = { fileName: "stream.json" };
      const whole = upload(api, data, options);
      expectFindings(whole.errors, [
        { code: "MALICIOUS_CONTENT", rule: "event_handler", location: { pointer: "/299/text" } },
      ], "errors of the whole file");
      for (const size of [1, 7, 64 * KIB]) {
        deepEqual(stream(api, data, options, size), whole, `report for ${size}-byte chunks`);
      }
    },
  },
  {
    name: "streaming: character split at chunk edge",
    run(api) {
      // Eight 4-byte emoji fill bytes 8187 to 8218, so the splits below and the end of the
      // 8 KiB of leading bytes that decide the content kind fall inside a character.
      let text = "id,note\n";
      while (text.length < 8180) text += `${text.length},plain ascii note\n`;
      text += `${text.length},${"😀".repeat(8)}\n`;
      const data = bytes(text);
      const options = { fileName: "edge.csv" };
      const whole = upload(api, data, options);
      deepEqual(whole.errors, [], "errors of the whole file");
      for (const split of [8190, 8191, 8192, 8193, 8194]) {
        const validator = new api.UploadValidator(options);
        validator.update(data.subarray(0, split));
        validator.update(data.subarray(split));
        deepEqual(checkReportShape(validator.finish()), whole, `report when split at byte ${split}`);
      }
    },
  },
  {
    name: "streaming: finish twice, update after finish",
    run(api) {
      const validator = new api.UploadValidator({ fileName: "sessions.csv" });
      validator.update(bytes(PLAIN_CSV));
      deepEqual(validator.finish(), plainCsvReport(), "first finish");
      throwsCode(api, () => validator.finish(), "ALREADY_FINISHED", {}, "second finish()");
      throwsCode(api, () => validator.update(bytes("3,client,more\n")), "ALREADY_FINISHED", {}, "update() after finish()");
      equal(validator.rejected, false, "rejected after finish");
    },
  },

  // Sanitizing ---------------------------------------------------------------------------------
  {
    name: "sanitize: validateUpload returns clean bytes",
    run(api) {
      const text = "\uFEFFid,note\r\n1,\"call\u200Bme\u202E now\"\r\n2,plain\u0007\r\n";
      const report = upload(api, text, { fileName: "notes.csv", sanitize: true });
      equal(report.valid, true, "valid");
      ok(report.sanitizedData instanceof Uint8Array, "sanitizedData must be a Uint8Array");
      equal(new TextDecoder().decode(report.sanitizedData), "id,note\r\n1,\"callme now\"\r\n2,plain\r\n", "sanitized text");
      const again = upload(api, report.sanitizedData, { fileName: "notes.csv" });
      deepEqual([again.valid, again.stats.records, again.stats.values], [true, 2, 4], "sanitized file validates the same");
      equal("sanitizedData" in upload(api, text, "notes.csv"), false, "no sanitizedData without the option");
      equal(upload(api, "a,b\n=1,2\n", { fileName: "bad.csv", sanitize: true }).sanitizedData, null, "invalid upload");
      throwsCode(api, () => api.validateUpload(bytes(text), { fileName: "notes.csv", sanitize: "yes" }), "INVALID_OPTIONS", { subject: "sanitize" }, "sanitize as text");
      throwsCode(api, () => new api.UploadValidator({ fileName: "notes.csv", sanitize: true }), "INVALID_OPTIONS", { subject: "sanitize" }, "sanitize on UploadValidator");
    },
  },
  {
    name: "sanitize: Sanitizer streams split characters",
    run(api) {
      const input = bytes("{\"note\":\"Zoë\u200B東京\u2066x\"}\n");
      for (const size of [1, 2, 3, 5, input.length]) {
        const sanitizer = new api.Sanitizer();
        const parts = [];
        for (let start = 0; start < input.length; start += size) {
          parts.push(sanitizer.update(input.subarray(start, start + size)));
        }
        parts.push(sanitizer.finish());
        const joined = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
        let offset = 0;
        for (const part of parts) {
          joined.set(part, offset);
          offset += part.length;
        }
        equal(new TextDecoder().decode(joined), "{\"note\":\"Zoë東京x\"}\n", `sanitized text, ${size}-byte chunks`);
        equal(sanitizer.removed, 2, `removed count, ${size}-byte chunks`);
      }
      throwsCode(api, () => new api.Sanitizer().update("text"), "INVALID_ARGUMENT", { subject: "chunk" }, "update with a string");
    },
  },

  // Request validation -------------------------------------------------------------------------
  {
    name: "request: rule table and endpoints",
    run(api) {
      const fromObject = new api.RequestRules(RULE_TABLE);
      const fromText = new api.RequestRules(JSON.stringify(RULE_TABLE));
      deepEqual(fromObject.endpoints(), ["GET /api/health", SESSIONS], "endpoints from an object");
      deepEqual(fromText.endpoints(), ["GET /api/health", SESSIONS], "endpoints from JSON text");
    },
  },
  {
    name: "request: valid request is sanitized",
    run(api) {
      const report = validateRequest(api, validRequest());
      deepEqual(report, {
        valid: true,
        errors: [],
        warnings: [],
        sanitized: { ...validRequest(), title: "Intake notes" },
        suppressed: 0,
      }, "report");

      const text = validateRequest(api, JSON.stringify(validRequest()));
      deepEqual(text, report, "report for the same request as JSON text");

      // maxLength counts characters: 20 two-byte characters fit a limit of 20.
      const accented = validateRequest(api, { title: "é".repeat(20) });
      deepEqual(accented.errors, [], "errors for 20 accented characters");

      const open = validateRequest(api, { anything: "goes", nested: { deep: [1, 2] } }, "admin", "GET /api/health");
      deepEqual(open.sanitized, { anything: "goes", nested: { deep: [1, 2] } }, "sanitized for a non-strict endpoint");
    },
  },
  {
    name: "request: field rule violations",
    run(api) {
      const violations = [
        ["wrong type", { ...validRequest(), count: "3" }, "FIELD_TYPE", "count"],
        ["float for integer", { ...validRequest(), count: 1.5 }, "FIELD_TYPE", "count"],
        ["too long", { ...validRequest(), title: "x".repeat(21) }, "FIELD_TOO_LONG", "title"],
        ["array too long", { ...validRequest(), tags: ["x".repeat(40)] }, "FIELD_TOO_LONG", "tags"],
        ["pattern is anchored", { ...validRequest(), patient_id: "12; DROP" }, "FIELD_PATTERN", "patient_id"],
        ["pattern suffix", { ...validRequest(), patient_id: "x12" }, "FIELD_PATTERN", "patient_id"],
        ["missing required", { patient_id: "1" }, "FIELD_MISSING", "title"],
        ["unknown field in strict endpoint", { ...validRequest(), role: "admin" }, "FIELD_UNKNOWN", "role"],
      ];
      for (const [label, request, code, field] of violations) {
        const report = validateRequest(api, request);
        expectFindings(report.errors, [
          { code, severity: "error", location: { column: field, pointer: `/${field}` } },
        ], `errors for ${label}`);
      }
    },
  },
  {
    name: "request: role restrictions match exactly",
    run(api) {
      const withPatient = validateRequest(api, validRequest(), "researcher");
      expectFindings(withPatient.errors, [
        { code: "FIELD_FORBIDDEN", severity: "error", location: { column: "patient_id" } },
      ], "errors for researcher");

      const readonly = validateRequest(api, validRequest(), "admin_readonly");
      expectFindings(readonly.errors, [
        { code: "FIELD_FORBIDDEN", severity: "error", location: { column: "notes" } },
      ], "errors for admin_readonly");

      deepEqual(validateRequest(api, validRequest(), "admin").errors, [], "errors for role \"admin\"");
      // Roles match exactly, and a role that the endpoint does not list is rejected, so a
      // variant of a restricted role cannot escape its restrictions.
      for (const role of ["researcher_lead", "", "admin_readonly ", "Researcher", "research\u200Ber"]) {
        const report = validateRequest(api, validRequest(), role);
        expectFindings(report.errors, [{ code: "ROLE_NOT_ALLOWED", severity: "error" }], `errors for role ${show(role)}`);
      }
    },
  },
  {
    name: "request: malicious string in a nested field",
    run(api) {
      const request = { ...validRequest(), notes: { history: ["first visit", "<img src=x onerror=alert(1)>"] } };
      const report = validateRequest(api, request);
      expectFindings(report.errors, [{
        code: "MALICIOUS_CONTENT",
        severity: "error",
        rule: "event_handler",
        location: { column: "notes", pointer: "/notes/history/1" },
      }], "errors");

      const inKey = validateRequest(api, { ...validRequest(), notes: { "<script>": "x" } });
      expectFindings(inKey.errors, [{
        code: "MALICIOUS_CONTENT",
        rule: "script_tag",
        location: { pointer: "/notes" },
      }], "errors for a script tag in a key");
    },
  },
  {
    name: "request: errors thrown as GuardError",
    run(api) {
      const rules = new api.RequestRules(RULE_TABLE);
      throwsCode(api, () => rules.validate(validRequest(), "DELETE /api/sessions", "admin"), "UNKNOWN_ENDPOINT", { subject: "DELETE /api/sessions" }, "unknown endpoint");
      throwsCode(api, () => rules.validate("{", SESSIONS, "admin"), "INVALID_JSON", { subject: "request" }, "request JSON text");
      throwsCode(api, () => rules.validate('{"title":"x"} trailing', SESSIONS, "admin"), "INVALID_JSON", {}, "request with trailing text");
      throwsCode(api, () => new api.RequestRules("{"), "INVALID_RULES", { subject: "rules" }, "rule JSON text");
      throwsCode(api, () => new api.RequestRules({ endpoints: { x: { fields: { a: { maxLen: 3 } } } } }), "INVALID_RULES", {}, "misspelt rule key");
      throwsCode(api, () => new api.RequestRules({ endpoints: { x: { fields: { a: { type: "date" } } } } }), "INVALID_RULES", {}, "unknown field type");
      throwsCode(api, () => new api.RequestRules({ endpoints: { x: { fields: { a: { pattern: "(" } } } } }), "INVALID_PATTERN", { subject: "a" }, "pattern that does not compile");
      throwsCode(api, () => new api.RequestRules({ endpoints: { x: { fields: { a: { pattern: "(?=a)a" } } } } }), "INVALID_PATTERN", { subject: "a" }, "look-ahead pattern");
      throwsCode(api, () => new api.RequestRules({ endpoints: { x: { fields: { a: { pattern: "a".repeat(1025) } } } } }), "INVALID_PATTERN", { subject: "a" }, "pattern over 1024 bytes");

      const bigBody = JSON.stringify({ title: "x".repeat(MIB) });
      throwsCode(api, () => rules.validate(bigBody, SESSIONS, "admin"), "INPUT_TOO_LARGE", { subject: "request" }, "request over 1 MiB");
    },
  },

  // Bad input to every export, then a good call on the same instance -------------------------
  {
    name: "bad input: validateUpload bytes",
    run(api) {
      const before = upload(api, PLAIN_CSV, "sessions.csv");
      const options = { fileName: "sessions.csv" };
      const wrongBytes = [
        ["undefined", undefined],
        ["null", null],
        ["number", 42],
        ["string", PLAIN_CSV],
        ["array", [105, 100]],
        ["ArrayBuffer", new ArrayBuffer(4)],
        ["Int8Array", new Int8Array(4)],
        ["DataView", new DataView(new ArrayBuffer(4))],
        ["object", { length: 2, 0: 105, 1: 100 }],
      ];
      for (const [label, value] of wrongBytes) {
        throwsCode(api, () => api.validateUpload(value, options), "INVALID_ARGUMENT", { subject: "bytes" }, `validateUpload(${label})`);
      }
      throwsCode(api, () => api.validateUpload(), "INVALID_ARGUMENT", { subject: "bytes" }, "validateUpload()");
      assertInstanceAlive(api, before);
    },
  },
  {
    name: "bad input: upload options",
    run(api) {
      const before = upload(api, PLAIN_CSV, "sessions.csv");
      const data = bytes(PLAIN_CSV);
      const wrongOptions = [
        ["undefined", undefined, "INVALID_ARGUMENT", "options"],
        ["null", null, "INVALID_ARGUMENT", "options"],
        ["number", 7, "INVALID_ARGUMENT", "options"],
        ["string", "sessions.csv", "INVALID_ARGUMENT", "options"],
        ["object without fileName", {}, "INVALID_OPTIONS", "fileName"],
        ["fileName of type number", { fileName: 5 }, "INVALID_OPTIONS", "fileName"],
        ["fileName null", { fileName: null }, "INVALID_OPTIONS", "fileName"],
        ["unknown key", { fileName: "sessions.csv", maxFileSizeMB: 1 }, "INVALID_OPTIONS", "maxFileSizeMB"],
        ["maxFileSizeMb -1", { fileName: "sessions.csv", maxFileSizeMb: -1 }, "INVALID_OPTIONS", "maxFileSizeMb"],
        ["maxFileSizeMb 0", { fileName: "sessions.csv", maxFileSizeMb: 0 }, "INVALID_OPTIONS", "maxFileSizeMb"],
        ["maxFileSizeMb 1.5", { fileName: "sessions.csv", maxFileSizeMb: 1.5 }, "INVALID_OPTIONS", "maxFileSizeMb"],
        ["maxFileSizeMb NaN", { fileName: "sessions.csv", maxFileSizeMb: NaN }, "INVALID_OPTIONS", "maxFileSizeMb"],
        ["maxFileSizeMb Infinity", { fileName: "sessions.csv", maxFileSizeMb: Infinity }, "INVALID_OPTIONS", "maxFileSizeMb"],
        ["maxFileSizeMb over the ceiling", { fileName: "sessions.csv", maxFileSizeMb: 16 * 1024 + 1 }, "INVALID_OPTIONS", "maxFileSizeMb"],
        ["maxFileSizeMb as text", { fileName: "sessions.csv", maxFileSizeMb: "1" }, "INVALID_OPTIONS", "maxFileSizeMb"],
        ["size -1", { fileName: "sessions.csv", size: -1 }, "INVALID_OPTIONS", "size"],
        ["size 0.5", { fileName: "sessions.csv", size: 0.5 }, "INVALID_OPTIONS", "size"],
        ["csvDelimiter ab", { fileName: "sessions.csv", csvDelimiter: "ab" }, "INVALID_OPTIONS", "csvDelimiter"],
        ["csvDelimiter empty", { fileName: "sessions.csv", csvDelimiter: "" }, "INVALID_OPTIONS", "csvDelimiter"],
        ["csvDelimiter quote", { fileName: "sessions.csv", csvDelimiter: '"' }, "INVALID_OPTIONS", "csvDelimiter"],
        ["array", ["sessions.csv"], "INVALID_OPTIONS", "0"],
      ];
      for (const [label, options, code, subject] of wrongOptions) {
        throwsCode(api, () => api.validateUpload(data, options), code, { subject }, `validateUpload options ${label}`);
        throwsCode(api, () => new api.UploadValidator(options), code, { subject }, `new UploadValidator options ${label}`);
      }

      // A getter that throws must surface as a GuardError, not as the getter's own error.
      const hostile = {
        get fileName() {
          throw new Error("getter failed");
        },
      };
      throwsCode(api, () => api.validateUpload(data, hostile), "INVALID_OPTIONS", {}, "options with a throwing getter");
      throwsCode(api, () => api.validateUpload(data, { fileName: "sessions.csv", size: 10n }), "INVALID_OPTIONS", {}, "size as BigInt");
      assertInstanceAlive(api, before);
    },
  },
  {
    name: "bad input: UploadValidator.update",
    run(api) {
      const before = upload(api, PLAIN_CSV, "sessions.csv");
      const validator = new api.UploadValidator({ fileName: "sessions.csv" });
      for (const [label, chunk] of [["undefined", undefined], ["null", null], ["string", "id,note\n"], ["number", 1], ["ArrayBuffer", new ArrayBuffer(2)], ["array", [1, 2]]]) {
        throwsCode(api, () => validator.update(chunk), "INVALID_ARGUMENT", { subject: "chunk" }, `update(${label})`);
      }
      // The failed calls consumed nothing, so the same validator still reads the file.
      validator.update(bytes(PLAIN_CSV));
      deepEqual(checkReportShape(validator.finish()), before, "report of the validator after bad chunks");
      assertInstanceAlive(api, before);
    },
  },
  {
    name: "bad input: RequestRules",
    run(api) {
      const before = upload(api, PLAIN_CSV, "sessions.csv");
      for (const [label, rules, code] of [
        ["undefined", undefined, "INVALID_ARGUMENT"],
        ["null", null, "INVALID_ARGUMENT"],
        ["number", 1, "INVALID_ARGUMENT"],
        ["boolean", true, "INVALID_ARGUMENT"],
        ["empty object", {}, "INVALID_RULES"],
        ["endpoints as array", { endpoints: [] }, "INVALID_RULES"],
        ["text that is not JSON", "not json", "INVALID_RULES"],
      ]) {
        throwsCode(api, () => new api.RequestRules(rules), code, code === "INVALID_ARGUMENT" ? { subject: "rules" } : {}, `new RequestRules(${label})`);
      }
      throwsCode(api, () => new api.RequestRules("x".repeat(MIB + 1)), "INPUT_TOO_LARGE", { subject: "rules" }, "rule table over 1 MiB");

      const rules = new api.RequestRules(RULE_TABLE);
      const cyclic = { title: "x" };
      cyclic.self = cyclic;
      const badCalls = [
        ["request undefined", () => rules.validate(undefined, SESSIONS, "admin"), "request"],
        ["request number", () => rules.validate(5, SESSIONS, "admin"), "request"],
        ["request cyclic", () => rules.validate(cyclic, SESSIONS, "admin"), "request"],
        ["request with a BigInt", () => rules.validate({ title: 1n }, SESSIONS, "admin"), "request"],
        ["endpoint number", () => rules.validate(validRequest(), 5, "admin"), "endpoint"],
        ["endpoint undefined", () => rules.validate(validRequest(), undefined, "admin"), "endpoint"],
        ["role undefined", () => rules.validate(validRequest(), SESSIONS, undefined), "role"],
        ["role object", () => rules.validate(validRequest(), SESSIONS, { role: "admin" }), "role"],
      ];
      for (const [label, call, subject] of badCalls) {
        throwsCode(api, call, "INVALID_ARGUMENT", { subject }, `validate ${label}`);
      }

      // A body that is JSON but not an object is a finding, not a thrown error.
      const array = rules.validate("[1]", SESSIONS, "admin");
      deepEqual(codes(array.errors), ["FIELD_TYPE"], "errors for a JSON array body");
      equal(array.sanitized, null, "sanitized for a JSON array body");

      deepEqual(rules.validate(validRequest(), SESSIONS, "admin").errors, [], "errors for a valid request on the same rules");
      assertInstanceAlive(api, before);
    },
  },
  {
    name: "bad input: version and GuardError",
    run(api) {
      ok(/^\d+\.\d+\.\d+/.test(api.version()), `version() must be semver, got ${show(api.version())}`);
      equal(typeof api.init, "function", "init export");
      const error = new api.GuardError("INVALID_OPTIONS", "message", "fileName");
      ok(error instanceof Error, "GuardError must extend Error");
      deepEqual([error.name, error.code, error.message, error.subject], ["GuardError", "INVALID_OPTIONS", "message", "fileName"], "GuardError fields");
      equal("subject" in new api.GuardError("INVALID_JSON", "m"), false, "subject is absent when not given");
    },
  },

  // Real data ----------------------------------------------------------------------------------
  {
    name: "real data: counsel-chat 200 rows",
    run(api, fixtures) {
      const data = fixtures["csv/counsel-chat-200.csv"];
      ok(data instanceof Uint8Array, "fixture csv/counsel-chat-200.csv is missing");
      const options = { fileName: "counsel-chat-200.csv", contentType: "text/csv" };
      const report = upload(api, data, options);
      deepEqual(report.errors, [], "errors");
      equal(report.valid, true, "valid");
      equal(report.stats.records, 200, "records");
      equal(report.stats.delimiter, ",", "delimiter");
      equal(report.stats.values, 200 * 12, "values");
      equal(report.stats.bytes, data.length, "bytes");
      equal(report.stats.columns?.length, 12, "column count");
      // The first column is the unnamed pandas row index.
      deepEqual(report.stats.columns.slice(1), [
        "questionID", "questionTitle", "questionText", "questionLink", "topic", "therapistInfo",
        "therapistURL", "answerText", "upvotes", "views", "split",
      ], "named columns");
      // The unnamed index column is the only thing to warn about: no secret, formula or
      // active-content rule may fire on real therapy text.
      expectFindings(report.warnings, [
        { code: "CSV_BAD_HEADER", severity: "warning", location: { line: 1, column: "#1" } },
      ], "warnings");
      deepEqual(stream(api, data, options, 4 * KIB), report, "report for 4 KiB chunks");
    },
  },
  ...sealCases,
  ...parquetCases,
  ...deidCases,
  ...guardCases,
  ...phiCases,
];

/**
 * Runs every case in order and returns `{ name, status, message }` for each, where status is
 * "passed", "failed" or "skipped". A runtime without `node:test` uses this.
 */
export async function runCases(api, fixtures) {
  const results = [];
  for (const testCase of cases) {
    try {
      await testCase.run(api, fixtures);
      results.push({ name: testCase.name, status: "passed" });
    } catch (error) {
      const skipped = error instanceof SkipCase;
      const message = error instanceof AssertionError || skipped
        ? error.message
        : `${error?.name ?? "Error"}: ${error?.message ?? String(error)}${error?.code ? ` (code ${error.code})` : ""}`;
      results.push({ name: testCase.name, status: skipped ? "skipped" : "failed", message });
    }
  }
  return results;
}
