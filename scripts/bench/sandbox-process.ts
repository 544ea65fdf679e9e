/**
 * The Exstream sandbox in its own process, for benchmarks whose figures must not include it (peak
 * RSS of statements: the sandbox keeps a summary per batch record) or share its CPU time with the
 * engine's event loop (PDF rendering). Options come as JSON in argv[2]; the first stdout line is
 * `{ url, tokenUrl, domain }`. Stops on SIGTERM.
 */
import { startSandbox, type StartSandboxOptions } from '@exstream-connect/exstream-sandbox';

const options = JSON.parse(process.argv[2] ?? '{}') as StartSandboxOptions;
const sandbox = await startSandbox({ port: 0, dataDir: null, ...options });
process.stdout.write(`${JSON.stringify({ url: sandbox.url, tokenUrl: sandbox.tokenUrl, domain: sandbox.domain })}\n`);
const stop = () => {
  void sandbox.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The parent going away (crash, kill -9) must not leave this process behind.
process.on('disconnect', stop);
