import type { JsonOptions, TestModule } from 'vitest/node';
import { JsonReporter } from 'vitest/reporters';

declare module 'vitest' {
  interface TaskMeta {
    /** Why a suite or test skipped itself (a missing tool); lifted into the JSON report. */
    skippedReason?: string;
  }
}

/**
 * Vitest's JSON report plus a top-level `skippedReason` naming every suite that skipped itself and
 * why (`describe(name, { skip: true, meta: { skippedReason } }, …)`), the same field the PHP
 * runner writes, so `scripts/report-test-results.mjs` prints "(SKIPPED: <why>)" next to the count
 * instead of a silent drop in the number of tests.
 */
export default class JsonReportWithSkipReasons extends JsonReporter {
  private reasons: string[] = [];

  constructor(options: JsonOptions = {}) {
    super(options);
  }

  override async onTestRunEnd(...args: Parameters<JsonReporter['onTestRunEnd']>): Promise<void> {
    const [testModules] = args;
    this.reasons = skipReasons(testModules);
    await super.onTestRunEnd(...args);
  }

  override async writeReport(report: string): Promise<void> {
    if (this.reasons.length === 0) return super.writeReport(report);
    return super.writeReport(JSON.stringify({ ...(JSON.parse(report) as object), skippedReason: this.reasons.join('; ') }));
  }
}

function skipReasons(testModules: ReadonlyArray<TestModule>): string[] {
  const reasons = new Set<string>();
  for (const testModule of testModules) {
    for (const suite of testModule.children.allSuites()) {
      const reason = suite.meta().skippedReason;
      if (reason && suite.state() === 'skipped') reasons.add(reason);
    }
    for (const test of testModule.children.allTests()) {
      const reason = test.meta().skippedReason;
      if (reason && test.result().state === 'skipped') reasons.add(reason);
    }
  }
  return [...reasons];
}
