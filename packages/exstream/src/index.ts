export { createExstreamClient } from './create-exstream-client.ts';
export type { ExstreamClient, CreateExstreamClientDeps, ExstreamConnectionSummary } from './create-exstream-client.ts';
export {
  ZExstreamClientConfig,
  ZExstreamAuthConfig,
  ZExstreamRetryConfig,
  ZExstreamXsrfConfig,
  ZExstreamGrantType,
} from './config.ts';
export type {
  TExstreamClientConfig,
  TExstreamClientConfigInput,
  TExstreamAuthConfig,
  TExstreamRetryConfig,
  TExstreamXsrfConfig,
  TExstreamGrantType,
} from './config.ts';
export { createTokenCache } from './create-token-provider.ts';
export type { ExstreamTokenCache } from './create-token-provider.ts';
export type { ExstreamClientDeps, ExstreamLogger, ExstreamSleep } from './deps.ts';
export { ExstreamError, isExstreamError, ZExstreamErrorKind } from './exstream-error.ts';
export type { TExstreamErrorKind, ExstreamErrorBody } from './exstream-error.ts';
export { ZGenerateInput } from './generate.ts';
export type { TGenerateInput, CallOptions } from './generate.ts';
export { ZFulfillInput } from './fulfill.ts';
export type { TFulfillInput } from './fulfill.ts';
export { ZOnDemandInput } from './on-demand.ts';
export type { TOnDemandInput } from './on-demand.ts';
export type { OnDemandResult, OnDemandBytesResult, OnDemandEnvelopeResult, OnDemandOutput } from './parse-on-demand-response.ts';
export { ZSubmitBatchInput } from './submit-batch.ts';
export type { TSubmitBatchInput, SubmitBatchResult, BatchBody } from './submit-batch.ts';
export { ZListJobsInput, encodeJobFilter } from './list-jobs.ts';
export type { TListJobsInput, ListJobsResult } from './list-jobs.ts';
export { ZWaitForJobOptions } from './wait-for-job.ts';
export type { TWaitForJobOptions } from './wait-for-job.ts';
export { ZExstreamJob, ZExstreamJobStatus, ZExstreamPage, ZExstreamVersion, EXSTREAM_TERMINAL_JOB_STATUSES } from './schemas.ts';
export type { TExstreamJob, TExstreamJobStatus, TExstreamPage, TExstreamVersion } from './schemas.ts';
export { parseRetryAfter } from './parse-retry-after.ts';
export { backoffDelay } from './backoff-delay.ts';
