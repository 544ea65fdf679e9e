import type { StoredWebhookCheck } from './check-stored-webhooks.ts';
import type { FuzzSummary } from './run-fuzz.ts';

/** The summary as `name: value unit` lines plus the first failures, each reproducible by seed + index. */
export function printFuzzSummary(summary: FuzzSummary, print: (line: string) => void, stored?: StoredWebhookCheck): void {
  print(`seed: ${summary.seed}`);
  print(`requests: ${summary.sent} requests`);
  print(`5xx: ${summary.fiveXx} responses`);
  print(`failures: ${summary.failures.length} requests`);
  print(`healthy after: ${summary.healthyAfter ? 'yes' : 'no'}`);
  print(`duration: ${(summary.durationMs / 1000).toFixed(1)} s`);
  const acknowledged = `${summary.webhooksRejected.length} rejected + ${summary.webhooksAccepted.length} accepted`;
  print(`webhooks answered 200: ${acknowledged}${stored ? ` (stored: ${stored.rejectedStored} rejected with a reason naming the problem, ${stored.acceptedStored} as inbound events)` : ''}`);
  for (const [target, statuses] of Object.entries(summary.statuses)) {
    print(`  ${target}: ${Object.entries(statuses).map(([s, n]) => `${s}×${n}`).join(' ')}`);
  }
  print(`  categories: ${Object.entries(summary.categories).map(([c, n]) => `${c}×${n}`).join(' ')}`);
  for (const u of summary.unreachable) print(`  not fuzzed: ${u.target} (${u.why})`);
  for (const f of summary.failures.slice(0, 25)) {
    print(`  FAIL #${f.index} ${f.target} ${f.category} [${f.note}] → ${f.status ?? 'no response'}: ${f.problem}`);
  }
}
