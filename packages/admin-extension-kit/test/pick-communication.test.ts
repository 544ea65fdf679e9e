import { describe, expect, it } from 'vitest';
import { pickCommunication } from '../src/pick-communication.ts';

const view = (id: string, resendable: boolean, needsResend = false) => ({ id, resendable, needsResend });

describe('pickCommunication', () => {
  const views = [view('queued', false), view('delivered', true), view('failed', true, true)];

  it('takes the communication the timeline asked for', () => {
    expect(pickCommunication(views, 'delivered')).toBe('delivered');
  });

  it('ignores a requested communication that may not be resent, and one that is not listed', () => {
    expect(pickCommunication(views, 'queued')).toBe('failed');
    expect(pickCommunication(views, 'elsewhere')).toBe('failed');
  });

  it('prefers the newest failure, then the newest resendable one', () => {
    expect(pickCommunication(views, null)).toBe('failed');
    expect(pickCommunication([view('q', false), view('d1', true), view('d2', true)], null)).toBe('d1');
  });

  it('answers null when nothing may be resent', () => {
    expect(pickCommunication([view('q', false)], null)).toBeNull();
    expect(pickCommunication([], 'x')).toBeNull();
  });
});
