/**
 * The `?communicationId=` of the launch URL an extension was opened with (the order-timeline block
 * opens the resend and print actions on one communication). Null when there is none or the URL is
 * unreadable: the action then falls back to its own default choice.
 */
export function communicationIdFromLaunchUrl(launchUrl: unknown): string | null {
  if (launchUrl === null || launchUrl === undefined || launchUrl === '') return null;
  try {
    // Launch URLs may be relative: resolve against a base that can never be fetched.
    return new URL(String(launchUrl), 'https://admin.invalid').searchParams.get('communicationId');
  } catch {
    return null;
  }
}
