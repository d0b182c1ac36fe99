// Step 2: the PHI scan of the whole file, streamed in the Web Worker, shown three ways: the
// start of the file with each finding highlighted, a chart of counts per type, and a table of
// types per column.
import { useEffect, useState } from "react";

import { Alert, Progress, Step } from "../components/common.jsx";
import { runHeavy } from "../heavy.js";

/** Renders `text` with each of `spans` ({ type, start, end } in UTF-16 offsets) in a <mark>. */
function Highlighted({ text, spans }) {
  const ordered = [...spans].sort((a, b) => a.start - b.start);
  const pieces = [];
  let at = 0;
  for (const span of ordered) {
    if (span.start < at) continue;
    pieces.push(text.slice(at, span.start));
    pieces.push(
      <mark key={span.start} className={`phi phi-${span.type}`} data-type={span.type} title={span.type}>
        {text.slice(span.start, span.end)}
      </mark>,
    );
    at = span.end;
  }
  pieces.push(text.slice(at));
  return <pre className="highlighted" data-testid="phi-highlighted" tabIndex={0} aria-label="Start of the file with PHI highlighted">{pieces}</pre>;
}

/** Draws a horizontal SVG bar chart of the counts per type. */
function TypeChart({ counts }) {
  const max = Math.max(1, ...counts.map((c) => c.count));
  const row = 22;
  return (
    <svg className="chart" data-testid="phi-chart" width="100%" height={counts.length * row + 4} role="img" aria-label="PHI findings per type">
      {counts.map((c, i) => (
        <g key={c.type} transform={`translate(0, ${i * row})`} data-type={c.type} data-count={c.count}>
          <text x="0" y="15" className="chart-label">{c.type}</text>
          <rect x="150" y="3" height="16" width={`${(c.count / max) * 60}%`} className={`bar phi-${c.type}`} />
          <text x="152" y="15" className="chart-value">{c.count}</text>
        </g>
      ))}
    </svg>
  );
}

function ColumnTable({ table }) {
  return (
    <table className="column-table" data-testid="phi-columns">
      <caption>PHI findings per column (JSON paths with * for array items)</caption>
      <thead>
        <tr>
          <th scope="col">Column</th>
          {table.types.map((type) => <th scope="col" key={type}>{type}</th>)}
          <th scope="col">Total</th>
        </tr>
      </thead>
      <tbody>
        {table.columns.map((row) => (
          <tr key={row.column} data-column={row.column}>
            <th scope="row">{row.column}</th>
            {table.types.map((type) => <td key={type}>{row.counts[type] ?? ""}</td>)}
            <td>{row.total}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default function PhiStep({ file, format, available, onScanned }) {
  const [progress, setProgress] = useState(null);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    if (!available) return undefined;
    let cancelled = false;
    setProgress({ done: 0, total: file.size });
    runHeavy("scan", { file, format }, (done, total) => !cancelled && setProgress({ done, total }))
      .then((scan) => {
        if (cancelled) return;
        setResult(scan);
        onScanned(scan);
      })
      .catch((failure) => !cancelled && setError(failure.message))
      .finally(() => !cancelled && setProgress(null));
    return () => {
      cancelled = true;
    };
  }, [file, format, available, onScanned]);

  return (
    <Step id="step-phi" number={2} title="PHI findings">
      {!available && (
        <Alert kind="warning" testId="phi-unavailable">
          This build of techdeck-guard has no PHI scanner, so the file cannot be checked for PHI here. Encrypt it before upload.
        </Alert>
      )}
      {progress && <Progress label="Scanning for PHI" done={progress.done} total={progress.total} />}
      {error && <Alert kind="error" title="The PHI scan failed.">{error}</Alert>}
      {result && (
        <>
          <Alert kind={result.total > 0 ? "warning" : "success"} testId="phi-total">
            {result.total} PHI finding{result.total === 1 ? "" : "s"} in {result.summary.records} records
            {result.summary.complete ? "." : "; some values could not be read and were not scanned."}
          </Alert>
          {result.preview.text && <Highlighted text={result.preview.text} spans={result.preview.spans} />}
          {result.counts.length > 0 && <TypeChart counts={result.counts} />}
          {result.columns.columns.length > 0 && <ColumnTable table={result.columns} />}
        </>
      )}
    </Step>
  );
}
