import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createSecretBox, type Database, type SecretBox } from '@exstream-connect/db';
import { createTestDatabase, type TestDatabaseTarget } from '@exstream-connect/db/testing';
import { createExstreamClient } from '@exstream-connect/exstream';
import { startSandbox, type Sandbox, type StartSandboxOptions } from '@exstream-connect/exstream-sandbox';
import { createEngine, type CreateEngineOptions, type Engine } from '../../src/index.ts';

export const FEEDBACK_SECRET = 'test-feedback-secret';

export type Harness = {
  db: Database;
  engine: Engine;
  sandbox: Sandbox;
  documentsDir: string;
  /** The engine's secret box: a second engine on the same database needs it to read the connections. */
  secretBox: SecretBox;
  close(): Promise<void>;
};

/**
 * A fresh database, the real sandbox on a random port and an engine wired to both. The sandbox's
 * feedback callback posts to `feedbackUrl` when the test gives one (the engine has no HTTP server:
 * tests forward to engine.feedback.handleCallback).
 */
export async function startHarness(
  target: TestDatabaseTarget,
  options: { engine?: Partial<CreateEngineOptions>; sandbox?: Partial<StartSandboxOptions>; feedback?: boolean } = {},
): Promise<Harness> {
  const db = await createTestDatabase(target);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'engine-test-'));
  let engineRef: Engine | null = null;
  let forwarder: Server | null = null;
  let feedbackUrl: string | null = null;
  if (options.feedback) {
    // Stands in for the app's callback route: raw body + signature header straight to the engine.
    forwarder = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const header = req.headers['x-exstream-connect-signature'];
        engineRef!.feedback
          .handleCallback(Buffer.concat(chunks).toString('utf8'), Array.isArray(header) ? header[0] : header)
          .then((r) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(r)))
          .catch((e: { httpStatus?: number }) => res.writeHead(e.httpStatus ?? 500).end());
      });
    });
    await new Promise<void>((resolve) => forwarder!.listen(0, '127.0.0.1', resolve));
    const address = forwarder.address() as { port: number };
    feedbackUrl = `http://127.0.0.1:${address.port}/feedback`;
  }
  const sandbox = await startSandbox({
    port: 0,
    dataDir: path.join(dir, 'sandbox'),
    ...(feedbackUrl ? { feedback: { url: feedbackUrl, secret: FEEDBACK_SECRET, delayMs: 20, openedDelayMs: 20 } } : {}),
    ...options.sandbox,
  });
  const secretBox = createSecretBox(randomBytes(32));
  const engine = await createEngine({
    db,
    secretBox,
    documentsDir: path.join(dir, 'documents'),
    feedbackSecret: FEEDBACK_SECRET,
    pollIntervalMs: 100,
    delivery: { retryLimit: 3, retryDelaySeconds: 1, retryDelayMaxSeconds: 2 },
    ...options.engine,
  });
  engineRef = engine;
  return {
    db,
    engine,
    sandbox,
    documentsDir: path.join(dir, 'documents'),
    secretBox,
    async close() {
      await engine.stop();
      await sandbox.close();
      if (forwarder) await new Promise<void>((resolve) => forwarder!.close(() => resolve()));
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function sandboxConnection(sandbox: Sandbox) {
  return {
    baseUrl: sandbox.url,
    domain: sandbox.domain,
    tokenUrl: sandbox.tokenUrl,
    clientId: 'sandbox',
    clientSecret: 'sandbox-secret',
    defaultCommunicationId: 'comm-default',
  };
}

/** The sandbox's Orchestration jobs whose externalId is this Idempotency-Key, read through its runtime API. */
export async function sandboxJobsFor(sandbox: Sandbox, key: string) {
  const c = sandboxConnection(sandbox);
  const client = createExstreamClient({ baseUrl: c.baseUrl, domain: c.domain, auth: { tokenUrl: c.tokenUrl, clientId: c.clientId, clientSecret: c.clientSecret } });
  return client.findJobsByExternalId(key);
}

/** The per-record summaries the sandbox kept for a batch job (its sandbox extension endpoint). */
export async function sandboxBatchRecords(sandbox: Sandbox, jobId: string): Promise<Array<{ communicationId: string; sha256: string }>> {
  const token = await fetch(sandbox.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'sandbox', client_secret: 'sandbox-secret' }),
  }).then((r) => r.json() as Promise<{ access_token: string }>);
  const response = await fetch(`${sandbox.url}/orchestration/api/v1/runtime/${sandbox.domain}/jobs/${jobId}/records?count=1000`, { headers: { authorization: `Bearer ${token.access_token}` } });
  return ((await response.json()) as { data: Array<{ communicationId: string; sha256: string }> }).data;
}

/** A deterministic shuffle (seeded), so a failing order reproduces. */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Bounded polling; shared with the other packages' harnesses. */
export { eventually } from '@exstream-connect/db/testing';
