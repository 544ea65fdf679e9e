import { ConnectError } from '@exstream-connect/core';
import { z } from 'zod';

const ZCommunicationId = z.uuid();

/**
 * Communication ids are UUIDs. Anything else cannot exist, so it is answered as not found, the
 * same as another store's id, and never reaches the database as malformed input.
 */
export function parseCommunicationId(params: unknown, what: string): string {
  const id = typeof params === 'object' && params !== null ? (params as { id?: unknown }).id : undefined;
  const parsed = ZCommunicationId.safeParse(id);
  if (!parsed.success) throw new ConnectError('NOT_FOUND', `${what} not found.`);
  return parsed.data.toLowerCase();
}
