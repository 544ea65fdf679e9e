import { describe, expect, it } from 'vitest';
import { ConnectError } from '@exstream-connect/core';
import { createExstreamClient, isExstreamError } from '../src/index.ts';
import { baseConfig, createFakeClock, createFakeFetch, json, TOKEN_URL, tokenResponse } from './helpers/fake-fetch.ts';

const DATA = { documentType: 'order_confirmation', recipient: { name: 'Zoë Łukasiewicz' }, meta: { communicationId: 'c-1' } };
const PDF = Buffer.from('%PDF-1.7\n...binary...');

function server(answer: (call: { headers: Headers; body: string; url: URL }) => Response) {
  return createFakeFetch((call) => (call.url.href === TOKEN_URL ? tokenResponse() : answer(call)));
}

const lastApiCall = (fetch: { calls: { url: URL; headers: Headers; body: string; method: string }[] }) =>
  fetch.calls.filter((c) => c.url.href !== TOKEN_URL).at(-1)!;

describe('generate', () => {
  it('posts the document data with the communication headers and returns the PDF bytes', async () => {
    const fetch = server(() => new Response(PDF, { status: 200, headers: { 'content-type': 'application/pdf' } }));
    const client = createExstreamClient(baseConfig(), { fetch });
    // WHEN
    const result = await client.generate({
      communicationId: '0f1e2d3c-0000-4000-8000-000000000001',
      driverDataSource: 'orders-dsn',
      empowerUser: 'svc-empower',
      data: DATA,
      accept: 'pdf',
      idempotencyKey: 'comm-1:1',
    });
    // THEN
    expect(result).toEqual({ kind: 'bytes', contentType: 'application/pdf', body: PDF });
    const call = lastApiCall(fetch);
    expect(call.method).toBe('POST');
    expect(call.url.href).toBe('http://exstream.test/orchestration/api/v1/inputs/ondemand/demo/generate');
    expect(call.headers.get('communicationId')).toBe('0f1e2d3c-0000-4000-8000-000000000001');
    expect(call.headers.get('driverDataSource')).toBe('orders-dsn');
    expect(call.headers.get('empowerUser')).toBe('svc-empower');
    expect(call.headers.get('Idempotency-Key')).toBe('comm-1:1');
    expect(call.headers.get('accept')).toBe('application/pdf');
    expect(call.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(call.body)).toEqual(DATA);
  });

  it('decodes the JSON envelope, tolerating key variants', async () => {
    const fetch = server(() =>
      json({
        status: 'success',
        data: [
          { fileName: 'confirmation.pdf', fileExtension: 'pdf', content: PDF.toString('base64'), statusCode: '200' },
          { filename: 'copy.html', content: Buffer.from('<p>hi</p>').toString('base64') },
        ],
      }),
    );
    const client = createExstreamClient(baseConfig(), { fetch });
    const result = await client.generate({ communicationId: 'c', driverDataSource: 'd', data: DATA, accept: 'envelope', idempotencyKey: 'k1' });
    expect(lastApiCall(fetch).headers.get('accept')).toBe('*/*');
    expect(lastApiCall(fetch).headers.get('empowerUser')).toBeNull();
    expect(result).toEqual({
      kind: 'envelope',
      status: 'success',
      outputs: [
        { fileName: 'confirmation.pdf', fileExtension: 'pdf', content: PDF, statusCode: '200' },
        { fileName: 'copy.html', fileExtension: 'html', content: Buffer.from('<p>hi</p>'), statusCode: null },
      ],
    });
  });

  it('turns a status:"error" data envelope into an ExstreamError even on HTTP 200', async () => {
    const fetch = server(() =>
      json({ status: 'error', data: [{ fileName: 'x', statusCode: '401', content: Buffer.from('empowerUser lacks rights').toString('base64') }] }),
    );
    const client = createExstreamClient(baseConfig(), { fetch });
    const error = await client
      .generate({ communicationId: 'c', driverDataSource: 'd', empowerUser: 'u', data: DATA, accept: 'envelope', idempotencyKey: 'k2' })
      .catch((e: unknown) => e);
    expect(isExstreamError(error)).toBe(true);
    if (!isExstreamError(error)) return;
    expect(error.kind).toBe('auth');
    expect(error.retryable).toBe(false);
    expect(error.upstream).toMatchObject({ status: 'error', errorCode: '401', details: 'empowerUser lacks rights' });
    expect(fetch.calls.filter((c) => c.url.href !== TOKEN_URL)).toHaveLength(1);
  });

  it('turns an error status with the data envelope into an error carrying its details', async () => {
    const clock = createFakeClock();
    const fetch = server(() => json({ status: 'error', data: [{ statusCode: '404', message: 'no such communication' }] }, 404));
    const client = createExstreamClient(baseConfig(), { fetch, sleep: clock.sleep });
    const error = await client.generate({ communicationId: 'c', driverDataSource: 'd', data: DATA, idempotencyKey: 'k3' }).catch((e: unknown) => e);
    expect(isExstreamError(error) && error.kind).toBe('not_found');
    expect(isExstreamError(error) && error.upstream.details).toContain('no such communication');
  });

  it('returns the Empower documentId answer', async () => {
    const fetch = server(() => json({ documentId: 'doc-9' }));
    const client = createExstreamClient(baseConfig(), { fetch });
    const result = await client.generate({ communicationId: 'c', driverDataSource: 'd', data: DATA, accept: 'envelope', idempotencyKey: 'k4' });
    expect(result).toEqual({ kind: 'envelope', status: 'success', outputs: [], documentId: 'doc-9' });
  });

  it('requires a well-formed idempotency key and the communication headers, before any request', async () => {
    const fetch = server(() => json({}));
    const client = createExstreamClient(baseConfig(), { fetch });
    const noKey = await client.generate({ communicationId: 'c', driverDataSource: 'd', data: DATA, idempotencyKey: 'has space' }).catch((e: unknown) => e);
    expect(noKey).toBeInstanceOf(ConnectError);
    expect((noKey as ConnectError).code).toBe('VALIDATION_FAILED');
    expect((noKey as ConnectError).issues[0]?.path).toBe('idempotencyKey');
    const missing = await client
      .generate({ communicationId: '', driverDataSource: 'd', data: undefined, idempotencyKey: 'k' } as never)
      .catch((e: unknown) => e);
    expect((missing as ConnectError).issues.map((i) => i.path).sort()).toEqual(['communicationId', 'data']);
    expect(fetch.calls).toHaveLength(0);
  });

  it('uses a configurable orchestration path prefix', async () => {
    const fetch = server(() => new Response(PDF, { headers: { 'content-type': 'application/pdf' } }));
    const client = createExstreamClient(baseConfig({ baseUrl: 'http://exstream.test/tenant-a/', orchestrationPath: '' }), { fetch });
    await client.generate({ communicationId: 'c', driverDataSource: 'd', data: DATA, idempotencyKey: 'k' });
    expect(lastApiCall(fetch).url.href).toBe('http://exstream.test/tenant-a/api/v1/inputs/ondemand/demo/generate');
  });

  it('sends the XSRF cookie/header pair only when enabled', async () => {
    const fetch = server(() => new Response(PDF, { headers: { 'content-type': 'application/pdf' } }));
    await createExstreamClient(baseConfig(), { fetch }).generate({ communicationId: 'c', driverDataSource: 'd', data: DATA, idempotencyKey: 'k' });
    expect(lastApiCall(fetch).headers.get('cookie')).toBeNull();
    const client = createExstreamClient(baseConfig({ xsrf: { enabled: true } }), { fetch });
    await client.generate({ communicationId: 'c', driverDataSource: 'd', data: DATA, idempotencyKey: 'k' });
    const call = lastApiCall(fetch);
    const header = call.headers.get('X-XSRF-TOKEN');
    expect(header).toMatch(/^[0-9a-f-]{36}$/);
    expect(call.headers.get('cookie')).toBe(`XSRF-TOKEN=${header}`);
  });
});

