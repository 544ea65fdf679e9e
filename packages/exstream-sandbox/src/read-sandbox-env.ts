import { z } from 'zod';
import type { StartSandboxOptions } from './start-sandbox.ts';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const failStatus = z.enum(['500', '503', '429']).transform((s) => Number(s) as 500 | 503 | 429);
const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));

/** Every environment variable the CLI reads (documented in the README). */
export const ZSandboxEnv = z.object({
  EXSTREAM_SANDBOX_PORT: int(0, 65535).default(4010),
  EXSTREAM_SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
  EXSTREAM_SANDBOX_CLIENT_ID: z.string().min(1).default('sandbox'),
  EXSTREAM_SANDBOX_CLIENT_SECRET: z.string().min(1).default('sandbox-secret'),
  EXSTREAM_SANDBOX_USERNAME: z.string().min(1).default('sandbox-user'),
  EXSTREAM_SANDBOX_PASSWORD: z.string().min(1).default('sandbox-password'),
  EXSTREAM_SANDBOX_DOMAINS: z.string().min(1).default('demo'),
  EXSTREAM_SANDBOX_TOKEN_TTL_SECONDS: int(1, 86_400).default(900),
  EXSTREAM_SANDBOX_TENANT: z.string().min(1).default('sandbox'),
  EXSTREAM_SANDBOX_DOMAIN_TENANTS: z
    .string()
    .regex(/^\s*[^=,\s]+\s*=\s*[^=,\s]+\s*(,\s*[^=,\s]+\s*=\s*[^=,\s]+\s*)*$/, 'must be domain=tenant pairs separated by commas')
    .optional(),
  EXSTREAM_SANDBOX_STRICT: bool.default(false),
  EXSTREAM_SANDBOX_CATALOG: z.string().optional(),
  EXSTREAM_SANDBOX_CHANNELS: z.string().optional(),
  EXSTREAM_SANDBOX_REQUIRE_XSRF: bool.default(false),
  EXSTREAM_SANDBOX_XSRF_COOKIE: z.string().min(1).default('XSRF-TOKEN'),
  EXSTREAM_SANDBOX_XSRF_HEADER: z.string().min(1).default('X-XSRF-TOKEN'),
  EXSTREAM_SANDBOX_DATA_DIR: z.string().min(1).default('.data'),
  EXSTREAM_SANDBOX_FAIL_RATE: z.coerce.number().min(0).max(1).default(0),
  EXSTREAM_SANDBOX_FAIL_STATUS: failStatus.default(503),
  EXSTREAM_SANDBOX_DELAY_MS: int(0, 600_000).default(0),
  EXSTREAM_SANDBOX_FAIL_NEXT_COUNT: int(0, 10_000).default(0),
  EXSTREAM_SANDBOX_FAIL_NEXT_STATUS: failStatus.default(500),
  EXSTREAM_SANDBOX_FAIL_NEXT_RETRY_AFTER_SECONDS: int(0, 86_400).optional(),
  EXSTREAM_SANDBOX_FAIL_NEXT_BATCH: z.string().min(1).optional(),
  EXSTREAM_SANDBOX_EXPIRE_TOKENS_AFTER_MS: int(0, 86_400_000).optional(),
  EXSTREAM_SANDBOX_BATCH_RECORD_MEMORY_BYTES: int(0, 16 * 1024 * 1024 * 1024).optional(),
  EXSTREAM_SANDBOX_BATCH_START_MS: int(0, 3_600_000).default(1_000),
  EXSTREAM_SANDBOX_BATCH_COMPLETE_MS: int(0, 3_600_000).default(5_000),
  EXSTREAM_SANDBOX_FEEDBACK_URL: z.url().optional(),
  EXSTREAM_SANDBOX_FEEDBACK_SECRET: z.string().min(1).optional(),
  EXSTREAM_SANDBOX_FEEDBACK_DELAY_MS: int(0, 3_600_000).default(2_000),
  EXSTREAM_SANDBOX_FEEDBACK_OPENED_DELAY_MS: int(0, 3_600_000).default(10_000),
  EXSTREAM_SANDBOX_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});
export type TSandboxEnv = z.infer<typeof ZSandboxEnv>;

export class SandboxEnvError extends Error {}

/**
 * Parses the CLI's environment into startSandbox options. Reports every bad variable at once;
 * empty strings count as unset.
 */
