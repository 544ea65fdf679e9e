/**
 * Exstream client + sandbox on-demand round trips per second (issue #3). The measurement is the
 * exstream package's own (packages/exstream/bench); this only sizes it for a quick run.
 * Relative import: the package exports only its src entry point, not its bench folder.
 */
import { benchOnDemandRoundTrips } from '../../packages/exstream/bench/on-demand-round-trips.ts';
import type { BenchOptions, BenchResult } from './bench-types.ts';

export async function benchExstream(options: BenchOptions): Promise<BenchResult[]> {
  return benchOnDemandRoundTrips({ seconds: options.quick ? 2 : Number(process.env.BENCH_EXSTREAM_SECONDS ?? 5) });
}
