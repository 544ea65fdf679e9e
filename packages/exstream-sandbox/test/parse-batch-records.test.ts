import { describe, expect, it } from 'vitest';
import { BodyTooLargeError } from '../src/http-utils.ts';
import { BatchParseError, parseBatchRecords } from '../src/parse-batch-records.ts';

async function* chunks(text: string, size: number): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function collect(text: string, size = 7, limitBytes = 1e9): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const r of parseBatchRecords(chunks(text, size), { limitBytes })) out.push(r.value);
  return out;
}

describe('parseBatchRecords', () => {
  const records = [{ a: 1, s: 'brace } in "string" and \\ backslash', n: 'Łódź' }, { b: [1, 2, { c: '[' }] }, { d: null }];

  it.each([1, 3, 7, 64, 4096])('splits a JSON array regardless of chunk size %i (multi-byte characters included)', async (size) => {
    expect(await collect(JSON.stringify(records), size)).toEqual(records);
  });

  it('splits NDJSON', async () => {
    expect(await collect(records.map((r) => JSON.stringify(r)).join('\n') + '\n')).toEqual(records);
  });

  it('splits concatenated pretty-printed objects', async () => {
    expect(await collect(records.map((r) => JSON.stringify(r, null, 2)).join('\n'))).toEqual(records);
  });

  it('reads an empty array as no records', async () => {
    expect(await collect(' [ ] ')).toEqual([]);
  });

  it('reads primitive records', async () => {
    expect(await collect('[1, "two", true]')).toEqual([1, 'two', true]);
  });

  it('reports the index of a broken record', async () => {
    const error = await collect('[{"a":1},{"b":tru}]').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchParseError);
    expect((error as BatchParseError).recordIndex).toBe(1);
  });

  it('rejects an unterminated array', async () => {
    await expect(collect('[{"a":1}')).rejects.toBeInstanceOf(BatchParseError);
  });

  it('stops at the byte limit', async () => {
    await expect(collect(JSON.stringify(records), 8, 20)).rejects.toBeInstanceOf(BodyTooLargeError);
  });
});
