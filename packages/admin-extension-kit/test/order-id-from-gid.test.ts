import { ConnectError } from '@exstream-connect/core';
import { describe, expect, it } from 'vitest';
import { orderIdFromGid } from '../src/order-id-from-gid.ts';

describe('orderIdFromGid', () => {
  it('GIVEN an order GID THEN answers the numeric id as a string', () => {
    expect(orderIdFromGid('gid://shopify/Order/5501234567890')).toBe('5501234567890');
  });

  it('keeps ids beyond Number.MAX_SAFE_INTEGER exact', () => {
    expect(orderIdFromGid('gid://shopify/Order/90071992547409931')).toBe('90071992547409931');
  });

  it('ignores GID query parameters and surrounding spaces', () => {
    expect(orderIdFromGid(' gid://shopify/Order/42?foo=bar ')).toBe('42');
  });

  it.each(['gid://shopify/DraftOrder/42', 'gid://shopify/Order/', 'gid://shopify/Order/12ab', '5501234567890', ''])(
    'GIVEN %j THEN throws VALIDATION_FAILED naming the field',
    (gid) => {
      let caught: unknown;
      try {
        orderIdFromGid(gid);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ConnectError);
      const error = caught as ConnectError;
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.issues[0]?.path).toBe('data.selected.0.id');
      expect(error.message).toContain(JSON.stringify(gid));
    },
  );
});
