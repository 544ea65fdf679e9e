import { z } from 'zod';
import { type CallContext, orchestrationUrl, parseInput, readJson, seg, unexpectedResponse } from './call-context.ts';
import type { CallOptions } from './generate.ts';
import { type TExstreamJob, type TExstreamPage, ZExstreamJob, ZExstreamPage } from './schemas.ts';

// `;` separates pairs and `,` list items in Exstream's filter syntax, so they cannot appear inside a value.
const ZFilterValue = z.string().min(1).regex(/^[^;,]+$/, 'may not contain ";" or ","');

export const ZListJobsInput = z.object({
  /** e.g. `{ mode: 'BATCH', statuses: ['complete', 'error'], externalId: key }`. */
  filter: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/), z.union([ZFilterValue, z.array(ZFilterValue).min(1)])).optional(),
  offset: z.number().int().min(0).optional(),
  count: z.number().int().min(1).max(1000).optional(),
  sort: z.string().min(1).optional(),
  fetchDeleted: z.boolean().optional(),
});
export type TListJobsInput = z.input<typeof ZListJobsInput>;

export type ListJobsResult = { jobs: TExstreamJob[]; page: TExstreamPage | null };

/** Exstream's filter syntax: `key:value;key2:v1,v2` (API notes §7). */
export function encodeJobFilter(filter: Record<string, string | string[]>): string {
  return Object.entries(filter)
    .map(([key, value]) => `${key}:${Array.isArray(value) ? value.join(',') : value}`)
    .join(';');
}

/** `GET …/api/v1/runtime/{domain}/jobs?filter=&offset=&count=` → jobs plus the `page` block. */
export async function listJobs(ctx: CallContext, rawInput: TListJobsInput = {}, options: CallOptions = {}): Promise<ListJobsResult> {
  const input = parseInput(ZListJobsInput, rawInput, 'Exstream job list query');
  const response = await ctx.transport.send({
    operation: 'listJobs',
    method: 'GET',
    url: orchestrationUrl(ctx, `/runtime/${seg(ctx.config.domain)}/jobs`, {
      filter: input.filter && Object.keys(input.filter).length > 0 ? encodeJobFilter(input.filter) : undefined,
      offset: input.offset,
      count: input.count,
      sort: input.sort,
      fetchDeleted: input.fetchDeleted,
    }),
    headers: { Accept: 'application/json' },
    auth: ctx.auth,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
  });
  const json = readJson(ctx, 'listJobs', response) as { data?: unknown; page?: unknown } | null;
  const data = json && typeof json === 'object' ? json.data : undefined;
  const jobs = z.array(ZExstreamJob).safeParse(data ?? []);
  if (!jobs.success) throw unexpectedResponse(ctx, 'listJobs', response, 'data is not a list of jobs');
  const page = ZExstreamPage.safeParse(json?.page);
  return { jobs: jobs.data, page: page.success ? page.data : null };
}
