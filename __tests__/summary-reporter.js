/**
 * Prints one plain closing line, `jest: N passed, N failed, N skipped`, after jest's own summary,
 * so CI systems that read a run's last line can count the tests without parsing jest's format.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests, numRuntimeErrorTestSuites } = results;
    // A suite that fails to load has no failed test of its own; count it so the line never reads 0 failed.
    const failed = numFailedTests + numRuntimeErrorTestSuites;
    process.stdout.write(
      `jest: ${numPassedTests} passed, ${failed} failed, ${numPendingTests + numTodoTests} skipped\n`,
    );
  }
}

module.exports = SummaryReporter;
