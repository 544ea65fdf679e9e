import { isConnectError } from '@exstream-connect/core';
import type { TTranslate } from './translate-label.ts';

/** Error codes with their own sentence in the locale files (`errors.<CODE>`); others read `errors.generic`. */
export const TRANSLATED_ERROR_CODES = ['UNAUTHENTICATED', 'NOT_FOUND', 'CONFLICT', 'UPSTREAM_FAILED', 'NOT_CONFIGURED', 'VALIDATION_FAILED'] as const;

export type TErrorDescription = {
  /** Translated, merchant-facing sentence for the kind of failure. */
  title: string;
  /** The app's own explanation when it gave one (English, from the server); null otherwise. */
  detail: string | null;
  retryable: boolean;
};

/** What a banner says about a failed call: a translated headline plus the server's detail. */
export function describeError(error: unknown, translate: TTranslate): TErrorDescription {
  if (!isConnectError(error)) return { title: translate('errors.generic'), detail: null, retryable: true };
  const known = (TRANSLATED_ERROR_CODES as readonly string[]).includes(error.code);
  const serverSaid = typeof error.details['serverCode'] === 'string';
  return {
    title: translate(known ? `errors.${error.code}` : 'errors.generic'),
    detail: serverSaid ? error.userMessage : null,
    retryable: error.retryable || error.code === 'UPSTREAM_FAILED',
  };
}
