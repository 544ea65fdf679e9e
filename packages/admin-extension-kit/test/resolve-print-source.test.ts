import { describe, expect, it } from 'vitest';
import { ALL_DOCUMENTS, resolvePrintSource } from '../src/resolve-print-source.ts';

describe('resolvePrintSource', () => {
  it('GIVEN no document THEN previews nothing', () => {
    expect(resolvePrintSource({ orderId: '1', documentIds: [], choice: null })).toEqual({ choice: null, src: undefined });
    expect(resolvePrintSource({ orderId: '1', documentIds: [], choice: 'c1' })).toEqual({ choice: null, src: undefined });
  });

  it('GIVEN one document THEN previews its PDF', () => {
    expect(resolvePrintSource({ orderId: '1', documentIds: ['c1'], choice: null })).toEqual({ choice: 'c1', src: '/api/documents/c1' });
  });

  it('GIVEN several documents THEN previews the order print page by default', () => {
    expect(resolvePrintSource({ orderId: '5501234567890', documentIds: ['c1', 'c2'], choice: null })).toEqual({
      choice: ALL_DOCUMENTS,
      src: '/api/orders/5501234567890/documents/print',
    });
    expect(resolvePrintSource({ orderId: '9', documentIds: ['c1', 'c2'], choice: ALL_DOCUMENTS }).src).toBe('/api/orders/9/documents/print');
  });

  it('GIVEN a picked document THEN previews that one', () => {
    expect(resolvePrintSource({ orderId: '1', documentIds: ['c1', 'c2'], choice: 'c2' })).toEqual({ choice: 'c2', src: '/api/documents/c2' });
  });

  it('GIVEN a choice that is not a document of the order THEN falls back to the default', () => {
    expect(resolvePrintSource({ orderId: '1', documentIds: ['c1'], choice: 'other' }).src).toBe('/api/documents/c1');
  });

  it('escapes ids in the path', () => {
    expect(resolvePrintSource({ orderId: '1', documentIds: ['a/b'], choice: null }).src).toBe('/api/documents/a%2Fb');
  });
});
