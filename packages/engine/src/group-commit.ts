/**
 * Group commit: calls that arrive while `parallel` flushes are in flight are written together by
 * the next flush, as ONE statement or transaction. A lone call is flushed at once (no added wait);
 * under load one round trip carries many items, so the number of statements stops growing with
 * the rate. `run` answers one output per input, in order; when it throws, every call of that
 * flush rejects with the error.
 */
export function createGroupCommit<I, O>(run: (items: I[]) => Promise<O[]>, options: { maxBatch?: number; parallel?: number } = {}): (item: I) => Promise<O> {
  const maxBatch = options.maxBatch ?? 200;
  const parallel = options.parallel ?? 1;
  let queue: Array<{ item: I; resolve: (output: O) => void; reject: (error: unknown) => void }> = [];
  let active = 0;

  async function flush(): Promise<void> {
    active++;
    try {
      while (queue.length > 0) {
        const batch = queue.slice(0, maxBatch);
        queue = queue.slice(batch.length);
        try {
          const outputs = await run(batch.map((b) => b.item));
          batch.forEach((b, index) => b.resolve(outputs[index]!));
        } catch (error) {
          for (const b of batch) b.reject(error);
        }
      }
    } finally {
      active--;
    }
  }

  return (item: I) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (active < parallel) void flush();
    });
}
