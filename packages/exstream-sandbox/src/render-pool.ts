import { Worker } from 'node:worker_threads';
import { renderDocumentPdfWithReport, type RenderDocumentPdfOptions, type RenderedDocumentPdf } from './render-document-pdf.ts';

export type RenderPool = {
  render(data: unknown, options: RenderDocumentPdfOptions): Promise<RenderedDocumentPdf>;
  /** `thread`: the PDFs are rendered in worker threads; `inline`: on the event loop (0 threads, or no worker could start). */
  mode(): 'thread' | 'inline';
  close(): Promise<void>;
};

type Pending = { resolve: (rendered: RenderedDocumentPdf) => void; reject: (error: Error) => void; data: unknown; options: RenderDocumentPdfOptions };

/**
 * Renders PDFs in `threads` worker threads, so a sandbox answering hundreds of on-demand calls a
 * second keeps its event loop (and, in-process, the engine's) for HTTP. A PDF costs ~2–4 ms of CPU.
 * When a worker cannot start (e.g. a Node that cannot load the TypeScript worker file), the pool
 * falls back to rendering inline, and says so through mode(): slower, never broken.
 */
export function createRenderPool(threads: number): RenderPool {
  let inline = threads <= 0;
  const workers: Array<{ worker: Worker; busy: number }> = [];
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let closed = false;

  const fallBack = () => {
    if (inline) return;
    inline = true;
    for (const { worker } of workers.splice(0)) void worker.terminate();
    // What was in flight in the workers is rendered here instead.
    for (const [id, job] of pending) {
      pending.delete(id);
      renderDocumentPdfWithReport(job.data, job.options).then(job.resolve, job.reject);
    }
  };

  // Started on the first render: a sandbox that never renders (tests of tokens, batch jobs) pays nothing.
  const start = () => {
    // The worker file sits next to this one: .ts when run from sources, .js once built.
    const file = new URL(import.meta.url.endsWith('.ts') ? './render-worker.ts' : './render-worker.js', import.meta.url);
    for (let i = 0; i < threads; i += 1) {
      const worker = new Worker(file);
      const slot = { worker, busy: 0 };
      worker.unref();
      worker.on('message', (message: { id: number; pdf?: Uint8Array; missingCharacters?: string[]; error?: string }) => {
        const job = pending.get(message.id);
        if (!job) return;
        pending.delete(message.id);
        slot.busy -= 1;
        if (message.pdf) job.resolve({ pdf: new Uint8Array(message.pdf), missingCharacters: message.missingCharacters ?? [] });
        else job.reject(new Error(message.error ?? 'render failed'));
      });
      worker.on('error', () => fallBack());
      worker.on('exit', () => {
        if (!closed) fallBack();
      });
      workers.push(slot);
    }
  };

  return {
    render(data, options) {
      if (!inline && workers.length === 0) start();
      if (inline) return renderDocumentPdfWithReport(data, options);
      const slot = workers.reduce((a, b) => (b.busy < a.busy ? b : a));
      const id = nextId++;
      return new Promise<RenderedDocumentPdf>((resolve, reject) => {
        pending.set(id, { resolve, reject, data, options });
        slot.busy += 1;
        slot.worker.postMessage({ id, data, options });
      });
    },
    mode: () => (inline ? 'inline' : 'thread'),
    async close() {
      closed = true;
      // Anything asked after close() is still answered, inline.
      inline = true;
      await Promise.all(workers.splice(0).map(({ worker }) => worker.terminate()));
    },
  };
}
