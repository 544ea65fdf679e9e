import { ConnectError } from '@exstream-connect/core';

/**
 * Parses the raw body only after the signature over those exact bytes was verified, so the
 * sidecar never re-serialises what it checked. Keys that could pollute prototypes are refused.
 */
export function parseJsonBody(raw: Buffer | null): unknown {
  if (raw === null || raw.length === 0) return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new ConnectError('MALFORMED_BODY', 'Body is not valid UTF-8.', { issues: [{ path: '', message: 'Body is not valid UTF-8' }] });
  }
  try {
    return JSON.parse(text, (key, value: unknown) => {
      if (key === '__proto__') throw new SyntaxError(`Forbidden key "${key}"`);
      return value;
    });
  } catch (error) {
    // JSON.parse recurses per level: thousands of levels overflow the stack. The body is valid JSON, only too deep.
    if (error instanceof RangeError) {
      throw new ConnectError('MALFORMED_BODY', 'Body is nested too deeply to parse.', { issues: [{ path: '', message: 'nested too deeply' }] });
    }
    const detail = error instanceof Error ? error.message : 'unparseable';
    throw new ConnectError('MALFORMED_BODY', `Body is not valid JSON: ${detail}`, { issues: [{ path: '', message: `Not valid JSON: ${detail}` }] });
  }
}
