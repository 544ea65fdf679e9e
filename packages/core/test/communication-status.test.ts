import { describe, expect, it } from 'vitest';
import { ConnectError, STATUS_TRANSITIONS, ZCommunicationStatus, canTransition, httpStatusFor, isTerminalStatus, validationError } from '../src/index.ts';

describe('communication status model', () => {
  it('walks the happy path and refuses to go backwards', () => {
    expect(canTransition('queued', 'sending')).toBe(true);
    expect(canTransition('sending', 'sent')).toBe(true);
    expect(canTransition('sent', 'delivered')).toBe(true);
    expect(canTransition('delivered', 'opened')).toBe(true);
    expect(canTransition('opened', 'delivered')).toBe(false);
    expect(canTransition('sent', 'queued')).toBe(false);
    expect(canTransition('skipped', 'queued')).toBe(false);
  });

  it('lets a dead-lettered communication be re-triggered, and a reconcile re-queue an unsent one', () => {
    expect(canTransition('failed', 'queued')).toBe(true);
    expect(canTransition('sending', 'queued')).toBe(true);
  });

  it('defines transitions for every status and only to known statuses', () => {
    for (const status of ZCommunicationStatus.options) {
      for (const next of STATUS_TRANSITIONS[status]) expect(ZCommunicationStatus.options).toContain(next);
    }
    expect(isTerminalStatus('suppressed')).toBe(true);
    expect(isTerminalStatus('sending')).toBe(false);
  });
});

describe('error family', () => {
  it('maps codes to HTTP and hides internal messages', () => {
    expect(httpStatusFor(new ConnectError('UNAUTHENTICATED', 'bad signature'))).toBe(401);
    expect(httpStatusFor(new Error('boom'))).toBe(500);
    const internal = new ConnectError('INTERNAL', 'db password wrong for user x');
    expect(JSON.stringify(internal.toJSON())).not.toContain('password');
  });

  it('names every field at fault in a validation error', () => {
    const error = validationError([{ path: 'entity.items.0.sku', message: 'Required' }, { path: 'id', message: 'Expected string' }], 'event');
    expect(error.httpStatus).toBe(400);
    expect(error.message).toContain('entity.items.0.sku');
    expect(error.message).toContain('id: Expected string');
    expect(error.toJSON().error.issues).toHaveLength(2);
  });
});
