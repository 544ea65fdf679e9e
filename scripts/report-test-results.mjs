// Sums the per-workspace test results (Vitest JSON reports and the PHP runner's summary) into one
// closing line that any CI can read, names every suite that skipped itself and why, and repeats
// each failed test with the first line of its error at the very end, where a truncated CI log
// still shows it. Exit code: 1 when a test failed or when the task runner before it did (argv[2]).
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
let passed = 0;
let failed = 0;
let skipped = 0;
const notes = [];
const failures = [];
// Vitest's messages carry terminal colours (ESC [ … m).
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const firstLine = (message) => String(message ?? '').replace(ANSI, '').split('\n').find((l) => l.trim() !== '')?.trim().slice(0, 300) ?? '';
for (const group of ['packages', 'apps', 'extensions']) {
  const dir = path.join(root, group);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name, 'test-artifacts', 'results.json');
    if (!existsSync(file)) continue;
    const r = JSON.parse(readFileSync(file, 'utf8'));
    passed += r.numPassedTests ?? 0;
    failed += r.numFailedTests ?? 0;
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    const line = `${group}/${name}: ${r.numPassedTests ?? 0} passed, ${r.numFailedTests ?? 0} failed`;
    notes.push(r.skippedReason ? `${line} (SKIPPED: ${r.skippedReason})` : line);
    for (const suite of r.testResults ?? []) {
      const file = path.relative(root, suite.name ?? '');
      for (const test of suite.assertionResults ?? []) {
        if (test.status === 'failed') failures.push(`FAILED ${file} > ${test.fullName ?? test.title}: ${firstLine(test.failureMessages?.[0])}`);
      }
      // A file can fail with every test passed (a hook timing out, an error after the tests): say so.
      const testFailed = (suite.assertionResults ?? []).some((test) => test.status === 'failed');
      if (suite.status === 'failed' && !testFailed) failures.push(`FAILED ${file} (the file, not a test): ${firstLine(suite.message) || 'see its log above'}`);
    }
  }
}
const runnerStatus = Number(process.argv[2] ?? 0);
console.log(notes.join('\n'));
if (failures.length > 0) console.log(failures.join('\n'));
if (runnerStatus !== 0) console.log(`the task runner exited ${runnerStatus}: see the task logs above (lint, typecheck or a suite that crashed)`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || failures.length > 0 || runnerStatus !== 0 ? 1 : 0);
