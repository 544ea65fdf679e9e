/**
 * The Exstream sandbox in a child process, for tests that measure this process's memory: the
 * sandbox keeps every batch record it received, which is Exstream's memory, not the engine's.
 * Run directly (`node --import tsx sandbox-process.ts '<options json>'`) it starts the sandbox and
 * prints `{ url, tokenUrl, domain }` as its first stdout line.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { StartSandboxOptions } from '@exstream-connect/exstream-sandbox';

const SELF = fileURLToPath(import.meta.url);
const PACKAGE_ROOT = path.resolve(path.dirname(SELF), '..', '..');

export type SandboxProcess = { url: string; tokenUrl: string; domain: string; close(): Promise<void> };

export async function startSandboxProcess(options: Omit<StartSandboxOptions, 'port' | 'dataDir' | 'logger'>): Promise<SandboxProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', SELF, JSON.stringify(options)], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const first = await new Promise<{ url: string; tokenUrl: string; domain: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the sandbox process did not start within 60 s')), 60_000);
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line) as { url: string; tokenUrl: string; domain: string });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the sandbox process exited (${code}) before it started`));
    });
  });
  return {
    ...first,
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === SELF) {
  const { startSandbox } = await import('@exstream-connect/exstream-sandbox');
  const sandbox = await startSandbox({ port: 0, dataDir: null, ...(JSON.parse(process.argv[2] ?? '{}') as StartSandboxOptions) });
  process.stdout.write(`${JSON.stringify({ url: sandbox.url, tokenUrl: sandbox.tokenUrl, domain: sandbox.domain })}\n`);
  const stop = () => void sandbox.close().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  // The test process going away (crash, kill -9) must not leave this one behind.
  process.on('disconnect', stop);
}
