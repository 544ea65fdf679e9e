import { CHANNELS, DOCUMENT_TYPES, ZCommunicationStatus } from '@exstream-connect/core';
import { describe, expect, it } from 'vitest';
import { KNOWN_CHANNELS, KNOWN_DOCUMENT_TYPES, KNOWN_STATUSES, humanize, translateLabel } from '../src/translate-label.ts';

const asked: string[] = [];
const translate = (key: string): string => {
  asked.push(key);
  return `«${key}»`;
};

describe('translateLabel', () => {
  it('translates known values through <kind>.<value> keys', () => {
    expect(translateLabel('documentType', 'order_confirmation', translate)).toBe('«documentType.order_confirmation»');
    expect(translateLabel('status', 'bounced', translate)).toBe('«status.bounced»');
    expect(translateLabel('channel', 'sms', translate)).toBe('«channel.sms»');
  });

  it('humanises values added after this build without asking the translator', () => {
    asked.length = 0;
    expect(translateLabel('documentType', 'loyalty_statement', translate)).toBe('Loyalty statement');
    expect(translateLabel('channel', 'push-notification', translate)).toBe('Push notification');
    expect(asked).toEqual([]);
  });
});

describe('humanize', () => {
  it('keeps an empty value empty', () => {
    expect(humanize('')).toBe('');
    expect(humanize('__')).toBe('__');
  });
});

describe('known values', () => {
  it('match core catalogues exactly, so locale files cover every value the engine produces', () => {
    expect([...KNOWN_DOCUMENT_TYPES]).toEqual([...DOCUMENT_TYPES]);
    expect([...KNOWN_CHANNELS]).toEqual([...CHANNELS]);
    expect([...KNOWN_STATUSES]).toEqual(ZCommunicationStatus.options);
  });
});
