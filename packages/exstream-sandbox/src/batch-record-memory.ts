/**
 * The raw records of batch jobs kept in memory when the sandbox has no data dir, so each record's
 * document can still be produced on request. Bounded: past `budgetBytes` the oldest jobs' records are
 * dropped first (and a single job larger than the budget keeps none), with a reason the API reports.
 */
export type BatchRecordMemory = {
  begin(jobId: string): void;
  append(jobId: string, text: string): void;
  get(jobId: string, index: number): { ok: true; text: string } | { ok: false; reason: string };
  /** Why a job's records are not available, or null when they are. */
  droppedReason(jobId: string): string | null;
  delete(jobId: string): void;
  usedBytes(): number;
};

type Entry = { texts: string[]; bytes: number; dropped: string | null };

// JavaScript strings hold two bytes per UTF-16 unit; counting that keeps the budget honest about heap use.
const sizeOf = (text: string): number => text.length * 2;

export function createBatchRecordMemory(budgetBytes: number): BatchRecordMemory {
  const entries = new Map<string, Entry>();
  let used = 0;
  const reason = `dropped to keep batch records in memory under ${budgetBytes} bytes (batchRecordMemoryBytes); run the sandbox with a dataDir to keep every record`;

  const release = (entry: Entry): void => {
    used -= entry.bytes;
    entry.texts = [];
    entry.bytes = 0;
    entry.dropped = reason;
  };

  return {
    begin(jobId) {
      entries.set(jobId, { texts: [], bytes: 0, dropped: null });
    },
    append(jobId, text) {
      const entry = entries.get(jobId);
      if (!entry || entry.dropped) return;
      const size = sizeOf(text);
      entry.texts.push(text);
      entry.bytes += size;
      used += size;
      // Oldest first (Map keeps insertion order); the job being filled goes last, and only if alone too big.
      for (const [id, other] of entries) {
        if (used <= budgetBytes) break;
        if (id !== jobId && !other.dropped) release(other);
      }
      if (used > budgetBytes) release(entry);
    },
    get(jobId, index) {
      const entry = entries.get(jobId);
      if (!entry) return { ok: false, reason: 'record outputs of this job are not kept' };
      if (entry.dropped) return { ok: false, reason: `record outputs were ${entry.dropped}` };
      const text = entry.texts[index];
      return text === undefined ? { ok: false, reason: `record ${index} not found` } : { ok: true, text };
    },
    droppedReason(jobId) {
      const entry = entries.get(jobId);
      if (!entry) return 'record outputs of this job are not kept';
      return entry.dropped ? `record outputs were ${entry.dropped}` : null;
    },
    delete(jobId) {
      const entry = entries.get(jobId);
      if (!entry) return;
      used -= entry.bytes;
      entries.delete(jobId);
    },
    usedBytes: () => used,
  };
}
