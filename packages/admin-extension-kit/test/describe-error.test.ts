import { ConnectError } from '@exstream-connect/core';
import { describe, expect, it } from 'vitest';
import { describeError } from '../src/describe-error.ts';

const translate = (key: string): string => `<${key}>`;

describe('describeError', () => {
  it('translates the code and keeps the server explanation', () => {
    const error = new ConnectError('CONFLICT', 'Resending failed (HTTP 409 CONFLICT): still sending', {
      userMessage: 'This communication is still being sent.',
      details: { status: 409, serverCode: 'CONFLICT' },
    });
    expect(describeError(error, translate)).toEqual({ title: '<errors.CONFLICT>', detail: 'This communication is still being sent.', retryable: false });
  });

  it('gives no detail when the app gave no explanation (the message is technical)', () => {
    const error = new ConnectError('UPSTREAM_FAILED', 'Loading communications failed: HTTP 502', { retryable: true, details: { status: 502 } });
    expect(describeError(error, translate)).toEqual({ title: '<errors.UPSTREAM_FAILED>', detail: null, retryable: true });
  });

  it('uses the generic sentence for codes without their own', () => {
    const error = new ConnectError('PAYLOAD_TOO_LARGE', 'too big');
    expect(describeError(error, translate).title).toBe('<errors.generic>');
  });

  it('handles errors that are not ConnectErrors', () => {
    expect(describeError(new TypeError('x is undefined'), translate)).toEqual({ title: '<errors.generic>', detail: null, retryable: true });
  });
});
