import { z } from 'zod';
import { DOCUMENT_DATA_SCHEMAS } from './document-data.ts';
import { DOCUMENT_TYPES, type TDocumentType } from './document-types.ts';

/**
 * The published JSON Schema (draft-07, widely supported: ajv, PHP json-schema, Exstream tooling)
 * of each document type, generated from the zod schemas so the two can never disagree.
 * scripts/write-json-schemas.ts writes them to schemas/v1/<documentType>.schema.json.
 */
export function documentJsonSchemas(): Record<TDocumentType, Record<string, unknown>> {
  const out = {} as Record<TDocumentType, Record<string, unknown>>;
  for (const documentType of DOCUMENT_TYPES) {
    const schema = z.toJSONSchema(DOCUMENT_DATA_SCHEMAS[documentType], { target: 'draft-7', io: 'output' }) as Record<string, unknown>;
    out[documentType] = {
      $schema: schema.$schema,
      $id: `urn:exstream-connect:document-data:v1:${documentType}`,
      title: `Exstream Connect document data v1: ${documentType}`,
      ...schema,
    };
  }
  return out;
}
