import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is packages/reliability/src/start-product.ts). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const START_SCRIPT = path.join(REPO_ROOT, 'scripts', 'start.ts');
export const READY_MARKER = 'EXSTREAM_CONNECT_READY';

export type ProductUrls = { sandbox?: string; sidecar?: string; shopify?: string };

export type StartProductOptions = {
  /** Environment on top of a minimal base (PATH, HOME); the product's own defaults apply to the rest. */
  env: Record<string, string>;
  /** Every stdout/stderr line is appended here (scanned for secrets afterwards). */
  logFile: string;
  /** Default 180 s: the first start may build the Remix app. */
  readyTimeoutMs?: number;
  /** Tag written in front of each log line, e.g. "worker-1". */
  name?: string;
};

export type RunningProduct = {
  name: string;
  pid: number;
  urls: ProductUrls;
  logFile: string;
  isRunning(): boolean;
  /** Resolves with the exit code / signal once the process is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 15 s). */
  stop(graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Immediate SIGKILL of the process group (the crash the soak simulates). */
  kill(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last lines of output, for failure messages. */
  tail(lines?: number): string;
};

/**
 * Starts the product the way an operator does (`scripts/start.ts`, the composition root of
 * `npm start`) in its own process group, and resolves once it prints
 * `EXSTREAM_CONNECT_READY {json}`. Node runs tsx as a loader (`--import tsx`) instead of the tsx
 * CLI so the pid is the product itself: a SIGKILL must hit the worker, not a wrapper.
 */
export async function startProduct(options: StartProductOptions): Promise<RunningProduct> {
  if (!existsSync(START_SCRIPT)) throw new Error(`${START_SCRIPT} does not exist yet: the harness needs the composition root`);
  const name = options.name ?? 'product';
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const recent: string[] = [];
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'development',
    // The product gets exactly this environment, never a developer's .env (scripts/start.ts).
    EXSTREAM_CONNECT_ENV_FILE: 'none',
    ...options.env,
  };
  const child: ChildProcess = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', START_SCRIPT], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('Could not spawn the product');

  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
  });
  // Log lines are written after the stream drains; closing waits for the process to go.
  void exited.then(() => setTimeout(() => log.end(), 50));

  let onReady: ((urls: ProductUrls) => void) | null = null;
  const ready = new Promise<ProductUrls>((resolve) => (onReady = resolve));
  const pump = (stream: NodeJS.ReadableStream | null, kind: 'out' | 'err') => {
    if (!stream) return;
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        log.write(`[${name}:${kind}] ${line}\n`);
        recent.push(line);
        if (recent.length > 200) recent.shift();
        if (kind === 'out' && line.startsWith(READY_MARKER)) {
          try {
            onReady?.(JSON.parse(line.slice(READY_MARKER.length).trim()) as ProductUrls);
          } catch {
            // A malformed marker is reported by the timeout with the tail of the output.
          }
        }
      }
    });
  };
  pump(child.stdout, 'out');
  pump(child.stderr, 'err');

  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  };
  const tail = (lines = 40) => recent.slice(-lines).join('\n');
  const stop = async (graceMs = 15_000) => {
    if (exitInfo) return exitInfo;
    signalGroup('SIGTERM');
    const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
    const result = await exited;
    clearTimeout(timer);
    return result;
  };

  const timeoutMs = options.readyTimeoutMs ?? 180_000;
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ready.then((urls) => ({ kind: 'ready' as const, urls })),
    exited.then((info) => ({ kind: 'exited' as const, info })),
    new Promise<{ kind: 'timeout' }>((resolve) => (timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (outcome.kind !== 'ready') {
    await stop(2_000);
    const why = outcome.kind === 'exited' ? `exited (code ${outcome.info.code}, signal ${outcome.info.signal})` : `not ready after ${timeoutMs} ms`;
    throw new Error(`${name} ${why} before printing ${READY_MARKER}. Last output:\n${tail()}`);
  }
  return {
    name,
    pid,
    urls: outcome.urls,
    logFile: options.logFile,
    isRunning: () => exitInfo === null,
    exited,
    stop,
    kill: async () => {
      if (exitInfo) return exitInfo;
      signalGroup('SIGKILL');
      return exited;
    },
    tail,
  };
}
