import type { SidecarEngine, StoreInfo } from '../../src/engine-port.ts';

/**
 * A minimal engine for the failure paths the real one cannot be made to take on demand (a bug
 * surfacing as a thrown TypeError). Everything else is tested against the real engine.
 */
export function createFakeEngine(overrides: { acceptError?: Error; openStream?: SidecarEngine['documents']['openStream'] } = {}): SidecarEngine {
  const store: StoreInfo = {
    id: '00000000-0000-4000-8000-000000000001',
    platform: 'magento',
    storeKey: 'fake-store',
    name: 'Fake',
    installed: true,
    defaultBrand: 'default',
    defaultLocale: 'en',
    dryRun: false,
  };
  const unused = async (): Promise<never> => {
    throw new Error('not used by this test');
  };
  return {
    async accept() {
      if (overrides.acceptError) throw overrides.acceptError;
      return { status: 'accepted', inboundEventId: 'inbound-1', eventKinds: ['order.placed'] };
    },
    stores: {
      find: async (platform: string, storeKey: string) => (platform === 'magento' && storeKey === store.storeKey ? store : null),
      signingSecret: async (storeKey: string) => (storeKey === store.storeKey ? 'fake-secret' : null),
    },
    settings: { get: unused, update: unused, testConnection: unused },
    history: { forOrder: unused },
    documents: { open: unused, openStream: overrides.openStream ?? unused },
    resend: unused,
    feedback: { handleCallback: unused, since: unused },
    signedRequests: { claimOnce: async () => true },
  } as unknown as SidecarEngine;
}
