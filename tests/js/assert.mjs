// Assertions for the shared cases. No Node built-ins, so Chromium and workerd load this too.

/** A failed check. Its message lists every difference found. */
export class AssertionError extends Error {
  constructor(message) {
    super(message);
    this.name = "AssertionError";
  }
}

/** Thrown by a case whose input is missing, such as a fixture that is not checked in yet. */
export class SkipCase extends Error {
  constructor(reason) {
    super(reason);
    this.name = "SkipCase";
  }
}

/** Skips the running case with `reason`. */
export function skip(reason) {
  throw new SkipCase(reason);
}

const MAX_SHOWN_DIFFERENCES = 20;
const MAX_SHOWN_CHARS = 100;

/** Formats a value for a failure message, cut to a readable length. */
export function show(value) {
  let text;
  if (typeof value === "string") {
    text = JSON.stringify(value);
  } else if (typeof value === "bigint") {
    text = `${value}n`;
  } else if (value === undefined || typeof value === "function" || typeof value === "symbol") {
    text = String(value);
  } else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  return text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS)}…` : text;
}

function kind(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (ArrayBuffer.isView(value)) return "typed array";
  return typeof value;
}

/** Collects the differences between `actual` and `expected` as `path: expected …, got …` lines. */
function collectDifferences(actual, expected, path, out) {
  if (out.length >= MAX_SHOWN_DIFFERENCES) return;
  if (Object.is(actual, expected)) return;

  const actualKind = kind(actual);
  const expectedKind = kind(expected);
  if (actualKind !== expectedKind) {
    out.push(`${path}: expected ${expectedKind} ${show(expected)}, got ${actualKind} ${show(actual)}`);
    return;
  }

  if (actualKind === "array" || actualKind === "typed array") {
    if (actual.length !== expected.length) {
      out.push(`${path}: expected length ${expected.length}, got ${actual.length}`);
    }
    const shared = Math.min(actual.length, expected.length);
    for (let i = 0; i < shared; i++) {
      collectDifferences(actual[i], expected[i], `${path}[${i}]`, out);
    }
    for (let i = shared; i < actual.length && out.length < MAX_SHOWN_DIFFERENCES; i++) {
      out.push(`${path}[${i}]: unexpected ${show(actual[i])}`);
    }
    for (let i = shared; i < expected.length && out.length < MAX_SHOWN_DIFFERENCES; i++) {
      out.push(`${path}[${i}]: missing ${show(expected[i])}`);
    }
    return;
  }

  if (actualKind === "object") {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const key of keys) {
      const child = /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
      if (!(key in actual)) {
        out.push(`${child}: missing, expected ${show(expected[key])}`);
      } else if (!(key in expected)) {
        out.push(`${child}: unexpected ${show(actual[key])}`);
      } else {
        collectDifferences(actual[key], expected[key], child, out);
      }
      if (out.length >= MAX_SHOWN_DIFFERENCES) return;
    }
    return;
  }

  out.push(`${path}: expected ${show(expected)}, got ${show(actual)}`);
}

/** Asserts that two values are structurally equal; the message lists each difference by path. */
export function deepEqual(actual, expected, label = "value") {
  const differences = [];
  collectDifferences(actual, expected, "$", differences);
  if (differences.length > 0) {
    throw new AssertionError(`${label} differs:\n  ${differences.join("\n  ")}`);
  }
}

/** Asserts `Object.is(actual, expected)`. */
export function equal(actual, expected, label = "value") {
  if (!Object.is(actual, expected)) {
    throw new AssertionError(`${label}: expected ${show(expected)}, got ${show(actual)}`);
  }
}

/** Asserts that `condition` is true. The message must not quote secrets or patient data. */
export function ok(condition, message) {
  if (!condition) {
    throw new AssertionError(message);
  }
}

/**
 * Calls `fn` and asserts that it throws an `api.GuardError` with `code`, a message, and, when
 * `expected` has a `subject` key, that subject. Returns the error.
 */
export function throwsCode(api, fn, code, expected = {}, label = "call") {
  let error;
  try {
    fn();
  } catch (caught) {
    error = caught;
  }
  if (error === undefined) {
    throw new AssertionError(`${label}: expected GuardError ${code}, but nothing was thrown`);
  }
  if (!(error instanceof api.GuardError)) {
    const name = error?.constructor?.name ?? typeof error;
    throw new AssertionError(
      `${label}: expected GuardError ${code}, got ${name}: ${show(error?.message ?? error)}`,
    );
  }
  ok(error instanceof Error, `${label}: GuardError must extend Error`);
  equal(error.name, "GuardError", `${label}: error.name`);
  equal(error.code, code, `${label}: error.code`);
  ok(typeof error.message === "string" && error.message.length > 0, `${label}: error.message is empty`);
  if ("subject" in expected) {
    equal(error.subject, expected.subject, `${label}: error.subject`);
  }
  return error;
}
