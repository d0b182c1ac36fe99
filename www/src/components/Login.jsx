// The login form. Passwords of the demo accounts are printed by the demo command, not shown here.
import { useState } from "react";

import { Alert } from "./common.jsx";

export default function Login({ accounts, onLogin, endedReason }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onLogin(username.trim(), password);
      setPassword("");
    } catch (failure) {
      setError(failure.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="step" aria-labelledby="login-title" data-testid="login">
      <h2 id="login-title">Log in</h2>
      {endedReason && <Alert kind="warning" testId="session-ended">{endedReason}</Alert>}
      <form onSubmit={submit} className="login-form">
        <label>
          User name
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        <button type="submit" disabled={busy}>{busy ? "Logging in…" : "Log in"}</button>
      </form>
      {error && <Alert kind="error" testId="login-error">{error}</Alert>}
      {accounts.length > 0 && (
        <p className="hint">
          Demo accounts: {accounts.map((a) => `${a.username} (${a.role})`).join(", ")}. Their one-time passwords are
          printed by <code>scripts/demo-web.sh</code> when it starts.
        </p>
      )}
    </section>
  );
}
