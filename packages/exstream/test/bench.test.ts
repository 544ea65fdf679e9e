import { describe, expect, it } from 'vitest';
import { benchOnDemandRoundTrips } from '../bench/on-demand-round-trips.ts';

describe('benchOnDemandRoundTrips', () => {
  it('runs against an in-process sandbox and reports named req/s figures', async () => {
    const results = await benchOnDemandRoundTrips({ seconds: 0.3, concurrency: 2 });
    expect(results.map((r) => r.unit)).toEqual(['req/s', 'req/s', 'req/s']);
    expect(results[0]?.name).toContain('Latin-1');
    // The second figure covers text beyond Latin-1 (the embedded-font path).
    expect(results[1]?.name).toContain('Greek');
    for (const r of results) expect(r.value).toBeGreaterThan(0);
  });
});
