/**
 * `npm run bench`: the performance figures of issue #5 (and the Exstream round trips of issue #3).
 *
 *   npm run bench                      every benchmark, each in its own child process
 *   npm run bench -- --only accept     one benchmark, in this process
 *   npm run bench -- --quick           smaller sizes (CI smoke)
 *
 * stdout: `# ...` header lines (machine), one `name: value unit` line per figure, then a summary
 * table with each target (PASS / MISS). Progress and notes go to stderr.
 * Why a child process per benchmark: figures like peak RSS and GC pressure must not carry over
 * from the previous benchmark; each starts from a fresh heap.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { BenchFn, BenchOptions, BenchResult } from './bench/bench-types.ts';
import { printTable } from './lib/print-table.ts';

const BENCHES: Record<string, { describe: string; load: () => Promise<BenchFn> }> = {
  accept: { describe: 'accept() events/s and p50/p99 on PGlite and Postgres, beside a bare HMAC + parse + INSERT loop', load: async () => (await import('./bench/bench-accept.ts')).benchAccept },
  latency: { describe: 'event accepted → Exstream request received by the sandbox, at a steady arrival rate', load: async () => (await import('./bench/bench-delivery-latency.ts')).benchDeliveryLatency },
  statements: { describe: '100,000 statements planned and streamed to the batch input; seconds and peak RSS', load: async () => (await import('./bench/bench-statements.ts')).benchStatements },
  history: { describe: "one order's history among 1,000,000 communications", load: async () => (await import('./bench/bench-history.ts')).benchHistory },
  exstream: { describe: 'Exstream client + sandbox on-demand round trips/s', load: async () => (await import('./bench/bench-exstream.ts')).benchExstream },
};

const RESULT_PREFIX = 'BENCH_RESULT ';

function parseArgs(argv: string[]) {
  const args = { only: null as string | null, quick: false, child: false, help: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--quick') args.quick = true;
    else if (arg === '--child') args.child = true;
    else if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg === '--only') args.only = argv[++i] ?? null;
    else if (arg?.startsWith('--only=')) args.only = arg.slice('--only='.length);
    else throw new Error(`Unknown argument "${arg}". Usage: npm run bench -- [--only ${Object.keys(BENCHES).join('|')}] [--quick]`);
  }
  if (args.only !== null && !(args.only in BENCHES)) throw new Error(`--only: unknown benchmark "${args.only}"; expected one of ${Object.keys(BENCHES).join(', ')}`);
  return args;
}

function machineHeader(): string[] {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // Not Linux: os.cpus() is good enough.
  }
  return [
    `# nproc: ${os.availableParallelism()}`,
    `# cpu: ${cpu}`,
    `# load average: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    `# node: ${process.version}`,
    `# memory: ${Math.round(os.totalmem() / 1024 / 1024)} MB`,
  ];
}

const formatLine = (r: BenchResult) => `${r.name}: ${r.value} ${r.unit}`;

/** Runs one benchmark in a child process (fresh heap), bounded in time; figures come back as JSON lines. */
function runInChild(name: string, quick: boolean, timeoutMs: number): Promise<BenchResult[]> {
  return new Promise((resolve) => {
    const script = fileURLToPath(import.meta.url);
    const child = spawn(process.execPath, [...process.execArgv, script, '--only', name, '--child', ...(quick ? ['--quick'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
    const results: BenchResult[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith(RESULT_PREFIX)) {
        const result = JSON.parse(line.slice(RESULT_PREFIX.length)) as BenchResult;
        results.push(result);
        console.log(formatLine(result));
      } else {
        process.stderr.write(`${line}\n`);
      }
    });
    const timer = setTimeout(() => {
      process.stderr.write(`[bench] ${name}: over ${Math.round(timeoutMs / 1000)} s, stopping it\n`);
      child.kill('SIGTERM');
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) process.stderr.write(`[bench] ${name}: exited with ${signal ?? code}; its figures may be missing\n`);
      resolve(results);
    });
  });
}

function summary(results: BenchResult[]): void {
  const rows = results.map((r) => {
    const target = r.target ? `${r.target.op === '>=' ? '≥' : '≤'} ${r.target.value} ${r.unit}` : '';
    const pass = r.target ? (r.target.op === '>=' ? r.value >= r.target.value : r.value <= r.target.value) : null;
    return [r.name, `${r.value} ${r.unit}`, target, pass === null ? '' : pass ? 'PASS' : 'MISS'];
  });
  console.log('');
  printTable(['figure', 'value', 'target', 'result'], rows);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    console.log('Usage: npm run bench -- [--only <name>] [--quick]\n');
    for (const [name, b] of Object.entries(BENCHES)) console.log(`  ${name.padEnd(11)} ${b.describe}`);
    return;
  }
  const options: BenchOptions = { quick: args.quick, note: (message) => process.stderr.write(`[bench] ${message}\n`) };

  if (args.child && args.only) {
    const fn = await BENCHES[args.only]!.load();
    for (const result of await fn(options)) console.log(`${RESULT_PREFIX}${JSON.stringify(result)}`);
    return;
  }

  for (const line of machineHeader()) console.log(line);
  if (args.quick) console.log('# mode: quick (smaller sizes; figures are a smoke check, not the targets)');
  const all: BenchResult[] = [];
  const names = args.only ? [args.only] : Object.keys(BENCHES);
  for (const name of names) {
    options.note(`${name}: ${BENCHES[name]!.describe}`);
    const started = performance.now();
    if (args.only) {
      const fn = await BENCHES[name]!.load();
      for (const result of await fn(options)) {
        all.push(result);
        console.log(formatLine(result));
      }
    } else {
      all.push(...(await runInChild(name, args.quick, (args.quick ? 5 : 30) * 60_000)));
    }
    options.note(`${name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  console.log(`# load average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  summary(all);
}

main().then(
  // Pools, pg-boss timers or sockets a benchmark left behind must not keep the process alive.
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
