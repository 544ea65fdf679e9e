import { describe, expect, it } from 'vitest';
import { formatCommunication } from '../src/format-communication.ts';
import { timelineEntry } from './fixtures.ts';

const translate = (key: string): string => `[${key}]`;
const now = new Date('2026-11-22T12:00:00.000Z');
const base = { translate, now, timeZone: 'UTC' };

describe('formatCommunication', () => {
  it('labels, tones and times a delivered invoice', () => {
    const entry = timelineEntry({
      documentType: 'invoice',
      channel: 'email',
      status: 'delivered',
      createdAt: '2026-11-22T09:00:00.000Z',
      statusHistory: [
        { status: 'queued', at: '2026-11-22T09:00:00.000Z', source: 'engine', detail: null },
        { status: 'delivered', at: '2026-11-22T10:00:00.000Z', source: 'exstream', detail: null },
      ],
      templateVersion: '7',
    });

    const view = formatCommunication(entry, [entry], { ...base, locale: 'en' });

    expect(view).toMatchObject({
      id: entry.id,
      documentTypeLabel: '[documentType.invoice]',
      channelLabel: '[channel.email]',
      statusLabel: '[status.delivered]',
      tone: 'success',
      at: '2026-11-22T10:00:00.000Z',
      relativeTime: '2 hours ago',
      templateVersion: '7',
      hasDocument: true,
      needsResend: false,
      resendable: true,
      isResend: false,
      summary: '[documentType.invoice] · [channel.email] · [status.delivered]',
    });
    expect(view.absoluteTime).toContain('Nov 22, 2026');
    expect(view.absoluteTime).toMatch(/10:00\sAM/);
  });

  it('formats times in the locale given', () => {
    const entry = timelineEntry({ createdAt: '2026-11-22T09:00:00.000Z', statusHistory: [] });
    const view = formatCommunication(entry, [entry], { ...base, locale: 'fr' });
    expect(view.relativeTime).toBe('il y a 3 heures');
    // ICU versions differ on separators; the French month abbreviation and 24-hour clock do not.
    expect(view.absoluteTime).toContain('22 nov. 2026');
    expect(view.absoluteTime).toContain('09:00');
  });

  it('offers a resend for a failed communication and keeps its error', () => {
    const entry = timelineEntry({ status: 'failed', lastError: 'Exstream answered 503', hasDocument: false });
    const view = formatCommunication(entry, [entry], { ...base, locale: 'en' });
    expect(view.tone).toBe('critical');
    expect(view.needsResend).toBe(true);
    expect(view.lastError).toBe('Exstream answered 503');
    expect(view.hasDocument).toBe(false);
  });

  it('omits the channel when the communication has none yet', () => {
    const entry = timelineEntry({ channel: null, status: 'queued' });
    const view = formatCommunication(entry, [entry], { ...base, locale: 'en' });
    expect(view.channelLabel).toBeNull();
    expect(view.summary).toBe('[documentType.invoice] · [status.queued]');
    expect(view.resendable).toBe(false);
  });

  it('marks resends', () => {
    const original = timelineEntry({ status: 'failed' });
    const retry = timelineEntry({ status: 'sent', attempt: 2, resendOfId: original.id });
    const view = formatCommunication(retry, [retry, original], { ...base, locale: 'en' });
    expect(view.isResend).toBe(true);
    expect(view.attempt).toBe(2);
    expect(formatCommunication(original, [retry, original], { ...base, locale: 'en' }).needsResend).toBe(false);
  });
});
