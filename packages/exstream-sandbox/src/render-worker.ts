// Runs in a worker thread (see render-pool.ts): renders one PDF per message, off the sandbox's
// event loop. Plain Node can load this file: only erasable TypeScript, and relative imports.
import { parentPort } from 'node:worker_threads';
import { renderDocumentPdfWithReport, type RenderDocumentPdfOptions } from './render-document-pdf.ts';

type RenderRequest = { id: number; data: unknown; options: RenderDocumentPdfOptions };

parentPort?.on('message', (request: RenderRequest) => {
  renderDocumentPdfWithReport(request.data, request.options).then(
    ({ pdf, missingCharacters }) => parentPort!.postMessage({ id: request.id, pdf, missingCharacters }, [pdf.buffer as ArrayBuffer]),
    (error: unknown) => parentPort!.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