describe('onDemand (HTTP input channel)', () => {
  it('posts to the service with mimeType and Accept headers and returns bytes', async () => {
    const fetch = server(() => new Response(PDF, { headers: { 'content-type': 'application/pdf' } }));
    const client = createExstreamClient(baseConfig(), { fetch });
    const result = await client.onDemand({ service: 'order-docs', body: DATA, mimeType: 'application/pdf', idempotencyKey: 'od-1' });
    expect(result.kind).toBe('bytes');
    const call = lastApiCall(fetch);
    expect(call.url.pathname).toBe('/orchestration/api/v1/inputs/ondemand/demo/order-docs');
    expect(call.headers.get('mimeType')).toBe('application/pdf');
    expect(call.headers.get('accept')).toBe('application/pdf');
    expect(call.headers.get('Idempotency-Key')).toBe('od-1');
    expect(JSON.parse(call.body)).toEqual(DATA);
  });

  it('sends a raw string body with its content type and returns the envelope without mimeType', async () => {
    const fetch = server(() => json({ status: 'success', data: [{ fileName: 'a.pdf', content: PDF.toString('base64') }] }));
    const client = createExstreamClient(baseConfig(), { fetch });
    const result = await client.onDemand({ service: 'xml-in', body: '<order/>', contentType: 'application/xml', idempotencyKey: 'od-2' });
    expect(result.kind === 'envelope' && result.outputs[0]?.content.equals(PDF)).toBe(true);
    const call = lastApiCall(fetch);
    expect(call.headers.get('mimeType')).toBeNull();
    expect(call.headers.get('content-type')).toBe('application/xml');
    expect(call.body).toBe('<order/>');
  });
});
