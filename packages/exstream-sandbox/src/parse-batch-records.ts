import { StringDecoder } from 'node:string_decoder';
import { BodyTooLargeError } from './http-utils.ts';

export class BatchParseError extends Error {
  constructor(
    readonly recordIndex: number,
    message: string,
  ) {
    super(message);
  }
}

export type BatchRecord = { index: number; text: string; value: unknown };

/**
 * Streams records out of a batch body without buffering the whole body: either one JSON array of
 * records (`[{...},{...}]`) or a sequence of JSON values (NDJSON, or concatenated pretty-printed
 * objects). Only the record being scanned is held in memory.
 */
export async function* parseBatchRecords(body: AsyncIterable<Buffer | string>, opts: { limitBytes: number }): AsyncGenerator<BatchRecord> {
  const decoder = new StringDecoder('utf8');
  let mode: 'unknown' | 'array' | 'values' = 'unknown';
  let arrayClosed = false;
  let inElement = false;
  let primitive = false;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let carry = '';
  let index = 0;
  let bytes = 0;

  const emit = (textValue: string): BatchRecord => {
    try {
      return { index, text: textValue, value: JSON.parse(textValue) as unknown };
    } catch (err) {
      throw new BatchParseError(index, `Record ${index} is not valid JSON: ${(err as Error).message}`);
    }
  };

  for await (const raw of body) {
    bytes += typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length;
    if (bytes > opts.limitBytes) throw new BodyTooLargeError(opts.limitBytes);
    const chunk = typeof raw === 'string' ? raw : decoder.write(raw);
    let segStart = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (!inElement) {
        // whitespace
        if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff) continue;
        if (mode === 'unknown') {
          if (c === 0x5b /* [ */) {
            mode = 'array';
            continue;
          }
          mode = 'values';
        }
        if (arrayClosed) throw new BatchParseError(index, `Unexpected content after the closing ']' of the records array`);
        if (mode === 'array') {
          if (c === 0x2c /* , */) continue;
          if (c === 0x5d /* ] */) {
            arrayClosed = true;
            continue;
          }
        }
        inElement = true;
        segStart = i;
        depth = 0;
        inString = false;
        escaped = false;
        primitive = c !== 0x7b && c !== 0x5b;
        if (primitive && c === 0x22 /* " */) {
          inString = true;
          continue;
        }
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 0x5c /* \ */) escaped = true;
        else if (c === 0x22) {
          inString = false;
          if (primitive && depth === 0) {
            const textValue = carry + chunk.slice(segStart, i + 1);
            carry = '';
            inElement = false;
            yield emit(textValue);
            index++;
          }
        }
        continue;
      }
      if (primitive) {
        if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x2c || c === 0x5d) {
          const textValue = carry + chunk.slice(segStart, i);
          carry = '';
          inElement = false;
          yield emit(textValue);
          index++;
          if (c === 0x5d && mode === 'array') arrayClosed = true;
        }
        continue;
      }
      if (c === 0x22) inString = true;
      else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth === 0) {
          const textValue = carry + chunk.slice(segStart, i + 1);
          carry = '';
          inElement = false;
          yield emit(textValue);
          index++;
        }
      }
    }
    if (inElement) carry += chunk.slice(segStart);
  }
  const rest = decoder.end();
  if (rest.trim() !== '') carry += rest;
  if (inElement) {
    if (primitive && !inString && carry.trim() !== '') {
      yield emit(carry);
      return;
    }
    throw new BatchParseError(index, `Record ${index} is truncated: the body ended inside it`);
  }
  if (mode === 'array' && !arrayClosed) throw new BatchParseError(index, `The records array is not closed with ']'`);
}
