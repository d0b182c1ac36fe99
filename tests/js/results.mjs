// Prints case results for the Chromium and workerd runners and returns the exit code.

/**
 * Prints one line per case, then `N passed, N failed` alone on the last line. Returns 1 when a
 * case failed, when `problems` (page or runtime errors outside the cases) is not empty, or when
 * no case ran; otherwise 0.
 */
export function printResults(runtime, results, problems = []) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const result of results) {
    if (result.status === "passed") {
      passed++;
      console.log(`ok   ${result.name}`);
    } else if (result.status === "skipped") {
      skipped++;
      console.log(`skip ${result.name}: ${result.message}`);
    } else {
      failed++;
      console.log(`FAIL ${result.name}`);
      for (const line of String(result.message).split("\n")) console.log(`     ${line}`);
    }
  }
  for (const problem of problems) {
    console.log(`${runtime} error: ${problem}`);
  }
  if (passed + failed === 0) {
    console.log(`${runtime} error: no case ran`);
  }
  if (skipped > 0) {
    console.log(`${skipped} skipped`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 || problems.length > 0 || passed + failed === 0 ? 1 : 0;
}
