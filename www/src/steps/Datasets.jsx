// The datasets the Worker lets this role see, with a key request (unwrap) per dataset and one
// for any dataset id, so a refusal can be seen as well as a success.
import { useCallback, useEffect, useState } from "react";

import { ApiError, request } from "../api.js";
import { Alert, Step, formatBytes } from "../components/common.jsx";

export default function DatasetsPanel({ config, session, number }) {
  const [datasets, setDatasets] = useState(null);
  const [error, setError] = useState(null);
  const [unwraps, setUnwraps] = useState({});
  const [otherId, setOtherId] = useState("");
  const [otherKey, setOtherKey] = useState("");

  const load = useCallback(async () => {
    setError(null);
    try {
      const answer = await session.call((token) => request("worker", `${config.workerUrl}/v1/datasets`, { token }));
      setDatasets(answer.datasets);
    } catch (failure) {
      setError(failure.message);
    }
  }, [config, session]);

  useEffect(() => {
    load();
  }, [load]);

  const unwrap = async (datasetId, keyId) => {
    const slot = `${datasetId}/${keyId}`;
    try {
      const answer = await session.call((token) =>
        request("keyserver", `${config.keyServerUrl}/v1/datasets/${encodeURIComponent(datasetId)}/keys/${encodeURIComponent(keyId)}/unwrap`, {
          method: "POST",
          token,
        }),
      );
      // The key itself stays out of the page's state; only the fact of the release is shown.
      setUnwraps((all) => ({ ...all, [slot]: { ok: true, text: `Key ${answer.key_id} released (KEK version ${answer.kek_version}).` } }));
    } catch (failure) {
      setUnwraps((all) => ({ ...all, [slot]: { ok: false, text: failure.message } }));
    }
  };

  // Downloads go through the Worker, which checks the token and the role again.
  const download = async (dataset) => {
    setError(null);
    try {
      const blob = await session.call(async (token) => {
        let response;
        try {
          response = await fetch(`${config.workerUrl}/v1/datasets/objects/${dataset.id}`, { headers: { authorization: `Bearer ${token}` } });
        } catch {
          throw new ApiError("WORKER_UNAVAILABLE", "The upload Worker cannot be reached. Check that the demo is running and try again.");
        }
        if (!response.ok) {
          const body = await response.json().catch(() => ({}));
          throw new ApiError(body.code ?? `HTTP_${response.status}`, body.message ?? `The download failed with HTTP ${response.status}.`, response.status);
        }
        return response.blob();
      });
      const link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = dataset.fileName;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    } catch (failure) {
      setError(failure.message);
    }
  };

  const otherSlot = `${otherId}/${otherKey}`;
  return (
    <Step id="step-datasets" number={number} title="Uploaded datasets" focus={false}>
      <button type="button" onClick={load}>Refresh the list</button>
      {error && <Alert kind="error" testId="datasets-error">{error}</Alert>}
      {datasets && datasets.length === 0 && <p data-testid="datasets-empty">No dataset you may see has been uploaded yet.</p>}
      {datasets && datasets.length > 0 && (
        <table data-testid="datasets">
          <thead>
            <tr><th scope="col">File</th><th scope="col">Dataset</th><th scope="col">De-identified</th><th scope="col">Encrypted</th><th scope="col">Size</th><th scope="col">Download</th><th scope="col">Key</th></tr>
          </thead>
          <tbody>
            {datasets.map((d) => {
              const slot = `${d.datasetId}/${d.keyId}`;
              return (
                <tr key={d.id} data-dataset={d.datasetId} data-object={d.id}>
                  <th scope="row">{d.fileName}</th>
                  <td><code>{d.datasetId}</code></td>
                  <td>{d.deidentified ? "yes" : "no"}</td>
                  <td>{d.encrypted ? "yes" : "no"}</td>
                  <td>{formatBytes(d.size)}</td>
                  <td><button type="button" className="secondary" onClick={() => download(d)}>Download</button></td>
                  <td>
                    {d.keyId && <button type="button" onClick={() => unwrap(d.datasetId, d.keyId)}>Request key</button>}
                    {unwraps[slot] && <span className={unwraps[slot].ok ? "ok" : "refused"} data-testid="unwrap-result">{unwraps[slot].text}</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          unwrap(otherId.trim(), otherKey.trim());
        }}
      >
        <label>Dataset id <input value={otherId} onChange={(e) => setOtherId(e.target.value)} name="other-dataset" required /></label>
        <label>Key id <input value={otherKey} onChange={(e) => setOtherKey(e.target.value)} name="other-key" required /></label>
        <button type="submit">Request this key</button>
      </form>
      {unwraps[otherSlot] && (
        <Alert kind={unwraps[otherSlot].ok ? "success" : "error"} testId="other-unwrap-result">{unwraps[otherSlot].text}</Alert>
      )}
    </Step>
  );
}
