// Writes the published JSON Schema of every document type (document data contract v1) to
// schemas/v1/<documentType>.schema.json. Run with `npm run schemas`; a test fails when the committed
// files drift from the zod schemas.
// eslint-disable-next-line no-restricted-imports -- a build script that writes files, not library code
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { documentJsonSchemas } from '../src/document-json-schemas.ts';

const outDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../schemas/v1');
mkdirSync(outDir, { recursive: true });
const schemas = documentJsonSchemas();
for (const [documentType, schema] of Object.entries(schemas)) {
  writeFileSync(path.join(outDir, `${documentType}.schema.json`), `${JSON.stringify(schema, null, 2)}\n`);
}
console.log(`wrote ${Object.keys(schemas).length} schemas to ${outDir}`);
