import { ZDocumentData, type TDocumentData } from './document-data.ts';
import { validationErrorFrom } from './zod-issues.ts';

/**
 * Checks document data against contract v1 before it is sent. Throws ConnectError
 * VALIDATION_FAILED whose issues name each offending field (e.g. `order.lines.0.total.amount`).
 */
export function validateDocumentData(data: unknown): TDocumentData {
  const result = ZDocumentData.safeParse(data);
  if (!result.success) throw validationErrorFrom(result.error, 'document data');
  return result.data;
}
