import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseRuntimeConfig, readRuntimeConfig, RuntimeConfigError } from '../src/index.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const KEY = randomBytes(32).toString('base64');
const FEEDBACK = 'feedback-secret-0123456789';

function issuesOf(env: Record<string, string | undefined>): Array<{ variable: string; message: string }> {
  try {
    readRuntimeConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(RuntimeConfigError);
    return (error as RuntimeConfigError).issues;
  }
  throw new Error('expected readRuntimeConfig to refuse this environment');
}

describe('readRuntimeConfig: embedded mode (no DATABASE_URL, NODE_ENV not production)', () => {
  it('starts on nothing: PGlite under <repo>/.data, secrets left to be generated locally', () => {
    expect(readRuntimeConfig({})).toEqual({
      mode: 'embedded',
      productionBecause: [],
      databaseKind: 'pglite',
      databaseUrl: path.join(REPO_ROOT, '.data', 'pglite'),
      dataDir: path.join(REPO_ROOT, '.data'),
      secretKey: undefined,
      feedbackSecret: undefined,
    });
  });

  it('treats blank variables (a bare `NAME=` line in .env) as unset', () => {
    const config = readRuntimeConfig({ DATABASE_URL: ' ', EXSTREAM_CONNECT_SECRET_KEY: '', EXSTREAM_FEEDBACK_SECRET: '', NODE_ENV: '' });
    expect(config.mode).toBe('embedded');
    expect(config.secretKey).toBeUndefined();
  });

  it('resolves relative folders against the repository root (or the given base), not the current directory', () => {
    expect(readRuntimeConfig({ EXSTREAM_CONNECT_DATA_DIR: 'var/data' })).toMatchObject({ dataDir: path.join(REPO_ROOT, 'var/data'), databaseUrl: path.join(REPO_ROOT, 'var/data/pglite') });
    expect(readRuntimeConfig({ DATABASE_URL: 'db/pglite' }, { baseDir: '/srv/app' })).toMatchObject({ databaseUrl: '/srv/app/db/pglite', databaseKind: 'pglite', dataDir: path.join(REPO_ROOT, '.data') });
    expect(readRuntimeConfig({ DATABASE_URL: 'file:/abs/pglite' }).databaseUrl).toBe('/abs/pglite');
    expect(readRuntimeConfig({ DATABASE_URL: 'memory://' }).databaseUrl).toBe('memory://');
  });

  it('still validates secrets that are given', () => {
    expect(issuesOf({ EXSTREAM_CONNECT_SECRET_KEY: 'not-32-bytes', EXSTREAM_FEEDBACK_SECRET: 'short' }).map((i) => i.variable).sort()).toEqual([
      'EXSTREAM_CONNECT_SECRET_KEY',
      'EXSTREAM_FEEDBACK_SECRET',
    ]);
  });
});

describe('readRuntimeConfig: production mode', () => {
  it('refuses a Postgres DATABASE_URL without the secrets, naming every missing variable in one error', () => {
    const issues = issuesOf({ DATABASE_URL: 'postgres://app@db.internal/exstream' });
    expect(issues).toEqual([
      { variable: 'EXSTREAM_CONNECT_SECRET_KEY', message: 'is required in production mode (DATABASE_URL points at Postgres)' },
      { variable: 'EXSTREAM_FEEDBACK_SECRET', message: 'is required in production mode (DATABASE_URL points at Postgres)' },
    ]);
  });

  it('refuses NODE_ENV=production without the secrets, even on embedded PGlite', () => {
    expect(issuesOf({ NODE_ENV: 'production' }).map((i) => i.variable)).toEqual(['EXSTREAM_CONNECT_SECRET_KEY', 'EXSTREAM_FEEDBACK_SECRET']);
    expect(issuesOf({ NODE_ENV: 'production', EXSTREAM_CONNECT_SECRET_KEY: KEY })).toEqual([
      { variable: 'EXSTREAM_FEEDBACK_SECRET', message: 'is required in production mode (NODE_ENV=production)' },
    ]);
  });

  it('reports bad values and missing ones together, and never echoes a secret', () => {
    const badKey = 'this-is-not-a-valid-key-but-is-secret';
    const result = parseRuntimeConfig({ DATABASE_URL: 'postgresql://app@db/x', EXSTREAM_CONNECT_SECRET_KEY: badKey });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.issues.map((i) => i.variable).sort()).toEqual(['EXSTREAM_CONNECT_SECRET_KEY', 'EXSTREAM_FEEDBACK_SECRET']);
    try {
      readRuntimeConfig({ DATABASE_URL: 'postgresql://app@db/x', EXSTREAM_CONNECT_SECRET_KEY: badKey, EXSTREAM_FEEDBACK_SECRET: 'tiny-secret' });
      expect.unreachable();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('EXSTREAM_CONNECT_SECRET_KEY: must be 32 bytes');
      expect(message).toContain('EXSTREAM_FEEDBACK_SECRET: must be at least 16 characters');
      expect(message).not.toContain(badKey);
      expect(message).not.toContain('tiny-secret');
    }
  });

  it('refuses an unknown database scheme instead of taking it for a folder', () => {
    expect(issuesOf({ DATABASE_URL: 'mysql://root@localhost/shop' })).toEqual([
      { variable: 'DATABASE_URL', message: 'must be postgres://…, postgresql://…, a folder, file:<folder> or memory://' },
    ]);
  });

  it('starts with both secrets set', () => {
    const config = readRuntimeConfig({ DATABASE_URL: 'postgres://app@db.internal/exstream', NODE_ENV: 'production', EXSTREAM_CONNECT_SECRET_KEY: KEY, EXSTREAM_FEEDBACK_SECRET: FEEDBACK });
    expect(config).toMatchObject({
      mode: 'production',
      productionBecause: ['DATABASE_URL points at Postgres', 'NODE_ENV=production'],
      databaseKind: 'postgres',
      databaseUrl: 'postgres://app@db.internal/exstream',
      secretKey: KEY,
      feedbackSecret: FEEDBACK,
    });
  });
});
