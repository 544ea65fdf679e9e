import { describe, expect, it } from 'vitest';
import { communicationIdFromLaunchUrl } from '../src/index.ts';

describe('communicationIdFromLaunchUrl', () => {
  it('reads the communication the block opened the action on, from absolute and relative URLs', () => {
    expect(communicationIdFromLaunchUrl('extension:print-documents?communicationId=5f1c0b0e-1111-4222-8333-944455556666')).toBe('5f1c0b0e-1111-4222-8333-944455556666');
    expect(communicationIdFromLaunchUrl('/app?communicationId=abc')).toBe('abc');
    expect(communicationIdFromLaunchUrl(new URL('https://admin.shopify.com/x?communicationId=xyz'))).toBe('xyz');
  });

  it('is null when there is no launch URL or no communication in it', () => {
    expect(communicationIdFromLaunchUrl(undefined)).toBeNull();
    expect(communicationIdFromLaunchUrl(null)).toBeNull();
    expect(communicationIdFromLaunchUrl('')).toBeNull();
    expect(communicationIdFromLaunchUrl('extension:print-documents')).toBeNull();
  });
});
