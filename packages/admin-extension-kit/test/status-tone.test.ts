import { ZCommunicationStatus } from '@exstream-connect/core';
import { describe, expect, it } from 'vitest';
import { statusTone } from '../src/status-tone.ts';

const POLARIS_BADGE_TONES = ['auto', 'neutral', 'info', 'success', 'caution', 'warning', 'critical'];

describe('statusTone', () => {
  it.each(ZCommunicationStatus.options)('gives %s a tone Polaris badges accept', (status) => {
    expect(POLARIS_BADGE_TONES).toContain(statusTone(status));
  });

  it('marks failures critical and confirmed deliveries successful', () => {
    expect(statusTone('failed')).toBe('critical');
    expect(statusTone('bounced')).toBe('critical');
    expect(statusTone('delivered')).toBe('success');
    expect(statusTone('opened')).toBe('success');
  });

  it('does not call a communication that is only handed over a success', () => {
    expect(statusTone('sent')).toBe('info');
    expect(statusTone('sending')).toBe('info');
  });

  it('flags suppression (opt-out) for attention', () => {
    expect(statusTone('suppressed')).toBe('caution');
  });

  it('renders unknown statuses neutral, including prototype keys', () => {
    expect(statusTone('archived')).toBe('neutral');
    expect(statusTone('toString')).toBe('neutral');
  });
});
