/**
 * Bundles each admin extension the way `shopify app build` does (esbuild, ESM, minified) and
 * checks Shopify's limit: 64 KB compressed per extension from API 2025-10. Run: `npm run size`.
 * Sources are bundled through the `source` condition, which is the same code as the built dist.
 */
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const LIMIT_BYTES = 64 * 1024;
const root = fileURLToPath(new URL('../../../extensions/', import.meta.url));
const entries = ['order-timeline/src/BlockExtension.tsx', 'resend-communication/src/ActionExtension.tsx', 'print-documents/src/PrintActionExtension.tsx'];

let over = 0;
for (const entry of entries) {
  const result = await build({
    entryPoints: [root + entry],
    bundle: true,
    format: 'esm',
    minify: true,
    write: false,
    metafile: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    conditions: ['source'],
    logLevel: 'warning',
  });
  const code = result.outputFiles[0]!.contents;
  const compressed = gzipSync(code).length;
  const output = Object.values(result.metafile.outputs)[0]!;
  const largest = Object.entries(output.inputs)
    .sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)
    .slice(0, 3)
    .map(([path, input]) => `${path.replace(/^.*node_modules\//, '')} ${input.bytesInOutput}`);
  const ok = compressed <= LIMIT_BYTES;
  if (!ok) over += 1;
  console.log(`${ok ? 'ok  ' : 'OVER'} ${entry}: ${compressed} B gzip (${code.length} B raw); largest: ${largest.join(', ')}`);
}
process.exit(over === 0 ? 0 : 1);
