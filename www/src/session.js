// The login session: tokens from the key server, refreshed in the background before the access
// token expires, revoked on logout. A call rejected for its token refreshes once and retries.
// When the refresh fails too, the session ends with a message and the page returns to login.
import { useCallback, useEffect, useRef, useState } from "react";

import { ApiError, endsSession, request, tokenClaims } from "./api.js";

/** Seconds before expiry at which the background refresh runs. */
const REFRESH_MARGIN_SECONDS = 30;

export function useSession(config) {
  const [session, setSession] = useState(null);
  const [endedReason, setEndedReason] = useState(null);
  const current = useRef(null);
  const timer = useRef(null);

  const store = useCallback((next) => {
    current.current = next;
    setSession(next);
  }, []);

  const end = useCallback(
    (reason) => {
      clearTimeout(timer.current);
      store(null);
      setEndedReason(reason);
    },
    [store],
  );

  const accept = useCallback(
    (username, answer) => {
      const claims = tokenClaims(answer.access_token);
      const next = {
        username,
        accessToken: answer.access_token,
        refreshToken: answer.refresh_token,
        claims,
        expiresAt: Date.now() + answer.expires_in * 1000,
        refreshedAt: current.current ? Date.now() : null,
      };
      store(next);
      setEndedReason(null);
      return next;
    },
    [store],
  );

  const refresh = useCallback(async () => {
    const active = current.current;
    if (!active) throw new ApiError("TOKEN_MISSING", "Log in first.");
    try {
      const answer = await request("keyserver", `${config.keyServerUrl}/v1/refresh`, {
        method: "POST",
        body: { refresh_token: active.refreshToken, grant_type: "refresh_token" },
      });
      return accept(active.username, answer);
    } catch (error) {
      if (error.status === 401 || error.code === "REFRESH_TOKEN_REUSED") {
        end("Your session has ended: it expired or an administrator revoked it. Log in again.");
      }
      throw error;
    }
  }, [accept, config, end]);

  // The background refresh: one timer per access token.
  useEffect(() => {
    clearTimeout(timer.current);
    if (!session) return undefined;
    const delay = Math.max(1000, session.expiresAt - Date.now() - REFRESH_MARGIN_SECONDS * 1000);
    timer.current = setTimeout(() => {
      refresh().catch(() => {
        // end() has already shown why when the session is over; a network failure retries
        // at the next call.
      });
    }, delay);
    return () => clearTimeout(timer.current);
  }, [session, refresh]);

  const login = useCallback(
    async (username, password) => {
      const answer = await request("keyserver", `${config.keyServerUrl}/v1/login`, {
        method: "POST",
        body: { username, password },
      });
      return accept(username, answer);
    },
    [accept, config],
  );

  // Both tokens are revoked before the page drops them. A key server that cannot be reached
  // leaves them valid until they expire.
  const logout = useCallback(async () => {
    const active = current.current;
    if (active) {
      const revoke = (token) =>
        request("keyserver", `${config.keyServerUrl}/v1/revoke`, { method: "POST", body: { token } }).catch(() => null);
      await Promise.all([revoke(active.refreshToken), revoke(active.accessToken)]);
    }
    end(null);
  }, [config, end]);

  /**
   * Runs `action(accessToken)`. On a dead token it refreshes once and retries; when the
   * session cannot be renewed it ends and the error is thrown on.
   */
  const call = useCallback(
    async (action) => {
      const active = current.current;
      if (!active) throw new ApiError("TOKEN_MISSING", "Log in first.");
      try {
        return await action(active.accessToken);
      } catch (error) {
        if (!endsSession(error)) throw error;
        const renewed = await refresh();
        return action(renewed.accessToken);
      }
    },
    [refresh],
  );

  return { session, endedReason, login, logout, refresh, call };
}
