import { ConnectError } from '@exstream-connect/core';
import { isPostgresUrl, parseSecretKey } from '@exstream-connect/db';
import { z } from 'zod';

/** An empty variable counts as unset (a blank line in .env must not become port 0 or secret ""). */
const unsetIfEmpty = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

export const ZSidecarEnv = z.object({
  MAGENTO_SIDECAR_PORT: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(0).max(65535).default(4020)),
  MAGENTO_SIDECAR_HOST: z.preprocess(unsetIfEmpty, z.string().default('127.0.0.1')),
  /** postgres://… for a real server; otherwise an embedded PGlite folder (default .data/pglite). */
  DATABASE_URL: z.preprocess(unsetIfEmpty, z.string().optional()),
  /** 32 bytes (64 hex or base64) encrypting secrets at rest; generated into .data only for embedded PGlite. */
  EXSTREAM_CONNECT_SECRET_KEY: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .refine((value) => {
        try {
          parseSecretKey(value);
          return true;
        } catch {
          return false;
        }
      }, 'must be 32 bytes: 64 hex characters or base64 (openssl rand -base64 32)')
      .optional(),
  ),
  /** HMAC secret shared with Exstream's delivery-feedback callback. */
  EXSTREAM_FEEDBACK_SECRET: z.preprocess(unsetIfEmpty, z.string().min(16, 'must be at least 16 characters').optional()),
  LOG_LEVEL: z.preprocess(unsetIfEmpty, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
});

export type TSidecarEnv = z.infer<typeof ZSidecarEnv>;

/**
 * Rules spanning several variables. Checked on the raw values so they are reported together with
 * per-variable errors (an object refinement would only run once every field is valid).
 */
function crossFieldIssues(env: Record<string, string | undefined>): Array<{ path: string; message: string }> {
  // A generated key file is fine for a laptop, not for a shared database other hosts read too.
  if (isPostgresUrl(env.DATABASE_URL?.trim()) && !env.EXSTREAM_CONNECT_SECRET_KEY?.trim()) {
    return [{ path: 'EXSTREAM_CONNECT_SECRET_KEY', message: 'is required when DATABASE_URL points at Postgres' }];
  }
  return [];
}

/** Parses the process environment once at boot, reporting every bad or missing variable in one error. */
export function parseSidecarEnv(env: Record<string, string | undefined>): TSidecarEnv {
  const result = ZSidecarEnv.safeParse(env);
  const issues = [
    ...(result.success ? [] : result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }))),
    ...crossFieldIssues(env),
  ];
  if (result.success && issues.length === 0) return result.data;
  const lines = issues.map((issue) => `  - ${issue.path}: ${issue.message}`).join('\n');
  throw new ConnectError('VALIDATION_FAILED', `Invalid magento-sidecar environment (see apps/magento-sidecar/README.md):\n${lines}`, { issues });
}
