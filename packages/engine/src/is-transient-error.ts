/**
 * Errors that say nothing about the event itself — the database connection was cut, the server is
 * restarting, a serialization conflict — and so must be retried, never recorded as the event's
 * failure. Postgres SQLSTATE classes: 08 (connection exception), 57P01–57P03 (admin shutdown, crash
 * shutdown, cannot connect now), 40001 / 40P01 (serialization failure, deadlock), 53 (insufficient
 * resources). Prisma wraps raw-query failures (P2010, with the SQLSTATE in `meta.code` and in the
 * message) and reports lost connections as P1001 / P1017.
 */
const TRANSIENT_SQLSTATE = /^(08...|57P0[123]|40001|40P01|53...)$/;
const TRANSIENT_TEXT = /\b(08\d{3}|57P0[123]|40001|40P01)\b|terminating connection|Connection terminated|ECONNRESET|ECONNREFUSED|EPIPE|Can't reach database server|server closed the connection/i;

export function isTransientError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { code?: unknown; meta?: { code?: unknown }; message?: unknown; cause?: unknown };
  if (typeof e.code === 'string' && (TRANSIENT_SQLSTATE.test(e.code) || e.code === 'P1001' || e.code === 'P1017' || /^E(CONNRESET|CONNREFUSED|PIPE)$/.test(e.code))) return true;
  if (typeof e.meta?.code === 'string' && TRANSIENT_SQLSTATE.test(e.meta.code)) return true;
  if (typeof e.message === 'string' && TRANSIENT_TEXT.test(e.message)) return true;
  return e.cause !== undefined && e.cause !== error ? isTransientError(e.cause) : false;
}
