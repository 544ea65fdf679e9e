import type { z } from 'zod';
import { validationError, type ConnectError, type FieldIssue } from './errors.ts';

/** zod issues → the error family's `{ path, message }` with dotted paths ("entity.items.0.sku"). */
export function fieldIssuesFrom(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.'),
    message: issue.message,
  }));
}

export function validationErrorFrom(error: z.ZodError, subject: string, prefix = ''): ConnectError {
  return validationError(fieldIssuesFrom(error, prefix), subject);
}
