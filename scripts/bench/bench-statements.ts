/**
 * Statements at period close: 100,000 accounts planned, recorded (one Communication each) and
 * streamed as NDJSON into one Exstream batch job.
 *
 * Three processes, as in production: this one (creates the database, reads the figures), the
 * statements worker (statements-worker.ts: the engine, whose RSS is the figure) and the sandbox
 * (it keeps a summary and the text of every batch record, which is Exstream's memory, not ours).
 * The worker runs with the V8 flags the engine README recommends for a statements worker
 * (`BENCH_STATEMENTS_NODE_FLAGS`, default `--max-semi-space-size=8 --heap-growing-percent=30`).
 * Without them V8 grows its young generation to ~130 MB under the run's sustained allocation rate
 * (and, with only a smaller young generation, lets the old one fill with promoted garbage up to
 * ~4 × the live heap): RSS, not retention, since the live heap stays at ~35 MB whatever the number
 * of accounts (test/statement-memory.test.ts). Set it empty to measure Node's defaults. Accounts
 * come from a generator, as a platform adapter pages them.
 * "seconds" ends when the batch input accepted the whole stream (planned + streamed); "total
 * seconds" also covers polling the job to its end and moving every row to sent.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startBenchSandbox, type BenchSandbox } from './bench-sandbox.ts';
import { openBenchDatabase, postgresAvailable, round, type BenchDatabase, type DatabaseKindName } from './bench-support.ts';
import type { BenchOptions, BenchResult } from './bench-types.ts';
import type { StatementsWorkerConfig, StatementsWorkerResult } from './statements-worker.ts';

const DEFAULT_WORKER_FLAGS = '--max-semi-space-size=8 --heap-growing-percent=30';

function workerFlags(): string[] {
  const raw = process.env.BENCH_STATEMENTS_NODE_FLAGS ?? DEFAULT_WORKER_FLAGS;
  return raw.split(/\s+/).filter(Boolean);
}

/** Runs the statements worker in its own process and returns its one line of figures. */
function runWorker(config: StatementsWorkerConfig, flags: string[], timeoutMs: number): Promise<StatementsWorkerResult> {
  const script = fileURLToPath(new URL('./statements-worker.ts', import.meta.url));
  const child = spawn(process.execPath, [...flags, ...process.execArgv, script, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let result: StatementsWorkerResult | null = null;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('{')) result = JSON.parse(line) as StatementsWorkerResult;
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (result) resolve(result);
      else reject(new Error(`the statements worker exited (${signal ?? code}) without figures`));
    });
  });
}

async function benchOne(kind: DatabaseKindName, options: BenchOptions): Promise<BenchResult[]> {
  const count = options.quick ? 5_000 : Number(process.env.BENCH_STATEMENTS_ACCOUNTS ?? 100_000);
  const bench: BenchDatabase = await openBenchDatabase(kind);
  let sandbox: BenchSandbox | null = null;
  try {
    sandbox = await startBenchSandbox({ separateProcess: true, batch: { startAfterMs: 10, completeAfterMs: 50 } });
    // PGlite is one process's database: hand its directory over to the worker.
    const databaseUrl = kind === 'postgres' ? bench.db.url! : `${bench.dir}/pglite`;
    if (kind === 'pglite') await bench.db.close();
    const flags = workerFlags();
    options.note(`statements ${kind}: ${count} accounts, worker node flags: ${flags.join(' ') || '(none)'}`);
    const out = await runWorker({ databaseUrl, documentsDir: `${bench.dir}/documents`, sandbox, count }, flags, 30 * 60_000);
    options.note(`statements ${kind}: ${JSON.stringify(out.result)}; sampled peak ${round(out.peakRssMb)} MB, kernel high-water mark ${out.highWaterRssMb === null ? 'n/a' : `${round(out.highWaterRssMb)} MB`}`);
    // The kernel's high-water mark when there is one: a spike between two samples still counts.
    const peak = Math.max(out.peakRssMb, out.highWaterRssMb ?? 0);
    return [
      { name: `statements ${kind} seconds`, value: round(out.streamedSeconds), unit: 's', target: { op: '<=', value: 60 } },
      { name: `statements ${kind} total seconds`, value: round(out.totalSeconds), unit: 's' },
      { name: `statements ${kind} peak RSS`, value: round(peak), unit: 'MB', target: { op: '<=', value: 300 } },
      { name: `statements ${kind} RSS before`, value: round(out.rssBeforeMb), unit: 'MB' },
      { name: `statements ${kind} accounts/s`, value: round(count / out.streamedSeconds), unit: 'accounts/s' },
      { name: `statements ${kind} communications sent`, value: out.sent, unit: 'rows', target: { op: '>=', value: count } },
    ];
  } finally {
    await sandbox?.close().catch(() => undefined);
    await bench.close();
  }
}

export async function benchStatements(options: BenchOptions): Promise<BenchResult[]> {
  const only = process.env.BENCH_STATEMENTS_DATABASES?.split(',').map((s) => s.trim()) as DatabaseKindName[] | undefined;
  const kinds: DatabaseKindName[] = only ?? ((await postgresAvailable()) ? ['postgres'] : ['pglite']);
  const results: BenchResult[] = [];
  for (const kind of kinds) results.push(...(await benchOne(kind, options)));
  return results;
}
