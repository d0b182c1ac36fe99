// Step 4: encrypt the chosen file with a data key from the key server (streamed in the Web
// Worker), offer the encrypted file for download, and upload it through the Worker. The
// plaintext upload button shows what the Worker does with unencrypted PHI.
import { useEffect, useMemo, useState } from "react";

import { fromBase64, request, uploadWithProgress } from "../api.js";
import { Alert, Progress, Step, formatBytes } from "../components/common.jsx";
import { runHeavy } from "../heavy.js";

function newDatasetId() {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return `ds-${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export default function ProtectStep({ config, session, file, redaction, available }) {
  const deidentifiedReady = Boolean(redaction?.report.complete);
  const [source, setSource] = useState(deidentifiedReady ? "deidentified" : "original");
  const [sealed, setSealed] = useState(null);
  const [progress, setProgress] = useState(null);
  const [uploaded, setUploaded] = useState(null);
  const [error, setError] = useState(null);
  const datasetId = useMemo(newDatasetId, [file, source]);

  useEffect(() => {
    setSource(deidentifiedReady ? "deidentified" : "original");
  }, [deidentifiedReady]);
  useEffect(() => () => sealed && URL.revokeObjectURL(sealed.url), [sealed]);

  const deidentified = source === "deidentified";
  const plaintext = deidentified ? redaction.blob : file;
  const fileName = deidentified ? file.name.replace(/(\.[^.]+)$/, ".deidentified$1") : file.name;

  const encrypt = async () => {
    setError(null);
    setSealed(null);
    setUploaded(null);
    try {
      const claims = session.session.claims;
      const created = await session.call((token) =>
        request("keyserver", `${config.keyServerUrl}/v1/datasets/${datasetId}/keys`, {
          method: "POST",
          token,
          body: { patients: claims.patients ?? [], anonymized: deidentified },
        }),
      );
      setProgress({ label: "Encrypting", done: 0, total: plaintext.size });
      const { blob } = await runHeavy(
        "encrypt",
        { blob: plaintext, dataKey: fromBase64(created.data_key), datasetId, keyId: created.key_id, level: "standard" },
        (done, total) => setProgress({ label: "Encrypting", done, total }),
      );
      setSealed({ blob, keyId: created.key_id, url: URL.createObjectURL(blob), name: `${fileName}.tdg` });
    } catch (failure) {
      setError(failure.message);
    } finally {
      setProgress(null);
    }
  };

  const upload = async (body, name, encrypted) => {
    setError(null);
    setUploaded(null);
    setProgress({ label: "Uploading through the Worker", done: 0, total: body.size });
    try {
      const stored = await session.call((token) =>
        uploadWithProgress(`${config.workerUrl}/v1/datasets/${datasetId}/upload`, body, {
          token,
          headers: {
            "content-type": encrypted ? "application/octet-stream" : body.type || "application/octet-stream",
            "x-file-name": encodeURIComponent(name),
            "x-deidentified": String(deidentified),
            ...(encrypted ? { "x-key-id": sealed.keyId } : {}),
          },
          onProgress: (done, total) => setProgress({ label: "Uploading through the Worker", done, total }),
        }),
      );
      setUploaded(stored);
    } catch (failure) {
      const phi = failure.details?.phi;
      const detail = phi ? ` Found: ${Object.entries(phi).map(([type, n]) => `${type} ${n}`).join(", ")}.` : "";
      setError(`The Worker rejected the upload (${failure.code}): ${failure.message}${detail}`);
    } finally {
      setProgress(null);
    }
  };

  return (
    <Step id="step-protect" number={4} title="Encrypt and upload" focus={false}>
      <fieldset>
        <legend>File to encrypt</legend>
        <label>
          <input type="radio" name="source" value="deidentified" checked={deidentified} disabled={!deidentifiedReady} onChange={() => setSource("deidentified")} />
          De-identified file {deidentifiedReady ? "" : "(run the de-identification first)"}
        </label>
        <label>
          <input type="radio" name="source" value="original" checked={!deidentified} onChange={() => setSource("original")} />
          Original file (identifiable; only its assigned therapists and admins can unwrap the key)
        </label>
      </fieldset>
      <p>Dataset id: <code data-testid="dataset-id">{datasetId}</code></p>
      {!available && <Alert kind="warning" testId="encrypt-unavailable">This build of techdeck-guard has no encryptor.</Alert>}
      <div className="actions">
        <button type="button" onClick={encrypt} disabled={!available || progress !== null}>Get a data key and encrypt</button>
        <button type="button" onClick={() => upload(sealed.blob, sealed.name, true)} disabled={!sealed || progress !== null}>Upload the encrypted file</button>
        <button type="button" className="secondary" onClick={() => upload(plaintext, fileName, false)} disabled={progress !== null}>Try uploading the plaintext</button>
      </div>
      {progress && <Progress label={progress.label} done={progress.done} total={progress.total} />}
      {error && <Alert kind="error" testId="protect-error">{error}</Alert>}
      {sealed && (
        <Alert kind="success" testId="encrypted">
          Encrypted {formatBytes(plaintext.size)} into {formatBytes(sealed.blob.size)} under key <code>{sealed.keyId}</code>.{" "}
          <a href={sealed.url} download={sealed.name} data-testid="download-encrypted">Download {sealed.name}</a>
        </Alert>
      )}
      {uploaded && (
        <Alert kind="success" testId="uploaded">
          The Worker accepted the {uploaded.encrypted ? "encrypted" : "plaintext"} file and stored {formatBytes(uploaded.size)} as{" "}
          <code>{uploaded.id}</code>.
        </Alert>
      )}
    </Step>
  );
}
