// Step 3: choose an operator per PHI type, redact the whole file in the Web Worker and preview
// the de-identified records with the Safe Harbor report.
import { useMemo, useState } from "react";

import { Alert, Progress, Step } from "../components/common.jsx";
import { runHeavy } from "../heavy.js";

const OPERATORS = [
  ["tag", "Replace with the type tag"],
  ["mask", "Mask with *"],
  ["remove", "Remove"],
  ["hash", "Keyed hash"],
  ["pseudonym", "Consistent pseudonym"],
  ["surrogate", "Realistic surrogate"],
  ["shift", "Shift dates per subject"],
  ["keep", "Keep (not de-identified)"],
];

export default function DeidentifyStep({ file, format, types, available, onRedacted }) {
  const [operators, setOperators] = useState(() => Object.fromEntries(types.map((type) => [type, "tag"])));
  const [progress, setProgress] = useState(null);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  // The per-dataset key of the keyed operators, made in the browser for this demo.
  const key = useMemo(() => crypto.getRandomValues(new Uint8Array(32)), []);

  if (!available) {
    return (
      <Step id="step-deid" number={3} title="De-identify" focus={false}>
        <Alert kind="warning" testId="deid-unavailable">
          This build of techdeck-guard has no redactor, so encrypt the original instead.
        </Alert>
      </Step>
    );
  }

  const run = async () => {
    setError(null);
    setResult(null);
    setProgress({ done: 0, total: file.size });
    try {
      const redacted = await runHeavy("redact", { file, format, operators, key: key.slice() }, (done, total) => setProgress({ done, total }));
      setResult(redacted);
      onRedacted(redacted);
    } catch (failure) {
      setError(failure.message);
    } finally {
      setProgress(null);
    }
  };

  return (
    <Step id="step-deid" number={3} title="De-identify" focus={false}>
      {types.length === 0 && <p>No PHI was found, so every operator is optional.</p>}
      <fieldset className="operators">
        <legend>Operator per PHI type</legend>
        {types.map((type) => (
          <label key={type}>
            {type}
            <select value={operators[type]} data-type={type} onChange={(e) => setOperators({ ...operators, [type]: e.target.value })}>
              {OPERATORS.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
            </select>
          </label>
        ))}
      </fieldset>
      <button type="button" onClick={run} disabled={progress !== null}>Preview de-identified records</button>
      {progress && <Progress label="De-identifying" done={progress.done} total={progress.total} />}
      {error && <Alert kind="error" title="De-identification failed.">{error}</Alert>}
      {result && (
        <div data-testid="deid-result">
          <Alert kind={result.report.complete ? "success" : "warning"} testId="deid-summary">
            Changed {result.report.changedValues} of {result.report.values} values in {result.report.records} records
            {result.report.complete ? "." : "; some values could not be rewritten, so do not share this output."}
          </Alert>
          <pre className="preview" data-testid="deid-preview" tabIndex={0} aria-label="De-identified records">{result.preview}</pre>
          <table data-testid="deid-report">
            <caption>Safe Harbor report</caption>
            <thead><tr><th scope="col">Type</th><th scope="col">Operator</th><th scope="col">Found</th><th scope="col">Changed</th></tr></thead>
            <tbody>
              {result.report.types.map((row) => (
                <tr key={row.type}><th scope="row">{row.type}</th><td>{row.operator}</td><td>{row.found}</td><td>{row.changed}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Step>
  );
}
