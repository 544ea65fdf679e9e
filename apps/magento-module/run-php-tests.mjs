#!/usr/bin/env node
// Runs the Magento module's PHP checks: php -l, xmllint, phpcs (PSR-12) and PHPUnit.
// Writes test-artifacts/results.json ({ numPassedTests, numFailedTests, numPendingTests, ... }) and
// test-artifacts/junit.xml. Without php or phpunit it reports the suite as skipped and exits 0,
// so `npm test` works on machines without PHP (CI installs it: see .ci/run).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const artifacts = join(root, 'test-artifacts');
const resultsFile = join(artifacts, 'results.json');
const junitFile = join(artifacts, 'junit.xml');
const SKIP_DIRS = new Set(['node_modules', 'test-artifacts', '.git', 'vendor']);

function which(cmd) {
  const probe = spawnSync(cmd, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  return probe.error ? null : (probe.stdout || probe.stderr || '').split('\n')[0].trim();
}

function writeResults(results) {
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(resultsFile, JSON.stringify(results, null, 2) + '\n');
}

function walk(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) walk(join(dir, entry.name), out);
    } else {
      out.push(join(dir, entry.name));
    }
  }
  return out;
}

function run(cmd, args, timeoutMs) {
  const res = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  if (res.error) return { code: 1, out: `${cmd}: ${res.error.message}` };
  return { code: res.status ?? 1, out: `${res.stdout ?? ''}${res.stderr ?? ''}` };
}

const php = which('php');
const phpunit = which('phpunit');
if (!php || !phpunit) {
  const why = [!php && 'php is not installed', !phpunit && 'phpunit is not installed'].filter(Boolean).join(', ');
  const reason = `${why} (apt-get install php-cli php-xml php-mbstring php-curl phpunit php-codesniffer libxml2-utils)`;
  console.log(`magento-module: PHP suite SKIPPED: ${reason}`);
  writeResults({ numPassedTests: 0, numFailedTests: 0, numPendingTests: 0, skippedReason: reason });
  process.exit(0);
}

const files = walk(root);
const phpFiles = files.filter((f) => f.endsWith('.php') || f.endsWith('.phtml'));
const xmlFiles = files.filter((f) => f.endsWith('.xml') || f.endsWith('.xml.dist'));
const failures = [];
const checks = {};
console.log(`magento-module: ${php}; ${phpunit}`);

// 1. php -l on every PHP file and template (one process each: php 8.2 lints only the first file).
const lintErrors = [];
for (const file of phpFiles) {
  const { code, out } = run('php', ['-l', file], 30_000);
  if (code !== 0) lintErrors.push(`${relative(root, file)}: ${out.trim()}`);
}
checks.phpLint = { files: phpFiles.length, failed: lintErrors.length };
console.log(`php -l: ${phpFiles.length} files, ${lintErrors.length} with errors`);
if (lintErrors.length) failures.push(`php -l:\n${lintErrors.join('\n')}`);

// 2. xmllint: well-formedness only (Magento's urn:magento XSDs are not available here).
if (!which('xmllint')) {
  failures.push('xmllint is not installed (apt-get install libxml2-utils)');
  checks.xmllint = { files: xmlFiles.length, failed: null };
} else {
  const { code, out } = run('xmllint', ['--noout', ...xmlFiles], 60_000);
  checks.xmllint = { files: xmlFiles.length, failed: code === 0 ? 0 : 1 };
  console.log(`xmllint: ${xmlFiles.length} files ${code === 0 ? 'well-formed' : 'FAILED'}`);
  if (code !== 0) failures.push(`xmllint:\n${out.trim()}`);
}

// 3. phpcs PSR-12 with phpcs.xml.dist (stubs and templates excluded there, with the reason).
if (!which('phpcs')) {
  failures.push('phpcs is not installed (apt-get install php-codesniffer)');
  checks.phpcs = { passed: false, reason: 'phpcs missing' };
} else {
  const { code, out } = run('phpcs', ['--standard=phpcs.xml.dist', '--report=summary', '--no-colors', '-q'], 300_000);
  checks.phpcs = { passed: code === 0 };
  console.log(`phpcs (PSR-12): ${code === 0 ? 'clean' : 'FAILED'}`);
  if (code !== 0) {
    const detail = run('phpcs', ['--standard=phpcs.xml.dist', '--report=full', '--no-colors', '-q'], 300_000);
    failures.push(`phpcs:\n${detail.out.trim()}`);
  }
}

// 4. PHPUnit with a JUnit log.
mkdirSync(artifacts, { recursive: true });
const unit = run('phpunit', ['--configuration', 'phpunit.xml.dist', '--log-junit', junitFile], 600_000);
const closing = unit.out.trim().split('\n').filter((l) => /^(OK|FAILURES!|ERRORS!|Tests:|WARNINGS!|No tests executed)/.test(l.trim()));
if (unit.code !== 0) console.log(unit.out.trim());
console.log(`phpunit: ${closing.join(' ') || '(no summary line)'}`);

let totals = { tests: 0, failures: 0, errors: 0, skipped: 0, assertions: 0 };
if (existsSync(junitFile)) {
  const xml = readFileSync(junitFile, 'utf8');
  const top = xml.match(/<testsuites>\s*<testsuite\b([^>]*)>/);
  if (top) {
    for (const key of Object.keys(totals)) {
      const m = top[1].match(new RegExp(`\\b${key}="(\\d+)"`));
      if (m) totals[key] = Number(m[1]);
    }
  }
}
if (unit.code !== 0) failures.push(`phpunit exited with ${unit.code}`);
if (totals.tests === 0) failures.push('phpunit ran no tests (or wrote no junit file)');

const results = {
  numPassedTests: totals.tests - totals.failures - totals.errors - totals.skipped,
  numFailedTests: totals.failures + totals.errors,
  numPendingTests: totals.skipped,
  numAssertions: totals.assertions,
  checks,
  success: failures.length === 0,
};
writeResults(results);

if (failures.length) {
  console.error(`\nmagento-module: FAILED\n${failures.join('\n\n')}`);
  process.exit(1);
}
console.log(`magento-module: all PHP checks passed (${results.numPassedTests} tests)`);
