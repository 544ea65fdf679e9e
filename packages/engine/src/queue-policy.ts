import type { Queue } from '@exstream-connect/db';
import { QUEUES } from './engine-context.ts';

/**
 * The longest a single Exstream call of the delivery path can take: the client's per-attempt
 * timeout (30 s, see exstream-clients.ts) × its 2 attempts, plus a Retry-After wait of up to 5 s.
 */
export const LONGEST_DELIVERY_CALL_SECONDS = 65;

/**
 * Heartbeat of every engine queue. A worker that is SIGKILLed stops touching its jobs, so pg-boss's
 * supervisor fails (and retries) them within `HEARTBEAT_SECONDS` + one supervise interval, instead
 * of pg-boss's default 15-minute expiry. The worker loop touches its jobs every
 * `HEARTBEAT_REFRESH_SECONDS` (pg-boss's minimum heartbeat is 10 s).
 */
export const HEARTBEAT_SECONDS = 30;
export const HEARTBEAT_REFRESH_SECONDS = 10;
/** How often the supervisor looks for expired jobs / lost heartbeats (pg-boss default: 60 s). */
export const SUPERVISE_INTERVAL_SECONDS = 15;

/**
 * Hard expiry, the backstop when a worker is alive but stuck (its heartbeat keeps going): a
 * delivery may reconcile (one lookup call) and then call once more, so 2 × the longest call plus a
 * margin. Expiring a delivery job mid-call is safe: the row is `sending`, and the retry reconciles
 * with the same Idempotency-Key.
 */
export const DELIVER_EXPIRE_SECONDS = 2 * LONGEST_DELIVERY_CALL_SECONDS + 50;
/** A campaign flush streams up to CAMPAIGN_BATCH_MAX_ROWS documents in one upload; its heartbeat detects a dead worker sooner. */
export const CAMPAIGN_FLUSH_EXPIRE_SECONDS = 3_600;
/** Inbound batches (≤ 50 events, database work only), feedback and write-back (one app call). */
export const DEFAULT_EXPIRE_SECONDS = 300;

export type DeliveryRetry = { retryLimit: number; retryDelaySeconds: number; retryDelayMaxSeconds: number };

/** The options of every engine queue, dead-letter queues first (a queue can only name an existing one). */
export function engineQueueOptions(delivery: DeliveryRetry) {
  const liveness = { heartbeatSeconds: HEARTBEAT_SECONDS };
  return [
    { name: QUEUES.deliverDead, options: { retentionSeconds: 30 * 24 * 3600 } },
    { name: QUEUES.writeBackDead, options: { retentionSeconds: 30 * 24 * 3600 } },
    { name: QUEUES.inbound, options: { retryLimit: 5, retryDelay: 1, retryBackoff: true, retryDelayMax: 300, expireInSeconds: DEFAULT_EXPIRE_SECONDS, ...liveness } },
    {
      name: QUEUES.deliver,
      options: {
        retryLimit: delivery.retryLimit,
        retryDelay: delivery.retryDelaySeconds,
        retryBackoff: true,
        retryDelayMax: delivery.retryDelayMaxSeconds,
        deadLetter: QUEUES.deliverDead,
        expireInSeconds: DELIVER_EXPIRE_SECONDS,
        ...liveness,
      },
    },
    { name: QUEUES.feedback, options: { retryLimit: 20, retryDelay: 1, retryBackoff: true, retryDelayMax: 60, expireInSeconds: DEFAULT_EXPIRE_SECONDS, ...liveness } },
    { name: QUEUES.batchPoll, options: { retryLimit: 10, retryDelay: 5, retryBackoff: true, retryDelayMax: 300, expireInSeconds: DEFAULT_EXPIRE_SECONDS, ...liveness } },
    {
      // `stately`: per store (singletonKey) at most one flush waiting and one running. Every campaign
      // row planned sends one; while one waits for its window, the others are no-ops.
      name: QUEUES.campaignFlush,
      options: { policy: 'stately', retryLimit: 8, retryDelay: 10, retryBackoff: true, retryDelayMax: 600, expireInSeconds: CAMPAIGN_FLUSH_EXPIRE_SECONDS, ...liveness },
    },
    { name: QUEUES.replenishmentTick, options: { retryLimit: 2, retryDelay: 60, expireInSeconds: DEFAULT_EXPIRE_SECONDS, ...liveness } },
    {
      name: QUEUES.writeBack,
      options: { retryLimit: 5, retryDelay: 5, retryBackoff: true, retryDelayMax: 600, deadLetter: QUEUES.writeBackDead, expireInSeconds: DEFAULT_EXPIRE_SECONDS, ...liveness },
    },
  ] as const;
}

/**
 * Creates the engine's queues, and brings queues created by an older engine (15-minute expiry, no
 * heartbeat) to the current options: createQueue leaves an existing queue as it is. Jobs already
 * queued keep the options they were created with.
 */
export async function ensureEngineQueues(boss: Queue, delivery: DeliveryRetry): Promise<void> {
  for (const { name, options } of engineQueueOptions(delivery)) {
    const existing = await boss.getQueue(name);
    if (!existing) {
      await boss.createQueue(name, options);
      continue;
    }
    // The policy is fixed at creation (pg-boss refuses to change it): compared and updated without it.
    const { policy: _policy, ...changeable } = options as typeof options & { policy?: string };
    const stale = Object.entries(changeable).some(([key, value]) => (existing as unknown as Record<string, unknown>)[key] !== value);
    if (stale) await boss.updateQueue(name, changeable);
  }
}
