// The TechDeck demo page: log in, then (therapists and admins) validate, scan, de-identify,
// encrypt and upload a dataset. Every role lists the datasets it may access, and admins
// manage keys and sessions.
import { useCallback, useEffect, useState } from "react";

import { Alert } from "./components/common.jsx";
import Login from "./components/Login.jsx";
import { runHeavy } from "./heavy.js";
import { useSession } from "./session.js";
import AdminPanel from "./steps/Admin.jsx";
import DatasetStep from "./steps/Dataset.jsx";
import DatasetsPanel from "./steps/Datasets.jsx";
import DeidentifyStep from "./steps/Deidentify.jsx";
import PhiStep from "./steps/Phi.jsx";
import ProtectStep from "./steps/Protect.jsx";

const UPLOADER_ROLES = new Set(["therapist", "admin"]);

/** Loads config.json, written next to the page by the demo command. */
function useConfig() {
  const [state, setState] = useState({ config: null, error: null });
  useEffect(() => {
    fetch("config.json")
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((config) => setState({ config: { accounts: [], maxFileSizeMb: 100, ...config }, error: null }))
      .catch(() => setState({ config: null, error: "config.json is missing: start the page with scripts/demo-web.sh." }));
  }, []);
  return state;
}

function Workspace({ config, session }) {
  const role = session.session.claims.role;
  const [capabilities, setCapabilities] = useState(null);
  const [file, setFile] = useState(null);
  const [validation, setValidation] = useState(null);
  const [scan, setScan] = useState(null);
  const [redaction, setRedaction] = useState(null);

  useEffect(() => {
    runHeavy("capabilities").then(setCapabilities, () => setCapabilities({ scan: false, redact: false, encrypt: false }));
  }, []);

  const reset = useCallback(() => {
    setFile(null);
    setValidation(null);
    setScan(null);
    setRedaction(null);
  }, []);
  const validated = useCallback((chosen, report) => {
    setFile(chosen);
    setValidation(report);
  }, []);

  if (!capabilities) return <p>Loading techdeck-guard…</p>;
  const uploader = UPLOADER_ROLES.has(role);
  const valid = file && validation?.valid;
  const format = validation?.stats.format;
  const scanned = scan || !capabilities.scan;
  // The panels below continue the numbering of the upload steps on screen.
  let next = 1;
  if (uploader && !valid) next = 2;
  else if (uploader && !scanned) next = 3;
  else if (uploader) next = 5;

  return (
    <>
      {!uploader && (
        <Alert kind="info" testId="role-note">
          As a {role} you see de-identified datasets only and cannot upload.
        </Alert>
      )}
      {uploader && <DatasetStep maxFileSizeMb={config.maxFileSizeMb} onValidated={validated} onReset={reset} />}
      {uploader && valid && <PhiStep file={file} format={format} available={capabilities.scan} onScanned={setScan} />}
      {uploader && valid && scanned && (
        <DeidentifyStep
          key={file.name + file.size}
          file={file}
          format={format}
          types={scan ? scan.counts.map((c) => c.type) : []}
          available={capabilities.redact}
          onRedacted={setRedaction}
        />
      )}
      {uploader && valid && scanned && (
        <ProtectStep config={config} session={session} file={file} redaction={redaction} available={capabilities.encrypt} />
      )}
      <DatasetsPanel config={config} session={session} number={next++} />
      {role === "admin" && <AdminPanel config={config} session={session} number={next++} />}
    </>
  );
}

export default function App() {
  const { config, error } = useConfig();
  const session = useSession(config ?? {});

  return (
    <>
      <header className="top">
        <h1>TechDeck dataset upload</h1>
        {session.session && (
          <div className="who" data-testid="who">
            {session.session.username} ({session.session.claims.role})
            <span className="renewal">
              {" "}session renews in the background
              {session.session.refreshedAt ? `, last at ${new Date(session.session.refreshedAt).toLocaleTimeString()}` : ""}
            </span>
            <button type="button" onClick={session.logout}>Log out</button>
          </div>
        )}
      </header>
      <main>
        {error && <Alert kind="error">{error}</Alert>}
        {config && !session.session && <Login accounts={config.accounts} onLogin={session.login} endedReason={session.endedReason} />}
        {config && session.session && <Workspace config={config} session={session} key={session.session.username} />}
      </main>
    </>
  );
}
