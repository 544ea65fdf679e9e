import { ConnectError } from '@exstream-connect/core';
import { describe, expect, it } from 'vitest';
import { parseSidecarEnv } from '../src/parse-sidecar-env.ts';

describe('parseSidecarEnv', () => {
  it('applies the embedded defaults', () => {
    expect(parseSidecarEnv({})).toEqual({ MAGENTO_SIDECAR_PORT: 4020, MAGENTO_SIDECAR_HOST: '127.0.0.1', LOG_LEVEL: 'info' });
  });

  it('treats empty strings as unset and coerces the port', () => {
    const env = parseSidecarEnv({ MAGENTO_SIDECAR_PORT: '4555', MAGENTO_SIDECAR_HOST: '', DATABASE_URL: ' ', LOG_LEVEL: 'debug' });
    expect(env).toMatchObject({ MAGENTO_SIDECAR_PORT: 4555, MAGENTO_SIDECAR_HOST: '127.0.0.1', LOG_LEVEL: 'debug' });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('reports every bad variable in one error, without echoing secret values', () => {
    let caught: unknown;
    try {
      parseSidecarEnv({
        MAGENTO_SIDECAR_PORT: '70000',
        LOG_LEVEL: 'loud',
        DATABASE_URL: 'postgres://app@db/connect',
        EXSTREAM_FEEDBACK_SECRET: 'short-secret',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConnectError);
    const error = caught as ConnectError;
    expect(error.issues.map((i) => i.path).sort()).toEqual(['EXSTREAM_CONNECT_SECRET_KEY', 'EXSTREAM_FEEDBACK_SECRET', 'LOG_LEVEL', 'MAGENTO_SIDECAR_PORT']);
    expect(error.message).toContain('MAGENTO_SIDECAR_PORT');
    expect(error.message).not.toContain('short-secret');
  });

  it('rejects a secret key that is not 32 bytes', () => {
    expect(() => parseSidecarEnv({ EXSTREAM_CONNECT_SECRET_KEY: 'abcd' })).toThrow(/EXSTREAM_CONNECT_SECRET_KEY: must be 32 bytes/);
    expect(parseSidecarEnv({ EXSTREAM_CONNECT_SECRET_KEY: 'a'.repeat(64) }).EXSTREAM_CONNECT_SECRET_KEY).toBe('a'.repeat(64));
  });
});
