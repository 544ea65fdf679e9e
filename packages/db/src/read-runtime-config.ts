import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_DATA_DIR, isPostgresUrl, resolvePgliteDir } from './create-database.ts';
import { MIN_FEEDBACK_SECRET_LENGTH, parseSecretKey, type SecretMode } from './secrets.ts';

/** The repository root: relative paths in the environment are taken from here, not from the cwd. */
export const REPOSITORY_ROOT = path.dirname(DEFAULT_DATA_DIR);

/** An empty variable counts as unset: `EXSTREAM_FEEDBACK_SECRET=` in a .env file is "missing", not "". */
const unsetIfBlank = (value: unknown) => (typeof value === 'string' ? (value.trim() === '' ? undefined : value.trim()) : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(unsetIfBlank, schema.optional());

const succeeds = (fn: () => unknown) => {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
};

/** The variables that decide where the data lives and which secrets protect it. */
export const ZRuntimeEnv = z.object({
  DATABASE_URL: optional(
    z.string().refine((value) => succeeds(() => resolvePgliteDir(value)), 'must be postgres://…, postgresql://…, a folder, file:<folder> or memory://'),
  ),
  NODE_ENV: optional(z.string()),
  EXSTREAM_CONNECT_DATA_DIR: optional(z.string()),
  // Messages never include the value: these are secrets.
  EXSTREAM_CONNECT_SECRET_KEY: optional(
    z.string().refine((value) => succeeds(() => parseSecretKey(value)), 'must be 32 bytes: 64 hex characters or base64 (openssl rand -base64 32)'),
  ),
  EXSTREAM_FEEDBACK_SECRET: optional(z.string().min(MIN_FEEDBACK_SECRET_LENGTH, `must be at least ${MIN_FEEDBACK_SECRET_LENGTH} characters`)),
});
export type TRuntimeEnv = z.infer<typeof ZRuntimeEnv>;

export type RuntimeConfigIssue = { variable: string; message: string };

export type RuntimeConfig = {
  mode: SecretMode;
  /** Why the mode is production (for start-up logs); empty in embedded mode. */
  productionBecause: string[];
  /** For createDatabase: the Postgres URL, or the absolute PGlite folder, or memory://. */
  databaseUrl: string;
  databaseKind: 'postgres' | 'pglite';
  /** Absolute data folder: documents, exports, and (embedded mode only) generated secrets. */
  dataDir: string;
  /** Unset only in embedded mode, where loadSecretKey may generate one. */
  secretKey: string | undefined;
  /** Unset only in embedded mode, where loadFeedbackSecret may generate one. */
  feedbackSecret: string | undefined;
};

export class RuntimeConfigError extends Error {
  readonly issues: RuntimeConfigIssue[];
  constructor(issues: RuntimeConfigIssue[]) {
    super(`Invalid environment (see .env.example):\n${issues.map((i) => `  - ${i.variable}: ${i.message}`).join('\n')}`);
    this.name = 'RuntimeConfigError';
    this.issues = issues;
  }
}

export type ReadRuntimeConfigOptions = {
  /** Where relative paths in the environment start from (default: the repository root). */
  baseDir?: string;
};

/**
 * Parses the database and secret variables and decides the mode. Production mode — DATABASE_URL
 * points at Postgres, or NODE_ENV=production — requires EXSTREAM_CONNECT_SECRET_KEY and
 * EXSTREAM_FEEDBACK_SECRET; embedded mode lets the caller generate local ones. Every missing or
 * invalid variable is reported in ONE result, so a deploy fails with the full list.
 */
export function parseRuntimeConfig(
  env: Record<string, string | undefined>,
  options: ReadRuntimeConfigOptions = {},
): { success: true; config: RuntimeConfig } | { success: false; issues: RuntimeConfigIssue[] } {
  const parsed = ZRuntimeEnv.safeParse(env);
  const issues: RuntimeConfigIssue[] = parsed.success ? [] : parsed.error.issues.map((issue) => ({ variable: issue.path.map(String).join('.'), message: issue.message }));

  // Cross-variable rules run on the raw values, so they are reported together with the per-variable ones.
  const raw = (name: keyof TRuntimeEnv) => unsetIfBlank(env[name]) as string | undefined;
  const productionBecause = [
    ...(isPostgresUrl(raw('DATABASE_URL')) ? ['DATABASE_URL points at Postgres'] : []),
    ...(raw('NODE_ENV') === 'production' ? ['NODE_ENV=production'] : []),
  ];
  if (productionBecause.length > 0) {
    for (const variable of ['EXSTREAM_CONNECT_SECRET_KEY', 'EXSTREAM_FEEDBACK_SECRET'] as const) {
      if (raw(variable) === undefined) issues.push({ variable, message: `is required in production mode (${productionBecause.join(', ')})` });
    }
  }
  if (!parsed.success || issues.length > 0) return { success: false, issues };

  const e = parsed.data;
  const baseDir = options.baseDir ?? REPOSITORY_ROOT;
  const dataDir = path.resolve(baseDir, e.EXSTREAM_CONNECT_DATA_DIR ?? DEFAULT_DATA_DIR);
  const databaseKind = isPostgresUrl(e.DATABASE_URL) ? 'postgres' : 'pglite';
  const pgliteDir = resolvePgliteDir(e.DATABASE_URL, { dataDir, baseDir });
  const databaseUrl = databaseKind === 'postgres' ? e.DATABASE_URL! : (pgliteDir ?? 'memory://');
  return {
    success: true,
    config: {
      mode: productionBecause.length > 0 ? 'production' : 'embedded',
      productionBecause,
      databaseUrl,
      databaseKind,
      dataDir,
      secretKey: e.EXSTREAM_CONNECT_SECRET_KEY,
      feedbackSecret: e.EXSTREAM_FEEDBACK_SECRET,
    },
  };
}

/** {@link parseRuntimeConfig}, throwing one {@link RuntimeConfigError} that lists every issue. */
export function readRuntimeConfig(env: Record<string, string | undefined>, options: ReadRuntimeConfigOptions = {}): RuntimeConfig {
  const result = parseRuntimeConfig(env, options);
  if (!result.success) throw new RuntimeConfigError(result.issues);
  return result.config;
}
