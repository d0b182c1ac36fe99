/**
 * The error thrown by every techdeck-guard export.
 *
 * `code` is a stable string such as "INVALID_OPTIONS"; `subject`, when present, names the
 * option, field or argument involved. Messages never contain the content of the input.
 */
export class GuardError extends Error {
  constructor(code, message, subject) {
    super(message);
    this.name = "GuardError";
    this.code = code;
    if (subject !== undefined && subject !== null) {
      this.subject = subject;
    }
  }
}

/** Creates a GuardError; called from the Wasm boundary. */
export function createGuardError(code, message, subject) {
  return new GuardError(code, message, subject);
}
