/** A sandbox for a benchmark, in this process or in a child process, behind one interface. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { RecordedRequest, StartSandboxOptions } from '@exstream-connect/exstream-sandbox';

export type BenchSandbox = {
  url: string;
  tokenUrl: string;
  domain: string;
  where: 'in-process' | 'child process';
  requests(): Promise<RecordedRequest[]>;
  close(): Promise<void>;
};

export async function startBenchSandbox(options: StartSandboxOptions & { separateProcess?: boolean }): Promise<BenchSandbox> {
  const { separateProcess, ...sandboxOptions } = options;
  if (!separateProcess) {
    // Loaded only here: the sandbox's modules (PDF renderer, fonts) add ~40 MB of RSS to a process
    // that merely talks to a sandbox in a child process, and the statements bench measures that RSS.
    const { startSandbox } = await import('@exstream-connect/exstream-sandbox');
    const sandbox = await startSandbox({ port: 0, dataDir: null, ...sandboxOptions });
    return { url: sandbox.url, tokenUrl: sandbox.tokenUrl, domain: sandbox.domain, where: 'in-process', requests: async () => sandbox.requests(), close: () => sandbox.close() };
  }
  const script = fileURLToPath(new URL('./sandbox-process.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [...process.execArgv, script, JSON.stringify(sandboxOptions)], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const first = await new Promise<{ url: string; tokenUrl: string; domain: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bench: the sandbox process did not start within 60 s')), 60_000);
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(JSON.parse(line) as { url: string; tokenUrl: string; domain: string });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bench: the sandbox process exited (${code}) before it started`));
    });
  });
  return {
    ...first,
    where: 'child process',
    async requests() {
      const response = await fetch(`${first.url}/__sandbox/requests`);
      return (await response.json()) as RecordedRequest[];
    },
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
