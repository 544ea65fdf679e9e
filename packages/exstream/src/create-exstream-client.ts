import { type CallContext, createCallContext, parseInput } from './call-context.ts';
import { type TExstreamClientConfig, type TExstreamClientConfigInput, ZExstreamClientConfig } from './config.ts';
import { createTokenProvider, type ExstreamTokenCache } from './create-token-provider.ts';
import { createTransport } from './create-transport.ts';
import { type ExstreamClientDeps, resolveDeps } from './deps.ts';
import { fulfill, type TFulfillInput } from './fulfill.ts';
import { type CallOptions, generate, type TGenerateInput } from './generate.ts';
import { getJob } from './get-job.ts';
import { getVersion } from './get-version.ts';
import { listJobs, type ListJobsResult, type TListJobsInput } from './list-jobs.ts';
import { onDemand, type TOnDemandInput } from './on-demand.ts';
import type { OnDemandResult } from './parse-on-demand-response.ts';
import { createSecretRedactor } from './redact-secrets.ts';
import type { TExstreamJob, TExstreamVersion } from './schemas.ts';
import { stopJob } from './stop-job.ts';
import { submitBatch, type SubmitBatchResult, type TSubmitBatchInput } from './submit-batch.ts';
import { type TWaitForJobOptions, waitForJob } from './wait-for-job.ts';

export type CreateExstreamClientDeps = ExstreamClientDeps & {
  /** Share one cache between clients built for the same connection so they reuse one token. */
  tokenCache?: ExstreamTokenCache;
};

export type ExstreamConnectionSummary = Pick<TExstreamClientConfig, 'baseUrl' | 'orchestrationPath' | 'domain' | 'deploymentMode'> &
  Pick<TExstreamClientConfig['auth'], 'tokenUrl' | 'clientId' | 'grantType'>;

export type ExstreamClient = {
  /** Where this client points, without any credential (safe to log or show). */
  readonly connection: ExstreamConnectionSummary;
  generate(input: TGenerateInput, options?: CallOptions): Promise<OnDemandResult>;
  /** Empower fulfillment of documents created by `generate` with an `empowerUser`. */
  fulfill(input: TFulfillInput, options?: CallOptions): Promise<OnDemandResult>;
  onDemand(input: TOnDemandInput, options?: CallOptions): Promise<OnDemandResult>;
  submitBatch(input: TSubmitBatchInput, options?: CallOptions): Promise<SubmitBatchResult>;
  getJob(id: string, options?: CallOptions): Promise<TExstreamJob>;
  waitForJob(id: string, options: TWaitForJobOptions): Promise<TExstreamJob>;
  listJobs(input?: TListJobsInput, options?: CallOptions): Promise<ListJobsResult>;
  /** Jobs whose `externalId` is this idempotency key (reconciliation after an uncertain submit). */
  findJobsByExternalId(key: string, options?: CallOptions): Promise<TExstreamJob[]>;
  stopJob(id: string, options?: CallOptions): Promise<void>;
  getVersion(options?: CallOptions): Promise<TExstreamVersion>;
};

/**
 * Builds a client for one Exstream connection. Config is validated (VALIDATION_FAILED naming each field).
 *
 * @example
 * const exstream = createExstreamClient({
 *   baseUrl: 'https://exstream.example.com', domain: 'dev-SA',
 *   auth: { tokenUrl: 'https://otds.example.com/otdsws/oauth2/token', clientId: 'connect', clientSecret },
 * });
 * const pdf = await exstream.generate({ communicationId, driverDataSource, data, accept: 'pdf', idempotencyKey });
 */
export function createExstreamClient(rawConfig: TExstreamClientConfigInput, deps: CreateExstreamClientDeps = {}): ExstreamClient {
  const config = parseInput(ZExstreamClientConfig, rawConfig, 'Exstream connection');
  const resolved = resolveDeps(deps);
  const redactor = createSecretRedactor();
  const transport = createTransport({ deps: resolved, retry: config.retry, timeoutMs: config.timeoutMs, redactor });
  const auth = createTokenProvider({
    config,
    deps: resolved,
    transport,
    redactor,
    ...(deps.tokenCache ? { cache: deps.tokenCache } : {}),
  });
  const ctx: CallContext = createCallContext({ config, deps: resolved, transport, auth, redactor });

  return {
    connection: {
      baseUrl: config.baseUrl,
      orchestrationPath: config.orchestrationPath,
      domain: config.domain,
      deploymentMode: config.deploymentMode,
      tokenUrl: config.auth.tokenUrl,
      clientId: config.auth.clientId,
      grantType: config.auth.grantType,
    },
    generate: (input, options) => generate(ctx, input, options),
    fulfill: (input, options) => fulfill(ctx, input, options),
    onDemand: (input, options) => onDemand(ctx, input, options),
    submitBatch: (input, options) => submitBatch(ctx, input, options),
    getJob: (id, options) => getJob(ctx, id, options),
    waitForJob: (id, options) => waitForJob(ctx, id, options),
    listJobs: (input, options) => listJobs(ctx, input, options),
    findJobsByExternalId: async (key, options) => (await listJobs(ctx, { filter: { externalId: key } }, options)).jobs,
    stopJob: (id, options) => stopJob(ctx, id, options),
    getVersion: (options) => getVersion(ctx, options),
  };
}
