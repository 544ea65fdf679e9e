import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, describe, expect, it } from 'vitest';
import { createRenderPool, type RenderPool } from '../src/render-pool.ts';
import { orderConfirmationData } from './fixtures.ts';

/** The fixture with its own order number, so each answer can be matched to its request. */
function numbered(i: number): Record<string, unknown> {
  const data = orderConfirmationData();
  (data.order as Record<string, unknown>).number = `#T${i}`;
  return data;
}

const text = async (pdf: Uint8Array) => (await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: true })).text;

describe('createRenderPool', () => {
  const pools: RenderPool[] = [];
  afterAll(async () => {
    for (const pool of pools) await pool.close();
  });

  it('renders in worker threads the same document as inline, for many requests at once', async () => {
    const threaded = createRenderPool(2);
    const inline = createRenderPool(0);
    pools.push(threaded, inline);
    const generatedAt = new Date('2026-11-22T10:00:00Z');
    const documents = (await Promise.all(Array.from({ length: 12 }, (_, i) => threaded.render(numbered(i), { sha256: 'a'.repeat(64), generatedAt })))).map((r) => r.pdf);
    expect(threaded.mode()).toBe('thread');
    expect(inline.mode()).toBe('inline');
    const { pdf: reference } = await inline.render(numbered(7), { sha256: 'a'.repeat(64), generatedAt });
    expect(await text(documents[7]!)).toBe(await text(reference));
    // Each answer belongs to its own request, and non-Latin names survive the thread hop.
    for (const [i, pdf] of documents.entries()) expect(await text(pdf)).toContain(`T${i}`);
    expect(await text(documents[0]!)).toContain('Παπαδοπούλου');
  });

  it('reports the characters drawn as U+FFFD across the thread hop', async () => {
    const threaded = createRenderPool(1);
    pools.push(threaded);
    const data = orderConfirmationData({ recipient: { name: '山田太郎 Zoë' } });
    const { pdf, missingCharacters } = await threaded.render(data, { sha256: 'c'.repeat(64) });
    expect(threaded.mode()).toBe('thread');
    expect(missingCharacters).toEqual(['U+592A 太', 'U+5C71 山', 'U+7530 田', 'U+90CE 郎']);
    expect(await text(pdf)).toContain('\uFFFD\uFFFD\uFFFD\uFFFD Zoë');
    // A document the font covers reports nothing.
    expect((await threaded.render(orderConfirmationData(), { sha256: 'c'.repeat(64) })).missingCharacters).toEqual([]);
  });

  it('answers inline after close()', async () => {
    const pool = createRenderPool(1);
    await pool.render(orderConfirmationData(), { sha256: 'b'.repeat(64) });
    await pool.close();
    expect(pool.mode()).toBe('inline');
    const { pdf } = await pool.render(orderConfirmationData(), { sha256: 'b'.repeat(64) });
    expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe('%PDF-');
  });
});
