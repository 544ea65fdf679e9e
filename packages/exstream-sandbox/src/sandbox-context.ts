import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BatchRecordMemory } from './batch-record-memory.ts';
import type { FaultInjector } from './fault-injector.ts';
import type { FeedbackPoster, PendingFeedback } from './feedback-poster.ts';
import type { JobStore } from './job-store.ts';
import type { RenderPool } from './render-pool.ts';
import type { RequestLog } from './request-log.ts';
import type { SandboxLogger } from './sandbox-logger.ts';
import type { TokenService } from './token-service.ts';

/** A document produced by an on-demand call, kept so a repeated Idempotency-Key gets the same bytes. */
export type ProducedDocument = {
  pdf: Uint8Array;
  fileName: string;
  jobId: string;
  documentId: string | null;
  sha256: string;
  /** Characters the font could not draw (`U+5C71 山`), drawn as U+FFFD; reported with the document. */
  missingCharacters: string[];
};

/** What a batch job keeps per record: a small summary, never the rendered output. */
export type BatchRecordSummary = {
  index: number;
  sha256: string;
  bytes: number;
  idempotencyKey: string | null;
  communicationId: string | null;
  documentType: string | null;
  reference: string | null;
  feedback: PendingFeedback | null;
};

export type BatchData = {
  records: BatchRecordSummary[];
  /**
   * NDJSON of the raw records (one per line) when a data dir is configured; outputs render from it on
   * request. Without a data dir the records are kept in `ctx.batchRecords` (bounded memory) instead.
   */
  file: string | null;
  /** Byte offset of each record's line in `file`, plus the end offset: one read per record document. */
  lineOffsets: number[];
  flowInstanceId: string;
  errorMessage: string | null;
};

export type CatalogEntry = { communicationId: string; name: string };

/** What a fulfillment produced: its documents, and the PDF answered for them (merged when several). */
export type FulfillmentResult = { documents: ProducedDocument[]; pdf: Uint8Array; fileName: string };

export type ResolvedSandboxOptions = {
  domains: string[];
  /** Domain → tenant (`tid`) allowed to use it; null = single tenant, any token works on any domain. */
  domainTenants: Map<string, string> | null;
  /** Tenant of the domains `domainTenants` does not name. */
  defaultTenant: string;
  strict: boolean;
  catalog: CatalogEntry[] | null;
  channels: string[] | null;
  /** When set, HTTP-channel inputs need this cookie and header, with the same value. */
  xsrf: { cookieName: string; headerName: string } | null;
  documentsDir: string | null;
  batch: { startAfterMs: number; completeAfterMs: number };
  limits: { onDemandBytes: number; batchBytes: number };
  /** How many Idempotency-Key results (and Empower documents) are remembered; oldest are forgotten first. */
  idempotencyCacheSize: number;
};

export type SandboxContext = {
  options: ResolvedSandboxOptions;
  tokens: TokenService;
  faults: FaultInjector;
  jobs: JobStore;
  log: RequestLog;
  feedback: FeedbackPoster | null;
  renderer: RenderPool;
  logger: SandboxLogger;
  clock: () => number;
  /** `${domain}\0${key}` → the first result for that Idempotency-Key (in flight or settled). */
  onDemandByKey: Map<string, Promise<ProducedDocument>>;
  batchByKey: Map<string, Promise<{ jobId: string; id: string }>>;
  produced: Map<string, number>;
  received: Map<string, number>;
  empowerDocuments: Map<string, ProducedDocument>;
  /** `${domain}\0${key}` → the first fulfillment result for that Idempotency-Key. */
  fulfillByKey: Map<string, Promise<FulfillmentResult>>;
  batches: Map<string, BatchData>;
  batchRecords: BatchRecordMemory;
  timers: Set<NodeJS.Timeout>;
  later(ms: number, fn: () => void): void;
};

/**
 * Whether an HTTP input channel exists: with `channels` only those; in strict mode without `channels`
 * none (nothing is published); otherwise any name.
 */
export function isKnownChannel(ctx: SandboxContext, service: string): boolean {
  if (ctx.options.channels) return ctx.options.channels.includes(service);
  return !ctx.options.strict;
}

/** In strict mode only catalogued communications exist; otherwise any id is accepted. */
export function isKnownCommunication(ctx: SandboxContext, communicationId: string | undefined): boolean {
  if (!ctx.options.strict) return true;
  return communicationId !== undefined && (ctx.options.catalog ?? []).some((c) => c.communicationId === communicationId);
}

export const sha256Hex = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

/** Map.set that drops the oldest entries past `max`: idempotency results hold whole PDFs. */
export function remember<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) {
    const oldest = map.keys().next();
    if (oldest.done) break;
    map.delete(oldest.value);
  }
}

export function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** A file-system-safe name for a key; a hash suffix keeps two keys that sanitise alike apart. */
export function safeFileName(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);
  return cleaned === value ? cleaned : `${cleaned}-${sha256Hex(value).slice(0, 8)}`;
}

export async function writeDocumentFile(ctx: SandboxContext, name: string, bytes: Uint8Array): Promise<string | null> {
  if (!ctx.options.documentsDir) return null;
  try {
    await mkdir(ctx.options.documentsDir, { recursive: true });
    const file = path.join(ctx.options.documentsDir, name);
    await writeFile(file, bytes);
    return file;
  } catch (err) {
    // A read-only or full disk must not fail the API call: the document still goes back over HTTP.
    ctx.logger.warn('could not write document file', { name, error: (err as Error).message });
    return null;
  }
}
