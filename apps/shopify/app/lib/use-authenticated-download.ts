import { useCallback, useState } from 'react';
import { useAppBridge } from '@shopify/app-bridge-react';
import { downloadWithSessionToken, saveBlob } from './download-with-session-token.ts';

/** `downloadWithSessionToken` for a page: App Bridge's session token, a pending flag, a toast on failure. */
export function useAuthenticatedDownload() {
  const shopify = useAppBridge();
  const [pending, setPending] = useState<string | null>(null);
  const download = useCallback(
    async (url: string, fallbackName: string) => {
      setPending(url);
      try {
        await downloadWithSessionToken(url, fallbackName, { idToken: () => shopify.idToken(), fetch: (input, init) => fetch(input, init), save: saveBlob });
      } catch (error) {
        shopify.toast.show(error instanceof Error ? error.message : 'Download failed', { isError: true });
      } finally {
        setPending(null);
      }
    },
    [shopify],
  );
  return { download, pending };
}
