// Step 1: pick or drop a dataset, then validate it in the Web Worker, streamed with progress.
import { useState } from "react";

import { Alert, Progress, Step, formatBytes } from "../components/common.jsx";
import { runHeavy } from "../heavy.js";

const ACCEPT = ".csv,.json,.jsonl,.ndjson,.parquet,text/csv,application/json";

function FindingList({ findings, kind }) {
  if (findings.length === 0) return null;
  return (
    <ul className={`findings findings-${kind}`} data-testid={`validation-${kind}s`}>
      {findings.map((finding, index) => (
        <li key={index}>
          <code>{finding.code}{finding.rule ? `/${finding.rule}` : ""}</code> {describeLocation(finding.location)}: {finding.message}
        </li>
      ))}
    </ul>
  );
}

function describeLocation(location) {
  const parts = [];
  if (location.line !== undefined) parts.push(`line ${location.line}`);
  if (location.record !== undefined) parts.push(`record ${location.record}`);
  if (location.column !== undefined) parts.push(`column "${location.column}"`);
  if (location.pointer !== undefined) parts.push(`at ${location.pointer}`);
  return parts.join(", ") || "file";
}

/** Renders the validation report: verdict, counts, and every kept error and warning. */
export function ValidationReport({ report }) {
  const { stats } = report;
  return (
    <div data-testid="validation-report">
      {report.valid ? (
        <Alert kind="success" testId="validation-verdict">
          Valid {stats.format?.toUpperCase()} file: {stats.records} records, {stats.values} values checked.
        </Alert>
      ) : (
        <Alert kind="error" testId="validation-verdict" title="Invalid file.">
          {report.errors.length} error{report.errors.length === 1 ? "" : "s"} found; fix them and pick the file again.
        </Alert>
      )}
      <dl className="stats">
        <dt>Size</dt><dd>{formatBytes(stats.bytes)}</dd>
        {stats.columns && (<><dt>Columns</dt><dd>{stats.columns.join(", ")}</dd></>)}
        <dt>Warnings</dt><dd data-testid="warning-count">{report.warnings.length}</dd>
      </dl>
      <FindingList findings={report.errors} kind="error" />
      <FindingList findings={report.warnings} kind="warning" />
    </div>
  );
}

export default function DatasetStep({ maxFileSizeMb, onValidated, onReset }) {
  const [progress, setProgress] = useState(null);
  const [report, setReport] = useState(null);
  const [error, setError] = useState(null);
  const [dragging, setDragging] = useState(false);

  const choose = async (file) => {
    if (!file) return;
    onReset();
    setReport(null);
    setError(null);
    setProgress({ done: 0, total: file.size });
    try {
      const result = await runHeavy("validate", { file, maxFileSizeMb }, (done, total) => setProgress({ done, total }));
      setReport(result);
      onValidated(file, result);
    } catch (failure) {
      setError(failure.message);
    } finally {
      setProgress(null);
    }
  };

  const tooLarge = report?.errors.some((finding) => finding.code === "FILE_TOO_LARGE");
  return (
    <Step id="step-dataset" number={1} title="Choose a dataset">
      <div
        className={`dropzone${dragging ? " dragging" : ""}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(event) => {
          event.preventDefault();
          setDragging(false);
          choose(event.dataTransfer.files[0]);
        }}
      >
        <label>
          Drop a CSV, JSON, JSON Lines or Parquet file here, or choose one (at most {maxFileSizeMb} MiB):
          <input type="file" accept={ACCEPT} data-testid="file-input" onChange={(event) => choose(event.target.files[0])} />
        </label>
      </div>
      {progress && <Progress label="Validating" done={progress.done} total={progress.total} />}
      {error && <Alert kind="error" title="Validation failed to run.">{error}</Alert>}
      {tooLarge && (
        <Alert kind="error" testId="file-too-large" title="File too large.">
          The limit is {maxFileSizeMb} MiB; split the dataset or ask an administrator for a higher limit.
        </Alert>
      )}
      {report && <ValidationReport report={report} />}
    </Step>
  );
}
