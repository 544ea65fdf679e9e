import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox, SandboxLogger } from '../src/index.ts';
import { accountStatementData, orderConfirmationData, refundConfirmationData, shippingNoticeData } from './fixtures.ts';
import { call, generate, getJob, getToken, ORCH, withSandbox } from './helpers.ts';
import { pdfFontDictionaries, pdfJsFonts, pdfText } from './read-pdf.ts';

function memoryLogger(): { lines: Array<{ level: string; msg: string; ctx: Record<string, unknown> | undefined }>; logger: SandboxLogger } {
  const lines: Array<{ level: string; msg: string; ctx: Record<string, unknown> | undefined }> = [];
  const at = (level: string) => (msg: string, ctx?: Record<string, unknown>) => void lines.push({ level, msg, ctx });
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

describe('on-demand generate', () => {
  let sandbox: Sandbox;
  let token: string;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'exstream-sandbox-'));
    sandbox = await withSandbox({ dataDir });
    token = await getToken(sandbox);
  });
  afterAll(async () => {
    await sandbox.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('returns a real PDF with Accept: application/pdf that renders the order number and non-Latin names', async () => {
    // WHEN
    const res = await generate(sandbox, token, orderConfirmationData(), { accept: 'application/pdf' });
    // THEN
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    const { text } = await pdfText(bytes);
    expect(text).toContain('Order confirmation');
    expect(text).toContain('#1001');
    expect(text).toContain('Łukasz Żółć');
    expect(text).toContain('Ελένη Παπαδοπούλου');
    expect(text).toContain('Łódź');
    expect(text).toContain('Zielony Sklep');
    expect(text).toMatch(/89,93\s*zł/);
    // The footer: communication id and the template version from meta.templateVersion ('3').
    expect(text).toContain('Communication comm-order-confirmation · Template version 3');
    expect(res.headers.get('x-sandbox-warning')).toBeNull();
  });

  it('embeds its font even in a Latin-only document (pdf.js and the font dictionary agree)', async () => {
    // GIVEN data with nothing beyond Latin-1
    const latin = { documentType: 'invoice', brand: 'Acme', recipient: { name: 'Ada Lovelace' }, meta: { communicationId: 'c-latin', templateVersion: '7' } };
    const bytes = new Uint8Array(await (await generate(sandbox, token, latin, { accept: 'application/pdf' })).arrayBuffer());
    // THEN every font pdf.js draws with is embedded, and each font dictionary carries a TrueType program
    const fonts = await pdfJsFonts(bytes);
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of fonts) expect(font).toMatchObject({ name: expect.stringMatching(/DejaVuSans/), embedded: true });
    const dictionaries = await pdfFontDictionaries(bytes);
    expect(dictionaries.length).toBeGreaterThan(0);
    for (const font of dictionaries) expect(font).toMatchObject({ subtype: 'Type0', baseFont: expect.stringMatching(/^DejaVuSans/), fontFile: 'FontFile2' });
    expect((await pdfText(bytes)).text).toContain('Template version 7');
  });

  it('renders Latin-1 and Latin Extended-A names as sent', async () => {
    const data = orderConfirmationData({ recipient: { name: 'Zoë Müller', email: 'zoe@example.com' } });
    const bytes = new Uint8Array(await (await generate(sandbox, token, data, { accept: 'application/pdf' })).arrayBuffer());
    const { text } = await pdfText(bytes);
    expect(text).toContain('Zoë Müller');
    expect(text).toContain('Łukasz Żółć'); // in the billing address
    expect((await pdfJsFonts(bytes)).every((f) => f.embedded)).toBe(true);
  });

  it('draws characters the font lacks as U+FFFD and says which, in the header, the envelope and the log', async () => {
    // GIVEN a Japanese name: DejaVu Sans has no CJK glyphs
    const { lines, logger } = memoryLogger();
    const logged = await withSandbox({ logger });
    try {
      const t = await getToken(logged);
      const data = orderConfirmationData({ recipient: { name: '山田太郎', email: 'taro@example.com' } });
      // WHEN
      const res = await generate(logged, t, data, { accept: 'application/pdf', 'Idempotency-Key': 'cjk-1' });
      // THEN a visible replacement, not '?' or nothing
      expect(res.status).toBe(200);
      const { text } = await pdfText(new Uint8Array(await res.arrayBuffer()));
      expect(text).toContain('\uFFFD\uFFFD\uFFFD\uFFFD');
      expect(text).not.toContain('????');
      expect(res.headers.get('x-sandbox-warning')).toBe('missing glyphs drawn as U+FFFD: U+592A U+5C71 U+7530 U+90CE');
      const envelope = (await (await generate(logged, t, data, { 'Idempotency-Key': 'cjk-1' })).json()) as { status: string; warnings?: string[] };
      expect(envelope.status).toBe('success');
      expect(envelope.warnings).toEqual(['The embedded font (DejaVu Sans) has no glyph for U+592A 太, U+5C71 山, U+7530 田, U+90CE 郎: drawn as U+FFFD']);
      const warning = lines.find((l) => l.level === 'warn' && l.msg === 'document rendered with missing glyphs');
      expect(warning?.ctx).toMatchObject({ characters: ['U+592A 太', 'U+5C71 山', 'U+7530 田', 'U+90CE 郎'] });
    } finally {
      await logged.close();
    }
  });

  it('prints the SHA-256 of the received bytes in the footer', async () => {
    const body = JSON.stringify(orderConfirmationData({ delivery: { channel: 'print' } }));
    const res = await generate(sandbox, token, body, { accept: 'application/pdf' });
    const { createHash } = await import('node:crypto');
    const { text } = await pdfText(new Uint8Array(await res.arrayBuffer()));
    expect(text).toContain(createHash('sha256').update(body).digest('hex'));
  });

  it('honours the mimeType header like Accept', async () => {
    const res = await generate(sandbox, token, orderConfirmationData(), { mimeType: 'application/pdf' });
    expect(res.headers.get('content-type')).toBe('application/pdf');
  });

  it.each([[{}], [{ accept: '*/*' }]])('returns the base64 JSON envelope without a PDF Accept (%o)', async (headers) => {
    const res = await generate(sandbox, token, orderConfirmationData(), headers);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await res.json()) as { status: string; data: Array<{ fileName: string; fileExtension: string; content: string; statusCode: string }> };
    expect(body.status).toBe('success');
    expect(body.data).toHaveLength(1);
    expect(body.data[0]).toMatchObject({ fileExtension: 'pdf', statusCode: '200', fileName: expect.stringMatching(/\.pdf$/) });
    expect(Buffer.from(body.data[0]!.content, 'base64').subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('renders tracking of a shipping notice', async () => {
    const { text } = await pdfText(new Uint8Array(await (await generate(sandbox, token, shippingNoticeData(), { accept: 'application/pdf' })).arrayBuffer()));
    expect(text).toContain('Shipping notice');
    expect(text).toContain('InPost');
    expect(text).toContain('IP-778899');
    expect(text).toContain('https://inpost.example/IP-778899');
    expect(text).toContain('Items in this shipment');
  });

  it('renders refund lines, the refunded total and the note of a refund confirmation', async () => {
    const { text } = await pdfText(new Uint8Array(await (await generate(sandbox, token, refundConfirmationData(), { accept: 'application/pdf' })).arrayBuffer()));
    expect(text).toContain('Refund confirmation');
    expect(text).toContain('Refunded items');
    expect(text).toContain('Kubek Кириллица');
    expect(text).toMatch(/Refunded\s+25,00\s*zł/);
    expect(text).toContain('Uszkodzony kubek');
  });

  it('renders an account statement: each line with its type, the balances, and payment instructions labelled as people write them', async () => {
    const { text } = await pdfText(new Uint8Array(await (await generate(sandbox, token, accountStatementData(), { accept: 'application/pdf' })).arrayBuffer()));
    expect(text).toContain('Account statement');
    expect(text).toMatch(/Date\s+Description\s+Type\s+Debit\s+Credit\s+Balance/);
    expect(text).toMatch(/Invoice 000000088 for order 000000165\s+Invoice\s+59,00\s*€/);
    expect(text).toMatch(/Order #1003 cancelled\s+Adjustment/);
    expect(text).toMatch(/Amount due\s+118,00\s*€/);
    expect(text).toMatch(/IBAN\s+DE89370400440532013000/);
    expect(text).toMatch(/BIC\s+COBADEFFXXX/);
    expect(text).toMatch(/Pay online\s+https:\/\/pay\.example\/statements/);
    expect(text).not.toMatch(/Iban|Pay url|\bBic\b/);
  });

  it('spreads many lines over several pages', async () => {
    const lines = Array.from({ length: 120 }, (_, i) => ({ sku: `SKU-${i}`, name: `Pozycja ${i}`, quantity: 1, unitPrice: 1, total: 1 }));
    const base = orderConfirmationData();
    const order = { ...(base.order as Record<string, unknown>), lines };
    const bytes = new Uint8Array(await (await generate(sandbox, token, { ...base, order }, { accept: 'application/pdf' })).arrayBuffer());
    const { text, totalPages } = await pdfText(bytes);
    expect(totalPages).toBeGreaterThan(2);
    expect(text).toContain('SKU-0');
    expect(text).toContain('SKU-119');
  });

  it('writes the document under <dataDir>/documents named by the idempotency key', async () => {
    const res = await generate(sandbox, token, orderConfirmationData(), { accept: 'application/pdf', 'Idempotency-Key': 'file-name-key' });
    const bytes = Buffer.from(await res.arrayBuffer());
    const files = await readdir(path.join(dataDir, 'documents'));
    expect(files).toContain('file-name-key.pdf');
    expect(Buffer.compare(await readFile(path.join(dataDir, 'documents', 'file-name-key.pdf')), bytes)).toBe(0);
  });

  it.each(['communicationId', 'driverDataSource'])('answers 400 naming the missing %s header', async (name) => {
    const headers: Record<string, string> = { communicationId: 'c', driverDataSource: 'd' };
    delete headers[name];
    const res = await call(sandbox, token, `${ORCH}/inputs/ondemand/demo/generate`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { status: number; message: string };
    expect(body.status).toBe(400);
    expect(body.message).toContain(name);
  });

  it('answers 404 GenericResponse for an unknown domain', async () => {
    const res = await call(sandbox, token, `${ORCH}/inputs/ondemand/nowhere/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', communicationId: 'c', driverDataSource: 'd' },
      body: '{}',
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ status: 'failure', message: expect.stringContaining('nowhere') });
  });

  it('answers 400 with a Spring error for invalid JSON', async () => {
    const res = await generate(sandbox, token, '{"documentType": ');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ status: 400, error: 'Bad Request', message: expect.stringContaining('JSON parse error') });
    // and the server is still fine
    expect((await generate(sandbox, token, orderConfirmationData())).status).toBe(200);
  });

  it('renders odd but valid JSON (null, arrays, strings) without failing', async () => {
    for (const body of ['null', '[1,2,3]', '"just text"', '{"lines": "not an array", "totals": [1], "recipient": 5}']) {
      const res = await generate(sandbox, token, body, { accept: 'application/pdf' });
      expect(res.status).toBe(200);
    }
  });

  it('records an HTTP input channel call as a complete ONDEMAND job', async () => {
    const res = await call(sandbox, token, `${ORCH}/inputs/ondemand/demo/orderConfirmation`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', mimeType: 'application/pdf', 'Idempotency-Key': 'channel-key-1' },
      body: JSON.stringify(orderConfirmationData()),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const list = (await (await call(sandbox, token, `${ORCH}/runtime/demo/jobs?filter=externalId:channel-key-1`)).json()) as { data: Array<{ id: string }> };
    expect(list.data).toHaveLength(1);
    const job = await getJob(sandbox, token, list.data[0]!.id);
    expect(job).toMatchObject({ mode: 'ONDEMAND', status: 'complete', channel: 'orderConfirmation', externalId: 'channel-key-1' });
  });

  it('returns the envelope from an HTTP input channel without a PDF mime type', async () => {
    const res = await call(sandbox, token, `${ORCH}/inputs/ondemand/demo/statement`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"documentType":"statement"}' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe('success');
  });

  it('answers 413 for a body over the on-demand limit and keeps serving', async () => {
    const small = await withSandbox({ limits: { onDemandBytes: 1024 } });
    try {
      const t = await getToken(small);
      const res = await generate(small, t, { blob: 'x'.repeat(5000) });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { status: number }).status).toBe(413);
      expect((await generate(small, t, { ok: true })).status).toBe(200);
    } finally {
      await small.close();
    }
  });
});

describe('strict mode and Empower', () => {
  let sandbox: Sandbox;
  let token: string;
  beforeAll(async () => {
    sandbox = await withSandbox({
      strict: true,
      catalog: [
        { communicationId: 'comm-order-confirmation', name: 'Order confirmation' },
        { communicationId: 'comm-fulfil', name: 'Fulfillment' },
      ],
      channels: ['orderConfirmation'],
    });
    token = await getToken(sandbox);
  });
  afterAll(() => sandbox.close());

  it('accepts a communicationId from the catalog', async () => {
    expect((await generate(sandbox, token, orderConfirmationData())).status).toBe(200);
  });

  it('answers 404 for a communicationId outside the catalog', async () => {
    const res = await generate(sandbox, token, orderConfirmationData(), { communicationId: 'unknown-comm' });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ status: 'failure', message: expect.stringContaining('unknown-comm') });
  });

  it('accepts any communicationId when not strict', async () => {
    const lax = await withSandbox();
    try {
      expect((await generate(lax, await getToken(lax), {}, { communicationId: 'anything-goes' })).status).toBe(200);
    } finally {
      await lax.close();
    }
  });

  it('returns a documentId for empowerUser and fulfils it once when preserveDocuments=false', async () => {
    // GIVEN a document sent to Empower
    const res = await generate(sandbox, token, orderConfirmationData(), { empowerUser: 'svc-user', accept: 'application/json' });
    expect(res.status).toBe(200);
    const { documentId } = (await res.json()) as { documentId: string };
    expect(documentId).toMatch(/^[0-9a-f-]{36}$/);
    const fulfil = (preserve: string, communicationId = 'comm-fulfil') =>
      call(sandbox, token, `${ORCH}/inputs/fulfillment/ondemand/demo/fulfill`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', communicationId, driverDataSource: 'dsn', preserveDocuments: preserve, accept: 'application/pdf' },
        body: JSON.stringify({ documents: [documentId] }),
      });
    // A fulfillment communication outside the strict catalog is unknown
    const unknown = await fulfil('true', 'not-catalogued');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ status: 'failure', message: expect.stringContaining('not-catalogued') });
    // WHEN fulfilled with preserveDocuments=true, then false
    const kept = await fulfil('true');
    expect(kept.status).toBe(200);
    expect(Buffer.from(await kept.arrayBuffer()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect((await fulfil('false')).status).toBe(200);
    // THEN the document is gone
    const gone = await fulfil('true');
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { status: string }).status).toBe('failure');
  });

  it('answers a repeated fulfillment Idempotency-Key with the first result, even after the documents were deleted', async () => {
    const { documentId } = (await (await generate(sandbox, token, orderConfirmationData(), { empowerUser: 'svc-user', accept: 'application/json' })).json()) as { documentId: string };
    const fulfil = () =>
      call(sandbox, token, `${ORCH}/inputs/fulfillment/ondemand/demo/fulfill`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', communicationId: 'comm-fulfil', driverDataSource: 'dsn', preserveDocuments: 'false', accept: 'application/pdf', 'Idempotency-Key': 'fulfil-once' },
        body: JSON.stringify({ documents: [documentId] }),
      });
    const first = Buffer.from(await (await fulfil()).arrayBuffer());
    const repeat = await fulfil();
    expect(repeat.status).toBe(200);
    expect(Buffer.compare(Buffer.from(await repeat.arrayBuffer()), first)).toBe(0);
    expect(sandbox.countByIdempotencyKey()['fulfil-once']).toBe(1);
    expect(sandbox.receivedByIdempotencyKey()['fulfil-once']).toBe(2);
  });

  it('answers 404 GenericResponse for an HTTP channel outside `channels`, on-demand and batch', async () => {
    const known = await call(sandbox, token, `${ORCH}/inputs/ondemand/demo/orderConfirmation`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(orderConfirmationData()) });
    expect(known.status).toBe(200);
    for (const kind of ['ondemand', 'batch']) {
      const res = await call(sandbox, token, `${ORCH}/inputs/${kind}/demo/unpublished`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[{}]' });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ status: 'failure', message: "No HTTP input channel 'unpublished' in domain 'demo'" });
    }
  });

  it('publishes no HTTP channel in strict mode without `channels`', async () => {
    const strictOnly = await withSandbox({ strict: true, catalog: [{ communicationId: 'comm-order-confirmation', name: 'Order confirmation' }] });
    try {
      const res = await call(strictOnly, await getToken(strictOnly), `${ORCH}/inputs/ondemand/demo/orderConfirmation`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(404);
      expect(((await res.json()) as { status: string }).status).toBe('failure');
    } finally {
      await strictOnly.close();
    }
  });

  it('refuses to start in strict mode without a catalog', async () => {
    await expect(withSandbox({ strict: true })).rejects.toThrow(/strict mode needs a non-empty catalog/);
    await expect(withSandbox({ strict: true, catalog: [] })).rejects.toThrow(/catalog/);
  });
});
