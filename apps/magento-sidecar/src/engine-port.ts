import type { Engine, StoreInfo } from '@exstream-connect/engine';

/**
 * The slice of the engine the sidecar uses. A Pick (not the whole Engine) keeps the HTTP layer
 * honest about what it touches; the composition root passes the real engine.
 */
export type SidecarEngine = Pick<Engine, 'accept' | 'stores' | 'settings' | 'history' | 'documents' | 'resend' | 'feedback' | 'signedRequests' | 'statements'>;

export type { StoreInfo };
