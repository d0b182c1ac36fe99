/** Stable codes of a rejected token, in `GuardError.code` and in a guard decision's body. */
export type TokenErrorCode =
  | "TOKEN_MALFORMED"
  | "TOKEN_TOO_LARGE"
  | "TOKEN_NONCANONICAL_BASE64"
  | "TOKEN_ALG_NONE"
  | "TOKEN_ALG_MISMATCH"
  | "TOKEN_EMBEDDED_KEY"
  | "TOKEN_KID_INVALID"
  | "TOKEN_UNKNOWN_KID"
  | "TOKEN_CRIT"
  | "TOKEN_WRONG_TYP"
  | "TOKEN_DUPLICATE_HEADER"
  | "TOKEN_DUPLICATE_CLAIM"
  | "TOKEN_ZERO_SIGNATURE"
  | "TOKEN_NONCANONICAL_SIGNATURE"
  | "TOKEN_SIGNATURE_INVALID"
  | "TOKEN_TIME_NOT_INTEGER"
  | "TOKEN_TIME_OUT_OF_RANGE"
  | "TOKEN_CLAIM_MISSING"
  | "TOKEN_EXPIRED"
  | "TOKEN_NOT_YET_VALID"
  | "TOKEN_WRONG_ISSUER"
  | "TOKEN_WRONG_AUDIENCE"
  | "TOKEN_WRONG_TYPE"
  | "TOKEN_WRONG_COMPLIANCE_LEVEL"
  | "TOKEN_LIFETIME_TOO_LONG"
  | "TOKEN_REVOKED"
  | "TOKEN_SUBJECT_REVOKED"
  | "TOKEN_SESSION_MISMATCH"
  | "TOKEN_REPLAYED"
  | "INVALID_KEY"
  | "REVOCATION_STALE"
  | "REVOCATION_ROLLBACK";

/** A JWK Set (RFC 7517) with Ed25519 (`OKP`) and P-256 (`EC`) public keys, each with a `kid`. */
export interface JsonWebKeySet {
  keys: Array<Record<string, unknown>>;
}

/** Options of `EdgeGuard`. Every optional value has a secure default. */
export interface EdgeGuardOptions {
  /** The exact `iss` of tokens and revocation snapshots. */
  issuer: string;
  /** The audience that each token's `aud` must contain. */
  audience: string;
  /** The issuer's public keys, as JSON text or an object. */
  jwks: string | JsonWebKeySet;
  /** Allowed clock difference in seconds; default 30, at most 60. */
  leeway?: number;
  /** Maximum token size in bytes; default and maximum 8192. */
  maxTokenBytes?: number;
  /** Maximum `exp - iat` of an access token in seconds; default 86400. */
  maxAccessLifetime?: number;
  /** Maximum `exp - iat` of a refresh token in seconds; default 604800. */
  maxRefreshLifetime?: number;
  /** Reject tokens without a session binding and requests without `ip` and `user-agent`; default false. */
  requireBinding?: boolean;
  /** Reject every token until a fresh revocation snapshot is loaded; default true. */
  requireRevocationSnapshot?: boolean;
  /** Minimum seconds between two key refreshes signalled by an unknown `kid`; default 300. */
  keyRefreshCooldown?: number;
  /** Number of verified tokens kept; default 1024, 0 turns the cache off. */
  cacheCapacity?: number;
  /** Access rules that extend or replace the built-in roles, as JSON text or an object. */
  accessRules?: string | Record<string, unknown>;
  /**
   * An HS256 shared secret of at least 32 bytes, for edge-only deployments. Accepted only in
   * Cloudflare Workers and Node; a browser gets `INVALID_OPTIONS`.
   */
  hmacSecret?: { kid: string; secret: Uint8Array };
}

/** One request as the Worker describes it to `EdgeGuard.guard`. */
export interface GuardRequest {
  method?: string;
  path?: string;
  query?: Record<string, string>;
  /** Request headers; `authorization` carries `Bearer <token>`. */
  headers?: Record<string, string>;
  /** The client's IP address, for the session binding. Never copied into the audit event. */
  ip?: string;
  /** The request body as text. */
  body?: string;
  /** The action, such as `read`, `write` or `analyze_data`. */
  action: string;
  /** The resource, such as `patient_records`. */
  resource: string;
  /** The user id owning the resource, for roles that reach only their own data. */
  owner?: string;
  /** The patient the resource belongs to, for roles that reach assigned patients. */
  patient?: string;
  /** Whether the resource is de-identified. */
  deidentified?: boolean;
  /** Fields the request reads, checked against the role's minimum necessary set. */
  requestedFields?: string[];
  /** Whether the Worker's rate limiter reports a violation. */
  rateLimited?: boolean;
  /** Whether the body must be an encrypted package. */
  requiresEncryption?: boolean;
  /** Whether the endpoint accepts PHI in a plaintext body. */
  acceptsPhi?: boolean;
  /** Whether the token may be used only once. */
  oneTime?: boolean;
  /** The current time in seconds; `Date.now()` when absent. */
  now?: number;
}

/** The claims of a verified access token. */
export interface AccessClaims {
  iss: string;
  aud: string | string[];
  sub: string;
  user_id: string;
  role: string;
  type: "access";
  jti: string;
  session_id: string;
  iat: number;
  exp: number;
  nbf?: number;
  compliance_level: "hipaa_plus_plus";
  patients?: string[];
  reason?: string;
  bind_salt?: string;
  ip_hash?: string;
  user_agent_hash?: string;
}

/** The request facts for `EdgeGuard.verifyAccessToken`. */
export interface VerifyContext {
  ip?: string;
  userAgent?: string;
  oneTime?: boolean;
  now?: number;
}

/** The audit event of one decision: no token, body, path, query or IP address. */
export interface AuditEvent {
  eventType: "access_decision";
  timestamp: number;
  userId: string | null;
  role: string | null;
  jti: string | null;
  sessionId: string | null;
  action: string;
  resource: string;
  decision: "allow" | "challenge" | "deny";
  status: number;
  code: string | null;
  breakGlass: boolean;
  phi: boolean;
  riskScore: number;
  threats: string[];
}

/** One threat found in one field. */
export interface ThreatReason {
  threat: string;
  /** `path`, `query.<name>`, `body/<pointer>` or empty for request-wide threats. */
  field: string;
  rule: string;
}

/** The threat monitoring verdict. */
export interface MonitoringVerdict {
  threat_detected: boolean;
  threats: string[];
  risk_score: number;
  action: "allow" | "challenge" | "block";
  reasons: ThreatReason[];
}

/** The compliance result. */
export interface ComplianceResult {
  compliant: boolean;
  violations: string[];
  recommendations: string[];
  body_format: "empty" | "encrypted_package" | "plaintext";
}

/** The decision of `EdgeGuard.guard` and `EdgeGuard.guardAsync`. */
export interface GuardDecision {
  allowed: boolean;
  /** 200 when allowed; otherwise 401, 403, 422, 429 or 503. */
  status: number;
  /** The JSON body of a rejection. */
  body: { code: string; reason: string } | null;
  /** Security headers to add to the response. */
  headers: Record<string, string>;
  audit: AuditEvent;
  /** Whether to fetch the JWK Set again and call `replaceKeys`. */
  refreshKeys: boolean;
  claims: AccessClaims | null;
  monitoring: MonitoringVerdict | null;
  compliance: ComplianceResult | null;
}
