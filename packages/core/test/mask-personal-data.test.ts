import { describe, expect, it } from 'vitest';
import { maskEmail, maskEmailsInText } from '../src/index.ts';

describe('maskEmail', () => {
  it('keeps the first character and the domain only', () => {
    expect(maskEmail('jane.doe@example.com')).toBe('j***@example.com');
    expect(maskEmail('Łucja.W@przykład.pl')).toBe('Ł***@przykład.pl');
    // The last @ separates the domain: a quoted local part may contain another one.
    expect(maskEmail('"a@b"@example.org')).toBe('"***@example.org');
  });
  it('never returns the input when it is not an address', () => {
    expect(maskEmail('no-at-sign')).toBe('***');
    expect(maskEmail('@example.com')).toBe('***');
    expect(maskEmail('')).toBeNull();
    expect(maskEmail(null)).toBeNull();
    expect(maskEmail(undefined)).toBeNull();
  });
});

describe('maskEmailsInText', () => {
  it('masks every address in a message, a JSON context or a stack, and nothing else', () => {
    const text = 'Exstream refused {"to":"jane.doe@example.com","cc":"ops+alerts@shop.example.co.uk"} at deliver (/app/x.ts:1) for order #1001';
    const masked = maskEmailsInText(text);
    expect(masked).toBe('Exstream refused {"to":"j***@example.com","cc":"o***@shop.example.co.uk"} at deliver (/app/x.ts:1) for order #1001');
    expect(masked).not.toContain('jane.doe');
    expect(masked).not.toContain('ops+alerts');
  });
  it('leaves text without addresses unchanged', () => {
    expect(maskEmailsInText('npm@11 installed; user@host prompt')).toBe('npm@11 installed; user@host prompt');
  });
});
