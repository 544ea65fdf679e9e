/**
 * Masking for logs and archives, shared by every process so a log line reads the same wherever it
 * was written: enough of an address to recognise a customer, not enough to contact or identify one.
 */

const EMAIL_IN_TEXT = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;

/** `jane@example.com` → `j***@example.com`; something that is not an address → `***`. */
export function maskEmail(email: string | null | undefined): string | null {
  if (!email) return null;
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/**
 * Masks every email address inside free text (error messages, stack traces, serialised log
 * context): the last line of defence for text that may quote submitted data.
 */
export function maskEmailsInText(text: string): string {
  return text.replace(EMAIL_IN_TEXT, '$1***@$2');
}
