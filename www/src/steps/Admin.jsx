// Administration: rotate the token signing key and the key-encryption key, and end a user's
// sessions. Each action shows its effect as the key server publishes it.
import { useState } from "react";

import { request, tokenClaims } from "../api.js";
import { Alert, Step } from "../components/common.jsx";

export default function AdminPanel({ config, session, number }) {
  const [messages, setMessages] = useState([]);
  const [error, setError] = useState(null);
  const [userId, setUserId] = useState(config.accounts.find((a) => a.role !== "admin")?.id ?? "");

  const say = (text) => setMessages((all) => [...all, text]);
  const admin = (path, body) =>
    session.call((token) => request("keyserver", `${config.keyServerUrl}${path}`, { method: "POST", token, body }));

  const act = (action) => async () => {
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(failure.message);
    }
  };

  const rotateSigningKey = act(async () => {
    const { kid } = await admin("/v1/admin/signing-keys/rotate");
    const jwks = await request("keyserver", `${config.keyServerUrl}/.well-known/jwks.json`);
    say(`New signing key ${kid}. The JWK Set now publishes ${jwks.keys.length} keys; tokens signed by the older ones stay valid until they expire.`);
  });

  const rotateKek = act(async () => {
    const rotated = await admin("/v1/admin/kek/rotate", { rewrap_all: true });
    say(`Key-encryption key version ${rotated.kek_version} is current; ${rotated.rewrapped} data keys were rewrapped under it.`);
  });

  const revokeSessions = act(async () => {
    const account = config.accounts.find((a) => a.id === userId);
    await admin(`/v1/admin/users/${encodeURIComponent(userId)}/revoke-sessions`);
    const snapshot = await fetch(`${config.keyServerUrl}/v1/revocations`).then((r) => r.text());
    const notBefore = tokenClaims(snapshot).not_before?.[userId];
    const when = notBefore ? new Date(notBefore * 1000).toLocaleTimeString() : "now";
    say(`Every session of ${account?.username ?? userId} has ended: tokens issued before ${when} are rejected and the revocation snapshot lists the cut.`);
  });

  return (
    <Step id="step-admin" number={number} title="Administration" focus={false}>
      <div className="actions">
        <button type="button" onClick={rotateSigningKey}>Rotate the signing key</button>
        <button type="button" onClick={rotateKek}>Rotate the key-encryption key</button>
      </div>
      <form className="inline-form" onSubmit={(event) => { event.preventDefault(); revokeSessions(); }}>
        <label>
          User
          <select value={userId} onChange={(e) => setUserId(e.target.value)} name="revoke-user">
            {config.accounts.map((a) => <option key={a.id} value={a.id}>{a.username} ({a.role})</option>)}
          </select>
        </label>
        <button type="submit">End this user's sessions</button>
      </form>
      {error && <Alert kind="error" testId="admin-error">{error}</Alert>}
      <ul data-testid="admin-log" aria-live="polite">
        {messages.map((text, i) => <li key={i}>{text}</li>)}
      </ul>
    </Step>
  );
}
