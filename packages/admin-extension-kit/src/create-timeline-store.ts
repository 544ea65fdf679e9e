import { batch, signal, type ReadonlySignal } from '@preact/signals-core';
import { fetchTimeline } from './fetch-timeline.ts';
import { resendCommunication } from './resend-communication.ts';
import type { TTimelineEntry } from './timeline-entry.ts';

export type TTimelineState =
  | { kind: 'loading' }
  | { kind: 'error'; error: unknown }
  /** `refreshing`: a reload is under way; the entries stay on screen meanwhile. */
  | { kind: 'ready'; entries: TTimelineEntry[]; refreshing: boolean };

export type TResendNotice =
  | { kind: 'resent'; communicationId: string; newCommunicationId: string; documentType: string | null }
  | { kind: 'resendFailed'; communicationId: string; error: unknown };

export type TimelineStoreOptions = {
  fetch?: typeof fetch;
  /** Called after a successful resend (the action extension closes itself). */
  onResent?: (notice: Extract<TResendNotice, { kind: 'resent' }>) => void;
};

export type TimelineStore = {
  state: ReadonlySignal<TTimelineState>;
  /** The communication whose resend is in flight, if any: one at a time. */
  pendingResendId: ReadonlySignal<string | null>;
  notice: ReadonlySignal<TResendNotice | null>;
  reload(): Promise<void>;
  resend(communicationId: string): Promise<void>;
  dismissNotice(): void;
  /** Aborts what is in flight; later answers are ignored. */
  dispose(): void;
};

/**
 * The order's communications as signals, shared by the three extensions so their components only
 * render. Reloads supersede each other (a late answer of an older request never overwrites a
 * newer one) and nothing updates after dispose().
 */
export function createTimelineStore(orderId: string, options: TimelineStoreOptions = {}): TimelineStore {
  const state = signal<TTimelineState>({ kind: 'loading' });
  const pendingResendId = signal<string | null>(null);
  const notice = signal<TResendNotice | null>(null);
  let generation = 0;
  let inFlight: AbortController | null = null;
  let disposed = false;

  async function reload(): Promise<void> {
    if (disposed) return;
    generation += 1;
    const mine = generation;
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    const current = state.peek();
    state.value = current.kind === 'ready' ? { ...current, refreshing: true } : { kind: 'loading' };
    try {
      const entries = await fetchTimeline(orderId, { fetch: options.fetch, signal: controller.signal });
      if (!disposed && mine === generation) state.value = { kind: 'ready', entries, refreshing: false };
    } catch (error) {
      if (!disposed && mine === generation) state.value = { kind: 'error', error };
    }
  }

  async function resend(communicationId: string): Promise<void> {
    if (disposed || pendingResendId.peek() !== null) return;
    const current = state.peek();
    const entry = current.kind === 'ready' ? current.entries.find((e) => e.id === communicationId) : undefined;
    batch(() => {
      pendingResendId.value = communicationId;
      notice.value = null;
    });
    try {
      const { communicationId: newCommunicationId } = await resendCommunication(orderId, communicationId, { fetch: options.fetch });
      if (disposed) return;
      const resent = { kind: 'resent' as const, communicationId, newCommunicationId, documentType: entry?.documentType ?? null };
      batch(() => {
        pendingResendId.value = null;
        notice.value = resent;
      });
      options.onResent?.(resent);
      await reload();
    } catch (error) {
      if (disposed) return;
      batch(() => {
        pendingResendId.value = null;
        notice.value = { kind: 'resendFailed', communicationId, error };
      });
    }
  }

  return {
    state,
    pendingResendId,
    notice,
    reload,
    resend,
    dismissNotice: () => {
      notice.value = null;
    },
    dispose: () => {
      disposed = true;
      inFlight?.abort();
    },
  };
}
