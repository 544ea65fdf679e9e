/**
 * A worker process for crash tests: the engine on the given database, worker started. After the
 * Exstream call of a delivery and before its record, it prints `CALLED <communicationId>` and then
 * waits forever, so the test can SIGKILL it at exactly that point.
 *
 * Run with: node --conditions=source --import tsx delivery-worker-process.ts
 * Env: WORKER_DATABASE_URL, WORKER_SECRET_KEY (64 hex), WORKER_DOCUMENTS_DIR, WORKER_RETRY_LIMIT.
 */
import { createDatabase, createSecretBox } from '@exstream-connect/db';
import { createEngine } from '../../src/index.ts';

const env = process.env;
const db = await createDatabase({ url: env.WORKER_DATABASE_URL! });
const engine = await createEngine({
  db,
  secretBox: createSecretBox(Buffer.from(env.WORKER_SECRET_KEY!, 'hex')),
  documentsDir: env.WORKER_DOCUMENTS_DIR!,
  pollIntervalMs: 100,
  delivery: { retryLimit: Number(env.WORKER_RETRY_LIMIT ?? '3'), retryDelaySeconds: 1, retryDelayMaxSeconds: 2, sweepIntervalSeconds: 0 },
  hooks: {
    afterExstreamCall: async (communicationId) => {
      process.stdout.write(`CALLED ${communicationId}\n`);
      await new Promise<never>(() => undefined);
    },
  },
});
await engine.startWorker();
process.stdout.write('READY\n');
