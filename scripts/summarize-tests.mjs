// Prints one plain closing block for all vitest runs: the failed tests by name with the first
// lines of their error, then "N passed, N failed, N skipped". It comes last in the output, so a
// CI log that keeps only its tail still says what broke.
import { readFileSync, existsSync } from 'node:fs';
import { relative } from 'node:path';
import { stripVTControlCharacters } from 'node:util';

const ERROR_LINES = 6;

let passed = 0;
let skipped = 0;
const failures = [];

function firstLines(messages) {
  const text = stripVTControlCharacters((messages ?? []).join('\n'));
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(0, ERROR_LINES);
}

for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) {
    failures.push({
      name: `(no results in ${file}: that run crashed before reporting)`,
      lines: [],
    });
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  for (const testFile of report.testResults) {
    const path = relative(process.cwd(), testFile.name);
    const failedTests = testFile.assertionResults.filter((t) => t.status === 'failed');
    for (const test of failedTests) {
      failures.push({
        name: `${path} > ${test.fullName}`,
        lines: firstLines(test.failureMessages),
      });
    }
    // A file that failed without a failed test (it did not load, or a hook threw) counts once;
    // vitest's numFailedTestSuites also counts every describe block around a failed test.
    if (testFile.status === 'failed' && failedTests.length === 0) {
      failures.push({
        name: `${path} (the file failed outside its tests)`,
        lines: firstLines([testFile.message]),
      });
    }
  }
}
const failed = failures.length;

if (failures.length > 0) {
  console.log('\nFailed:');
  for (const failure of failures) {
    console.log(`  ✗ ${failure.name}`);
    for (const line of failure.lines) console.log(`      ${line}`);
  }
}
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