export function readSandboxEnv(env: Record<string, string | undefined>): { options: StartSandboxOptions; logLevel: TSandboxEnv['EXSTREAM_SANDBOX_LOG_LEVEL'] } {
  const present = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('EXSTREAM_SANDBOX_') && v !== undefined && v.trim() !== ''));
  const parsed = ZSandboxEnv.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new SandboxEnvError(`Invalid sandbox environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.EXSTREAM_SANDBOX_FEEDBACK_URL && !e.EXSTREAM_SANDBOX_FEEDBACK_SECRET) {
    throw new SandboxEnvError('Invalid sandbox environment:\n  EXSTREAM_SANDBOX_FEEDBACK_SECRET: required when EXSTREAM_SANDBOX_FEEDBACK_URL is set');
  }
  const list = (value: string | undefined) =>
    (value ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  const catalog = e.EXSTREAM_SANDBOX_CATALOG?.split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [communicationId = '', name] = entry.split('=');
      return { communicationId: communicationId.trim(), name: (name ?? communicationId).trim() };
    });
  if (e.EXSTREAM_SANDBOX_STRICT && (!catalog || catalog.length === 0)) {
    throw new SandboxEnvError('Invalid sandbox environment:\n  EXSTREAM_SANDBOX_CATALOG: required when EXSTREAM_SANDBOX_STRICT is true (id=Name,id2)');
  }
  const domainTenants = e.EXSTREAM_SANDBOX_DOMAIN_TENANTS
    ? Object.fromEntries(list(e.EXSTREAM_SANDBOX_DOMAIN_TENANTS).map((pair) => pair.split('=').map((v) => v.trim()) as [string, string]))
    : undefined;
  const channels = list(e.EXSTREAM_SANDBOX_CHANNELS);
  const options: StartSandboxOptions = {
    port: e.EXSTREAM_SANDBOX_PORT,
    host: e.EXSTREAM_SANDBOX_HOST,
    clients: [{ clientId: e.EXSTREAM_SANDBOX_CLIENT_ID, clientSecret: e.EXSTREAM_SANDBOX_CLIENT_SECRET }],
    users: [{ username: e.EXSTREAM_SANDBOX_USERNAME, password: e.EXSTREAM_SANDBOX_PASSWORD }],
    domains: e.EXSTREAM_SANDBOX_DOMAINS.split(',').map((d) => d.trim()).filter(Boolean),
    tokenTtlSeconds: e.EXSTREAM_SANDBOX_TOKEN_TTL_SECONDS,
    tenant: e.EXSTREAM_SANDBOX_TENANT,
    ...(domainTenants ? { domainTenants } : {}),
    strict: e.EXSTREAM_SANDBOX_STRICT,
    ...(catalog && catalog.length > 0 ? { catalog } : {}),
    ...(channels.length > 0 ? { channels } : {}),
    ...(e.EXSTREAM_SANDBOX_REQUIRE_XSRF ? { xsrf: { cookieName: e.EXSTREAM_SANDBOX_XSRF_COOKIE, headerName: e.EXSTREAM_SANDBOX_XSRF_HEADER } } : {}),
    dataDir: e.EXSTREAM_SANDBOX_DATA_DIR === 'none' ? null : e.EXSTREAM_SANDBOX_DATA_DIR,
    ...(e.EXSTREAM_SANDBOX_BATCH_RECORD_MEMORY_BYTES !== undefined ? { batchRecordMemoryBytes: e.EXSTREAM_SANDBOX_BATCH_RECORD_MEMORY_BYTES } : {}),
    batch: { startAfterMs: e.EXSTREAM_SANDBOX_BATCH_START_MS, completeAfterMs: e.EXSTREAM_SANDBOX_BATCH_COMPLETE_MS },
    initialFaults: {
      delayMs: e.EXSTREAM_SANDBOX_DELAY_MS,
      failRate: e.EXSTREAM_SANDBOX_FAIL_RATE,
      failRateStatus: e.EXSTREAM_SANDBOX_FAIL_STATUS,
      ...(e.EXSTREAM_SANDBOX_FAIL_NEXT_COUNT > 0
        ? {
            failNext: {
              count: e.EXSTREAM_SANDBOX_FAIL_NEXT_COUNT,
              status: e.EXSTREAM_SANDBOX_FAIL_NEXT_STATUS,
              ...(e.EXSTREAM_SANDBOX_FAIL_NEXT_RETRY_AFTER_SECONDS !== undefined ? { retryAfterSeconds: e.EXSTREAM_SANDBOX_FAIL_NEXT_RETRY_AFTER_SECONDS } : {}),
            },
          }
        : {}),
      ...(e.EXSTREAM_SANDBOX_FAIL_NEXT_BATCH ? { failNextBatchJob: e.EXSTREAM_SANDBOX_FAIL_NEXT_BATCH } : {}),
      ...(e.EXSTREAM_SANDBOX_EXPIRE_TOKENS_AFTER_MS !== undefined ? { expireTokensAfterMs: e.EXSTREAM_SANDBOX_EXPIRE_TOKENS_AFTER_MS } : {}),
    },
    ...(e.EXSTREAM_SANDBOX_FEEDBACK_URL && e.EXSTREAM_SANDBOX_FEEDBACK_SECRET
      ? {
          feedback: {
            url: e.EXSTREAM_SANDBOX_FEEDBACK_URL,
            secret: e.EXSTREAM_SANDBOX_FEEDBACK_SECRET,
            delayMs: e.EXSTREAM_SANDBOX_FEEDBACK_DELAY_MS,
            openedDelayMs: e.EXSTREAM_SANDBOX_FEEDBACK_OPENED_DELAY_MS,
          },
        }
      : {}),
  };
  return { options, logLevel: e.EXSTREAM_SANDBOX_LOG_LEVEL };
}
