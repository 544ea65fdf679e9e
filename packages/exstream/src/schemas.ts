import { z } from 'zod';

/** Job statuses (API notes §7). Unknown values are still accepted from the server as plain strings. */
export const ZExstreamJobStatus = z.enum(['uninitialized', 'waiting', 'started', 'holding', 'complete', 'error', 'canceled', 'deleted']);
export type TExstreamJobStatus = z.infer<typeof ZExstreamJobStatus>;
export const EXSTREAM_TERMINAL_JOB_STATUSES: readonly string[] = ['complete', 'error', 'canceled', 'deleted'];

const ZDate = z.union([z.number(), z.string()]).nullable().optional();

/** An Orchestration job. Dates are epoch ms on live systems although the spec says date-time: both accepted. */
export const ZExstreamJob = z.looseObject({
  id: z.string(),
  status: z.string(),
  domainId: z.string().nullable().optional(),
  channel: z.string().nullable().optional(),
  mode: z.string().nullable().optional(),
  flowModelType: z.string().nullable().optional(),
  msg: z.string().nullable().optional(),
  externalId: z.string().nullable().optional(),
  triggeredBy: z.string().nullable().optional(),
  startDate: ZDate,
  endDate: ZDate,
  expirationDate: ZDate,
});
export type TExstreamJob = z.infer<typeof ZExstreamJob>;

export const ZExstreamPage = z.looseObject({
  pageSize: z.number().optional(),
  pageOffset: z.number().optional(),
  totalElements: z.number().optional(),
  totalPages: z.number().optional(),
  currentPageNumber: z.number().optional(),
});
export type TExstreamPage = z.infer<typeof ZExstreamPage>;

/** `VersionConfig` from `GET …/api/v1/version`. */
export const ZExstreamVersion = z.looseObject({
  apiIdentifier: z.string().optional(),
  major: z.union([z.number(), z.string()]).optional(),
  minor: z.union([z.number(), z.string()]).optional(),
  patch: z.union([z.number(), z.string()]).optional(),
  versionString: z.string().optional(),
  details: z.unknown().optional(),
});
export type TExstreamVersion = z.infer<typeof ZExstreamVersion>;
