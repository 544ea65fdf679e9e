import type { FastifyInstance } from 'fastify';
import { ConnectError } from '@exstream-connect/core';

/**
 * Answers a body declared larger than the limit with 413 only after the client has finished
 * sending it ("lingering close", as nginx does). Answering at once while the client is still
 * uploading races the connection teardown: under load the client sometimes saw a reset instead
 * of the 413 (a fuzz run against the product lost one answer this way). Bodies beyond
 * `maxDrainBytes`, or not finished within `timeoutMs`, are refused at once with the connection
 * closed: reading them would let a client make the sidecar ingest arbitrary amounts of data.
 */
export function drainOversizeBodies(app: FastifyInstance, options: { bodyLimit: number; maxDrainBytes?: number; timeoutMs?: number }): void {
  const maxDrainBytes = options.maxDrainBytes ?? 16 * options.bodyLimit;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const tooLarge = () => new ConnectError('PAYLOAD_TOO_LARGE', `Request body exceeds the ${options.bodyLimit} byte limit.`).toJSON();

  app.addHook('onRequest', (request, reply, done) => {
    const declared = Number(request.headers['content-length']);
    if (!(declared > options.bodyLimit)) {
      done();
      return;
    }
    request.log.info({ code: 'PAYLOAD_TOO_LARGE', status: 413, declared }, 'request rejected');
    if (declared > maxDrainBytes) {
      void reply.status(413).header('connection', 'close').send(tooLarge());
      return;
    }
    const raw = request.raw;
    let answered = false;
    const answer = (closeConnection: boolean) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      raw.removeListener('data', discard);
      if (closeConnection) reply.header('connection', 'close');
      void reply.status(413).send(tooLarge());
    };
    const discard = () => {
      // The bytes are dropped as they arrive; only the stream's end matters.
    };
    const timer = setTimeout(() => answer(true), timeoutMs);
    raw.on('data', discard);
    raw.once('end', () => answer(false));
    raw.once('error', () => answer(true));
  });
}
