import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { computeSignature, signMagentoRequest, verifySignature } from '../src/verify-signature.ts';

const secret = 'demo-magento-secret';
const now = new Date('2026-05-26T14:30:00Z');
const t = String(Math.floor(now.getTime() / 1000));
const request = { method: 'POST', path: '/v1/events', rawBody: '{"id":"evt-1"}' };

describe('signMagentoRequest / verifySignature', () => {
  it('signs t.METHOD.path.body with HMAC-SHA256 hex', () => {
    const expected = createHmac('sha256', secret).update(`${t}.POST./v1/events.{"id":"evt-1"}`).digest('hex');
    expect(signMagentoRequest(secret, request, now)).toBe(`t=${t},v1=${expected}`);
  });

  it('accepts its own signature and a rotation window with several v1 values', () => {
    const header = signMagentoRequest(secret, request, now);
    const signature = computeSignature(secret, t, request);
    expect(verifySignature({ header, secret, request, now })).toEqual({ ok: true, signature, timestamp: Number(t) });
    const rotated = `t=${t},v1=${'0'.repeat(64)},v1=${signature}`;
    // The replay guard keys on the request's own signature, whatever else the header lists.
    expect(verifySignature({ header: rotated, secret, request, now })).toEqual({ ok: true, signature, timestamp: Number(t) });
  });

  it('rejects a changed method, path, query, body or secret', () => {
    const header = signMagentoRequest(secret, request, now);
    expect(verifySignature({ header, secret, request: { ...request, method: 'PUT' }, now }).ok).toBe(false);
    expect(verifySignature({ header, secret, request: { ...request, path: '/v1/events?x=1' }, now }).ok).toBe(false);
    expect(verifySignature({ header, secret, request: { ...request, rawBody: '{"id":"evt-2"}' }, now }).ok).toBe(false);
    expect(verifySignature({ header, secret: 'other-secret', request, now })).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('rejects stale and future timestamps beyond 300 s but accepts the edge', () => {
    const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
    expect(verifySignature({ header: signMagentoRequest(secret, request, at(-300)), secret, request, now }).ok).toBe(true);
    expect(verifySignature({ header: signMagentoRequest(secret, request, at(-301)), secret, request, now })).toEqual({ ok: false, reason: 'stale' });
    expect(verifySignature({ header: signMagentoRequest(secret, request, at(301)), secret, request, now })).toEqual({ ok: false, reason: 'stale' });
  });

  it('rejects missing and malformed headers', () => {
    expect(verifySignature({ header: undefined, secret, request, now })).toEqual({ ok: false, reason: 'missing' });
    for (const header of ['garbage', `t=${t}`, `v1=${'a'.repeat(64)}`, `t=abc,v1=${'a'.repeat(64)}`, `t=${t},v1=zz`, `t=${t},t=${t},v1=${'a'.repeat(64)}`]) {
      expect(verifySignature({ header, secret, request, now })).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('signs raw bytes, so a non-ASCII body verifies byte for byte', () => {
    const body = Buffer.from('{"name":"Zoë Müller"}', 'utf8');
    const header = signMagentoRequest(secret, { ...request, rawBody: body }, now);
    expect(verifySignature({ header, secret, request: { ...request, rawBody: body.toString('utf8') }, now }).ok).toBe(true);
    expect(verifySignature({ header, secret, request: { ...request, rawBody: Buffer.from('{"name":"Zoe Muller"}') }, now }).ok).toBe(false);
  });
});

describe('the worked example in README.md', () => {
  it('matches the documented headers', () => {
    const at = new Date(1779805800 * 1000);
    const body = '{"id":"42:order.placed:1","event":"order.placed"}';
    expect(signMagentoRequest('demo-magento-secret', { method: 'POST', path: '/v1/events', rawBody: body }, at)).toBe(
      't=1779805800,v1=1fa0fcc4693587adc203722f8d2506ed7ceef36acfa2b7582bac8af1c651d099',
    );
    expect(signMagentoRequest('demo-magento-secret', { method: 'GET', path: '/v1/orders/000000142/communications', rawBody: '' }, at)).toBe(
      't=1779805800,v1=eacf029f91f2bda26f7850417895ff046ff6f50fb4f2e3e3b02218e25c834fb5',
    );
  });
});
