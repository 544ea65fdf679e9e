import { describe, expect, it } from 'vitest';
import { ConnectError } from '@exstream-connect/core';
import { createExstreamClient, ZExstreamClientConfig } from '../src/index.ts';
import { baseConfig, TOKEN_URL } from './helpers/fake-fetch.ts';

describe('ZExstreamClientConfig', () => {
  it('applies the documented defaults', () => {
    const config = ZExstreamClientConfig.parse(baseConfig({ retry: undefined }));
    expect(config.orchestrationPath).toBe('/orchestration');
    expect(config.timeoutMs).toBe(30_000);
    expect(config.deploymentMode).toBe('local');
    expect(config.auth.grantType).toBe('client_credentials');
    expect(config.auth.clientAuthMethod).toBe('body');
    expect(config.retry).toEqual({ maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 });
    expect(config.tokenRefreshSkewSeconds).toBe(60);
    expect(config.xsrf.enabled).toBe(false);
  });

  it('names every missing field of a password-grant connection', () => {
    // GIVEN a password grant without user, password, and a bad base URL
    let thrown: unknown;
    try {
      createExstreamClient({ baseUrl: 'ftp://x', domain: 'demo', auth: { tokenUrl: TOKEN_URL, clientId: 'c', grantType: 'password' } });
    } catch (error) {
      thrown = error;
    }
    // THEN one VALIDATION_FAILED lists each path
    expect(thrown).toBeInstanceOf(ConnectError);
    const err = thrown as ConnectError;
    expect(err.code).toBe('VALIDATION_FAILED');
    expect(err.issues.map((i) => i.path).sort()).toEqual(['auth.password', 'auth.username', 'baseUrl']);
  });

  it('requires a client secret for client_credentials', () => {
    const result = ZExstreamClientConfig.safeParse({ baseUrl: 'http://x', domain: 'd', auth: { tokenUrl: TOKEN_URL, clientId: 'c' } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['auth', 'clientSecret']);
  });

  it('rejects an orchestration path that does not start with a slash', () => {
    expect(ZExstreamClientConfig.safeParse(baseConfig({ orchestrationPath: 'orchestration' })).success).toBe(false);
    expect(ZExstreamClientConfig.safeParse(baseConfig({ orchestrationPath: '' })).success).toBe(true);
  });
});
