import { describe, expect, it } from 'vitest';
import { createGroupCommit } from '../src/group-commit.ts';

/** A run whose flushes wait until released, so the test decides what arrives during a flush. */
function gatedRun() {
  const batches: number[][] = [];
  const gates: Array<() => void> = [];
  const run = async (items: number[]) => {
    batches.push(items);
    await new Promise<void>((resolve) => gates.push(resolve));
    if (items.includes(-1)) throw new Error('bad batch');
    return items.map((n) => n * 10);
  };
  const releaseAll = async () => {
    while (gates.length > 0) gates.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { run, batches, releaseAll };
}

describe('createGroupCommit', () => {
  it('flushes a lone call at once, and writes the calls that arrive meanwhile together, answering each its own output', async () => {
    const { run, batches, releaseAll } = gatedRun();
    const write = createGroupCommit(run);
    const first = write(1);
    expect(batches).toEqual([[1]]);
    const rest = [write(2), write(3), write(4)];
    expect(batches).toHaveLength(1);
    await releaseAll();
    await releaseAll();
    expect(await first).toBe(10);
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('caps a batch at maxBatch and runs up to `parallel` flushes at once', async () => {
    const { run, batches, releaseAll } = gatedRun();
    const write = createGroupCommit(run, { maxBatch: 2, parallel: 2 });
    const calls = [1, 2, 3, 4, 5].map((n) => write(n));
    expect(batches).toEqual([[1], [2]]);
    for (let i = 0; i < 4; i += 1) await releaseAll();
    expect(await Promise.all(calls)).toEqual([10, 20, 30, 40, 50]);
    expect(batches.flat().sort()).toEqual([1, 2, 3, 4, 5]);
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(2);
  });

  it('rejects every call of a failed flush, and only those', async () => {
    const { run, batches, releaseAll } = gatedRun();
    const write = createGroupCommit(run);
    const lone = Promise.allSettled([write(1)]);
    const failed = Promise.allSettled([write(-1), write(2)]);
    await releaseAll();
    // The failing batch is in flight now: a call made meanwhile goes into the next flush.
    const later = Promise.allSettled([write(3)]);
    await releaseAll();
    await releaseAll();
    expect(batches).toEqual([[1], [-1, 2], [3]]);
    expect(await lone).toEqual([{ status: 'fulfilled', value: 10 }]);
    expect((await failed).map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await later).toEqual([{ status: 'fulfilled', value: 30 }]);
  });
});
