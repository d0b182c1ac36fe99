// Small building blocks shared by the steps: a focusable step section, a progress bar and
// an alert.
import { useEffect, useRef } from "react";

/** Formats a byte count as B, KiB or MiB. */
export function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Renders a numbered step. Its heading takes the focus when the step appears, for keyboard users. */
export function Step({ id, number, title, children, focus = true }) {
  const heading = useRef(null);
  useEffect(() => {
    if (focus) heading.current?.focus();
  }, [focus]);
  return (
    <section className="step" id={id} aria-labelledby={`${id}-title`} data-testid={id}>
      <h2 id={`${id}-title`} tabIndex={-1} ref={heading}>
        <span className="step-number">{number}</span> {title}
      </h2>
      {children}
    </section>
  );
}

/** Renders a labelled progress bar over bytes. A `total` of 0 shows an indeterminate bar. */
export function Progress({ label, done, total }) {
  const percent = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : null;
  return (
    <div className="progress" role="status" aria-live="polite">
      <label>
        {label}: {percent === null ? "working" : `${percent}% (${formatBytes(done)} of ${formatBytes(total)})`}
        <progress max={100} value={percent ?? undefined} />
      </label>
    </div>
  );
}

/** Renders a message box of `kind` error, warning, success or info. Errors are announced at once. */
export function Alert({ kind = "info", title, children, testId }) {
  return (
    <div className={`alert alert-${kind}`} role={kind === "error" ? "alert" : "status"} data-testid={testId}>
      {title && <strong>{title} </strong>}
      {children}
    </div>
  );
}
