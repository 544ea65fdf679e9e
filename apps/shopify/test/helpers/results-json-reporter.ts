import { JsonReporter } from 'vitest/reporters';

declare module 'vitest' {
  interface TaskMeta {
    /** Why a suite skipped itself (a tool missing on this machine); see `skipWithReason`. */
    skippedReason?: string;
  }
}

/**
 * Vitest's JSON report at test-artifacts/results.json, plus a top-level `skippedReason` gathered
 * from the skipped tests' `meta.skippedReason`: scripts/report-test-results.mjs prints that next to
 * the workspace's counts, as it does for the PHP runner's, so a suite that could not run on this
 * machine is named with its cause instead of passing silently.
 */
export default class ResultsJsonReporter extends JsonReporter {
  constructor() {
    super({ outputFile: 'test-artifacts/results.json' });
  }

  override async writeReport(report: string): Promise<void> {
    const parsed = JSON.parse(report) as { testResults?: Array<{ assertionResults?: Array<{ status?: string; meta?: { skippedReason?: string } }> }>; skippedReason?: string };
    const reasons = new Set(
      (parsed.testResults ?? []).flatMap((file) => (file.assertionResults ?? []).flatMap((test) => (test.status === 'skipped' && test.meta?.skippedReason ? [test.meta.skippedReason] : []))),
    );
    if (reasons.size > 0) parsed.skippedReason = [...reasons].join('; ');
    await super.writeReport(JSON.stringify(parsed));
  }
}
