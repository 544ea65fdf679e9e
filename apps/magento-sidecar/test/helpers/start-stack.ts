import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createSecretBox, type Database } from '@exstream-connect/db';
import { createTestDatabase, eventually as poll, type TestDatabaseTarget } from '@exstream-connect/db/testing';
import { createEngine, type Engine } from '@exstream-connect/engine';
import { startSandbox, type Sandbox } from '@exstream-connect/exstream-sandbox';
import { startMagentoSidecar, type LoggerOption, type RunningSidecar } from '../../src/app.ts';
import { createSignedClient } from './signed-client.ts';

export const FEEDBACK_SECRET = 'test-feedback-secret-0123456789';

export type Stack = {
  db: Database;
  engine: Engine;
  sandbox: Sandbox;
  sidecar: RunningSidecar;
  url: string;
  /** Where the engine keeps produced documents (relative `documentPath`s resolve here). */
  documentsDir: string;
  /** Registers a Magento store; `connect` also gives it an Exstream connection to the sandbox. */
  registerStore(storeKey: string, secret: string, options?: { connect?: boolean; rules?: unknown[] }): Promise<{ id: string }>;
  client(storeKey: string, secret: string): ReturnType<typeof createSignedClient>;
  close(): Promise<void>;
};

/**
 * The real thing, in one process, on loopback: a fresh database (PGlite, or Postgres when
 * TEST_DATABASE_URL is set), the engine with its worker, the sidecar listening on a random port,
 * and the Exstream sandbox whose delivery feedback posts to the sidecar's callback route.
 */
export async function startStack(target: TestDatabaseTarget, options: { worker?: boolean; logger?: LoggerOption; clock?: () => Date } = {}): Promise<Stack> {
  const db = await createTestDatabase(target);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'magento-sidecar-test-'));
  const engine = await createEngine({
    db,
    secretBox: createSecretBox(randomBytes(32)),
    documentsDir: path.join(dir, 'documents'),
    feedbackSecret: FEEDBACK_SECRET,
    pollIntervalMs: 100,
    delivery: { retryLimit: 2, retryDelaySeconds: 1, retryDelayMaxSeconds: 2 },
  });
  const sidecar = await startMagentoSidecar({
    engine,
    port: 0,
    host: '127.0.0.1',
    logger: options.logger ?? false,
    ping: () => db.sql.query('select 1'),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const sandbox = await startSandbox({
    port: 0,
    dataDir: path.join(dir, 'sandbox'),
    feedback: { url: `${sidecar.url}/v1/exstream/feedback`, secret: FEEDBACK_SECRET, delayMs: 20, openedDelayMs: 20 },
  });
  if (options.worker !== false) await engine.startWorker();

  return {
    db,
    engine,
    sandbox,
    sidecar,
    url: sidecar.url,
    documentsDir: path.join(dir, 'documents'),
    async registerStore(storeKey, secret, storeOptions = {}) {
      const store = await engine.stores.registerMagentoStore({ storeKey, signingSecret: secret, name: `Store ${storeKey}`, defaultLocale: 'en', currency: 'EUR' });
      if (storeOptions.connect) {
        await engine.settings.update(
          { id: store.id },
          {
            connection: { baseUrl: sandbox.url, domain: sandbox.domain, tokenUrl: sandbox.tokenUrl, clientId: 'sandbox', clientSecret: 'sandbox-secret', defaultCommunicationId: 'comm-default' },
            ...(storeOptions.rules ? { rules: storeOptions.rules } : {}),
          },
        );
      }
      return { id: store.id };
    },
    client: (storeKey, secret) => createSignedClient(sidecar.url, { storeKey, secret }),
    async close() {
      // Stop intake first, then the worker, then the sandbox (its feedback targets the sidecar).
      await sidecar.close();
      await engine.stop();
      await sandbox.close();
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const ENVELOPES_DIR = new URL('../../../../packages/core/test/fixtures/magento/envelopes/', import.meta.url);

/** The realistic module envelopes core's mapper is tested on (order → invoice → shipment → …). */
export async function loadEnvelope(name: string): Promise<Record<string, unknown>> {
  const files = await readdir(ENVELOPES_DIR);
  const file = files.find((f) => f.startsWith(name));
  if (!file) throw new Error(`No envelope fixture named ${name}* in packages/core/test/fixtures/magento/envelopes`);
  return JSON.parse(await readFile(new URL(file, ENVELOPES_DIR), 'utf8')) as Record<string, unknown>;
}

/** Bounded polling (`@exstream-connect/db/testing`), with this suite's positional arguments and 100 ms interval. */
export const eventually = <T>(check: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> =>
  poll(check, { what, timeoutMs, intervalMs: 100 });
