import { ConnectError } from '@exstream-connect/core';
import { describe, expect, it } from 'vitest';
import { resendCommunication } from '../src/resend-communication.ts';
import { jsonResponse, scriptedFetch } from './fixtures.ts';

describe('resendCommunication', () => {
  it('POSTs the communication id as JSON and answers the new attempt id', async () => {
    const { fetch, calls } = scriptedFetch(jsonResponse({ communicationId: 'comm_new' }, 201));

    const result = await resendCommunication('5501234567890', 'comm_old', { fetch });

    expect(result).toEqual({ communicationId: 'comm_new' });
    expect(calls[0]!.url).toBe('/api/orders/5501234567890/resend');
    expect(calls[0]!.init?.method).toBe('POST');
    expect(calls[0]!.init?.headers).toMatchObject({ 'Content-Type': 'application/json' });
    expect(JSON.parse(String(calls[0]!.init?.body))).toEqual({ communicationId: 'comm_old' });
  });

  it('GIVEN a 409 CONFLICT THEN throws CONFLICT with the server explanation', async () => {
    const { fetch } = scriptedFetch(jsonResponse({ error: { code: 'CONFLICT', message: 'This communication is still being sent.' } }, 409));

    const error = await resendCommunication('1', 'c', { fetch }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConnectError);
    expect((error as ConnectError).code).toBe('CONFLICT');
    expect((error as ConnectError).userMessage).toBe('This communication is still being sent.');
  });

  it('GIVEN an error code unknown to this build THEN falls back to the HTTP status and keeps the server code', async () => {
    const { fetch } = scriptedFetch(jsonResponse({ error: { code: 'RATE_LIMITED', message: 'Slow down' } }, 429));

    const error = (await resendCommunication('1', 'c', { fetch }).catch((e: unknown) => e)) as ConnectError;

    expect(error.code).toBe('INTERNAL');
    expect(error.retryable).toBe(true);
    expect(error.details).toEqual({ status: 429, serverCode: 'RATE_LIMITED' });
    expect(error.userMessage).toBe('Slow down');
  });

  it('GIVEN a 200 without the new id THEN rejects the answer', async () => {
    const { fetch } = scriptedFetch(jsonResponse({ ok: true }));
    const error = (await resendCommunication('1', 'c', { fetch }).catch((e: unknown) => e)) as ConnectError;
    expect(error.code).toBe('UPSTREAM_FAILED');
    expect(error.issues[0]?.path).toBe('communicationId');
  });
});
