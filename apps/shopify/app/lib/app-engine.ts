import type { Engine } from '@exstream-connect/engine';

/**
 * The part of the engine the app calls. Picked from the engine's own `Engine` type (never a
 * hand-written copy, which drifts), so the composition root's engine fits by construction and a
 * route sees a change of the engine's API at typecheck time.
 */
export type AppEngine = Pick<Engine, 'accept' | 'stores' | 'settings' | 'history' | 'documents' | 'resend' | 'retryFailed' | 'feedback' | 'compliance' | 'statements'>;
