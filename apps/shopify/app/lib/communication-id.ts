import { z } from 'zod';

const ZCommunicationId = z.uuid();

/**
 * Communication ids are UUIDs (a uuid column). Anything else cannot exist, so callers answer it as
 * not found, the same as another shop's id, and it never reaches the database as malformed input
 * (Postgres refuses to cast it, which would be a 500).
 */
export function parseCommunicationId(raw: unknown): string | null {
  const parsed = ZCommunicationId.safeParse(raw);
  return parsed.success ? parsed.data.toLowerCase() : null;
}
