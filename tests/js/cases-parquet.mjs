// The Parquet cases: reading a file's footer and then its row groups from byte ranges, as a
// browser does with File.slice, and rewriting string values for redaction.

import { deepEqual, equal, ok, show, skip, throwsCode } from "./assert.mjs";

const decoder = new TextDecoder();

/** Returns a fixture's bytes and its expected values, or skips when it is not checked in. */
function fixture(fixtures, name) {
  const data = fixtures[`parquet/${name}.parquet`];
  const json = fixtures[`parquet/${name}.json`];
  if (data === undefined || json === undefined) skip(`tests/fixtures/parquet/${name} is not checked in`);
  return { data, expected: JSON.parse(decoder.decode(json)) };
}

/** Reads every string value of `data` through ParquetFile, slicing it like a File. */
function readAll(api, data) {
  const size = data.length;
  const tailLength = api.ParquetFile.tailLength(data.subarray(size - 8), size);
  const file = new api.ParquetFile(data.subarray(0, 4), data.subarray(size - tailLength), size);
  const values = [];
  const findings = [...file.findings];
  for (let index = 0; index < file.rowGroupCount; index++) {
    const [start, end] = file.rowGroupRange(index);
    const rows = file.readRowGroup(index, data.subarray(start, end));
    values.push(...rows.values);
    findings.push(...rows.findings);
  }
  return { file, values, findings };
}

export const parquetCases = [
  {
    name: "parquet: ParquetFile reads every fixture's values",
    run(api, fixtures) {
      const zstd = api.features().includes("zstd");
      for (const name of ["notes-plain-v1", "notes-dict-v2-gzip", "notes-plain-v2-zstd", "notes-delta-v2", "patients-dict-v1-pages"]) {
        const { data, expected } = fixture(fixtures, name);
        const { file, values, findings } = readAll(api, data);
        if (name.endsWith("-zstd") && !zstd) {
          // The browser build has no ZSTD decoder: every column is skipped with a warning.
          ok(findings.length > 0, `${name}: a build without ZSTD reports the codec`);
          ok(findings.every((finding) => finding.code === "PARQUET_UNSUPPORTED"), `${name}: finding codes ${show(findings.map((finding) => finding.code))}`);
          deepEqual(values, [], `${name}: values`);
          continue;
        }
        deepEqual(file.columns, expected.columns, `${name}: columns`);
        equal(file.numRows, expected.rows, `${name}: rows`);
        deepEqual(findings, [], `${name}: findings`);
        deepEqual(values.map((value) => [value.record, value.column, value.text]), expected.values, `${name}: values`);
        ok(values.every((value) => value.columnName === expected.columns[value.column]), `${name}: column names`);
      }
    },
  },
  {
    name: "parquet: list columns are read element by element",
    run(api, fixtures) {
      const { data, expected } = fixture(fixtures, "nested-list");
      const { findings, values } = readAll(api, data);
      deepEqual(findings, [], "findings");
      deepEqual(values.map((value) => [value.record, value.column, value.text]), expected.values, "values");
      equal(values[1].columnName, "tags.list.element", "column name of a list element");
    },
  },
  {
    name: "parquet: invalid footers throw PARQUET_UNREADABLE",
    run(api, fixtures) {
      const { data } = fixture(fixtures, "notes-plain-v1");
      const size = data.length;
      throwsCode(api, () => api.ParquetFile.tailLength(new Uint8Array(8), size), "PARQUET_UNREADABLE", { subject: "footer_magic" }, "zero trailer");
      const tail = data.subarray(size - api.ParquetFile.tailLength(data.subarray(size - 8), size));
      throwsCode(api, () => new api.ParquetFile(new Uint8Array(4), tail, size), "PARQUET_UNREADABLE", { subject: "header_magic" }, "bad head");
      throwsCode(api, () => new api.ParquetFile(data.subarray(0, 4), tail, -1), "INVALID_ARGUMENT", { subject: "fileSize" }, "negative size");
      const file = new api.ParquetFile(data.subarray(0, 4), tail, size);
      throwsCode(api, () => file.rowGroupRange(5), "INVALID_ARGUMENT", { subject: "index" }, "row group out of range");
      const [start, end] = file.rowGroupRange(0);
      const short = file.readRowGroup(0, data.subarray(start, end - 1));
      deepEqual(short.findings.map((finding) => finding.rule), ["row_group"], "wrong range length");
    },
  },
  {
    name: "parquet: upload validation checks string values",
    run(api, fixtures) {
      const { data } = fixture(fixtures, "active-content");
      const report = api.validateUpload(data, { fileName: "notes.parquet" });
      deepEqual(report.errors.map((finding) => [finding.code, finding.location.record, finding.location.column]), [
        ["MALICIOUS_CONTENT", 2, "note"],
        ["FORMULA_INJECTION", 3, "note"],
      ], "errors");
    },
  },
  {
    name: "parquet: rewriteParquet edits values and keeps the schema",
    run(api, fixtures) {
      const { data, expected } = fixture(fixtures, "patients-dict-v1-pages");
      for (const compression of ["snappy", "none"]) {
        const seen = [];
        const output = api.rewriteParquet(data, (text, cell) => {
          seen.push(cell.record);
          return cell.name === "SSN" ? "[SSN]" : undefined;
        }, { compression });
        equal(seen.length, expected.values.length, `${compression}: edit calls`);
        const { file, values } = readAll(api, output);
        deepEqual(file.columns, expected.columns, `${compression}: columns`);
        const ssn = expected.columns.indexOf("SSN");
        const want = expected.values.map(([record, column, text]) => [record, column, column === ssn ? "[SSN]" : text]);
        deepEqual(values.map((value) => [value.record, value.column, value.text]), want, `${compression}: values`);
      }
    },
  },
  {
    name: "parquet: rewriteParquet rejects bad edits and files",
    run(api, fixtures) {
      const { data } = fixture(fixtures, "notes-plain-v1");
      throwsCode(api, () => api.rewriteParquet(data, () => 5), "INVALID_ARGUMENT", { subject: "edit" }, "number returned");
      throwsCode(api, () => api.rewriteParquet(data, "x"), "INVALID_ARGUMENT", { subject: "edit" }, "edit not a function");
      throwsCode(api, () => api.rewriteParquet(data, () => null, { level: 3 }), "INVALID_OPTIONS", {}, "unknown option");
      const nested = fixture(fixtures, "nested-list").data;
      throwsCode(api, () => api.rewriteParquet(nested, () => null), "PARQUET_UNREADABLE", { subject: "nested" }, "list column");
      let thrown;
      try {
        api.rewriteParquet(data, () => {
          throw new RangeError("stop");
        });
      } catch (error) {
        thrown = error;
      }
      ok(thrown instanceof RangeError, "the edit's exception is thrown");
      equal(api.rewriteParquet(data, () => null).length > 0, true, "module still usable");
    },
  },
];
