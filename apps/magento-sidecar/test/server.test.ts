import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const SERVER = fileURLToPath(new URL('../src/server.ts', import.meta.url));
const TSX_CLI = createRequire(import.meta.url).resolve('tsx/cli');

type Run = { child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<number | null> };

const running: Run[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const run of running.splice(0)) {
    if (run.child.exitCode === null) run.child.kill('SIGKILL');
    await run.exited;
  }
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function runServer(env: Record<string, string>): Promise<Run> {
  const cwd = await mkdtemp(path.join(os.tmpdir(), 'magento-sidecar-server-'));
  dirs.push(cwd);
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(MAGENTO_SIDECAR_|DATABASE_URL|EXSTREAM_|LOG_LEVEL)/.test(key)));
  const child = spawn(process.execPath, [TSX_CLI, '--conditions=source', SERVER], { cwd, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const run = { child, stdout: () => out, stderr: () => err, exited };
  running.push(run);
  return run;
}

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('src/server.ts (the process)', () => {
  it('GIVEN a bad environment THEN it exits 1 before touching anything, listing every bad variable', async () => {
    const run = await runServer({ MAGENTO_SIDECAR_PORT: 'eighty', LOG_LEVEL: 'chatty', DATABASE_URL: 'postgres://app@127.0.0.1:1/none', EXSTREAM_FEEDBACK_SECRET: 'tiny' });
    expect(await within(run.exited, 60_000, 'exit on bad env')).toBe(1);
    const stderr = run.stderr();
    for (const name of ['MAGENTO_SIDECAR_PORT', 'LOG_LEVEL', 'EXSTREAM_CONNECT_SECRET_KEY', 'EXSTREAM_FEEDBACK_SECRET']) expect(stderr).toContain(name);
    expect(stderr).not.toContain('tiny');
  });

  it('GIVEN the embedded defaults THEN it serves /healthz and closes gracefully on SIGTERM', async () => {
    const run = await runServer({ MAGENTO_SIDECAR_PORT: '0', DATABASE_URL: 'memory://', EXSTREAM_FEEDBACK_SECRET: 'feedback-secret-0123456789', LOG_LEVEL: 'info' });
    const url = await within(
      (async () => {
        for (;;) {
          const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*magento sidecar listening/.exec(run.stdout());
          if (match) return match[1]!;
          if (run.child.exitCode !== null) throw new Error(`server exited: ${run.stderr()}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })(),
      120_000,
      'server listening',
    );
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'ok' });
    // The generated-key warning tells the operator what to set for production.
    expect(run.stdout()).toContain('EXSTREAM_CONNECT_SECRET_KEY is not set');

    run.child.kill('SIGTERM');
    expect(await within(run.exited, 30_000, 'graceful exit')).toBe(0);
    expect(run.stdout()).toContain('shutting down');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});
