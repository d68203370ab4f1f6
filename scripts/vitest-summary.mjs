// Prints vitest's totals as one plain line ("vitest: N passed, N failed, N skipped"),
// the closing line CI reads, from the JSON report `pnpm test` writes.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2] ?? '.vitest-results.json', 'utf8'));
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`vitest: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
process.exit(report.numFailedTests > 0 || !report.success ? 1 : 0);
