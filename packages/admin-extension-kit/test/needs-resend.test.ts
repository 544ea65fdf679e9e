import { describe, expect, it } from 'vitest';
import { needsResend } from '../src/needs-resend.ts';
import { timelineEntry } from './fixtures.ts';

describe('needsResend', () => {
  it('GIVEN a lone failed communication THEN offers a resend', () => {
    const failed = timelineEntry({ status: 'failed' });
    expect(needsResend(failed, [failed])).toBe(true);
  });

  it('GIVEN a bounced email THEN offers a resend', () => {
    const bounced = timelineEntry({ status: 'bounced' });
    expect(needsResend(bounced, [bounced])).toBe(true);
  });

  it('GIVEN a delivered communication THEN offers nothing', () => {
    const delivered = timelineEntry({ status: 'delivered' });
    expect(needsResend(delivered, [delivered])).toBe(false);
  });

  it('GIVEN a failed original whose resend is queued THEN neither needs a resend', () => {
    const original = timelineEntry({ status: 'failed' });
    const retry = timelineEntry({ status: 'queued', attempt: 2, resendOfId: original.id, createdAt: '2026-11-20T10:00:00.000Z' });
    const timeline = [retry, original];
    expect(needsResend(original, timeline)).toBe(false);
    expect(needsResend(retry, timeline)).toBe(false);
  });

  it('GIVEN a chain where the resend failed too THEN offers it on the latest attempt only', () => {
    const original = timelineEntry({ status: 'failed' });
    const retry = timelineEntry({ status: 'failed', attempt: 2, resendOfId: original.id, createdAt: '2026-11-20T10:00:00.000Z' });
    const timeline = [retry, original];
    expect(needsResend(original, timeline)).toBe(false);
    expect(needsResend(retry, timeline)).toBe(true);
  });

  it('handles resends that all link to the original (not to the previous attempt)', () => {
    const original = timelineEntry({ status: 'failed' });
    const second = timelineEntry({ status: 'failed', attempt: 2, resendOfId: original.id, createdAt: '2026-11-20T10:00:00.000Z' });
    const third = timelineEntry({ status: 'delivered', attempt: 3, resendOfId: original.id, createdAt: '2026-11-20T11:00:00.000Z' });
    const timeline = [third, second, original];
    expect(timeline.filter((e) => needsResend(e, timeline))).toEqual([]);
  });

  it('keeps separate communications separate', () => {
    const invoice = timelineEntry({ status: 'failed', documentType: 'invoice' });
    const confirmation = timelineEntry({ status: 'delivered', documentType: 'order_confirmation', attempt: 2, createdAt: '2026-11-21T00:00:00.000Z' });
    expect(needsResend(invoice, [invoice, confirmation])).toBe(true);
  });

  it('terminates on a malformed resend cycle', () => {
    const a = timelineEntry({ id: 'a', status: 'failed', resendOfId: 'b' });
    const b = timelineEntry({ id: 'b', status: 'failed', resendOfId: 'a', attempt: 2 });
    expect(typeof needsResend(a, [a, b])).toBe('boolean');
  });
});
