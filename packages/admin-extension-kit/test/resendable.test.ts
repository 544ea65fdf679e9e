import { ZCommunicationStatus } from '@exstream-connect/core';
import { describe, expect, it } from 'vitest';
import { isResendable } from '../src/resendable.ts';

describe('isResendable', () => {
  it.each(['failed', 'bounced', 'sent', 'delivered', 'opened'])('lets the merchant resend a %s communication', (status) => {
    expect(isResendable({ status })).toBe(true);
  });

  it.each(['queued', 'sending'])('refuses %s: an attempt is in flight', (status) => {
    expect(isResendable({ status })).toBe(false);
  });

  it('refuses suppressed (consent) and skipped (nothing to send)', () => {
    expect(isResendable({ status: 'suppressed' })).toBe(false);
    expect(isResendable({ status: 'skipped' })).toBe(false);
  });

  it('refuses statuses it does not know', () => {
    expect(isResendable({ status: 'archived' })).toBe(false);
  });

  it('decides every core status', () => {
    const decided = ZCommunicationStatus.options.map((status) => typeof isResendable({ status }));
    expect(decided.every((t) => t === 'boolean')).toBe(true);
    expect(ZCommunicationStatus.options.filter((status) => isResendable({ status }))).toHaveLength(5);
  });
});
