import { describe, expect, it } from 'vitest';
import { ZMagentoEventEnvelope, ZTemplateRule, mapMagentoEvent, planCommunications, type TCommerceEvent, type TTemplateRule } from '../src/index.ts';
import { fixture } from './helpers.ts';

// The Magento module sends each store view's "Channels" setting as `store.channels`; the planner
// must use only rules (and fallbacks) of those channels for that store view's events.

function rule(overrides: Partial<TTemplateRule>): TTemplateRule {
  return ZTemplateRule.parse({
    id: 'r',
    eventKind: 'order.invoiced',
    documentType: 'invoice',
    brand: null,
    locale: null,
    channel: 'email',
    fallbackChannels: [],
    productType: null,
    skuPrefix: null,
    tag: null,
    country: null,
    communicationId: 'comm',
    serviceName: null,
    templateVersion: '1',
    priority: 0,
    enabled: true,
    ...overrides,
  });
}

const EMAIL = rule({ id: 'invoice-email', channel: 'email' });
const PRINT = rule({ id: 'invoice-print', channel: 'print' });
const STORE = { defaultBrand: 'default', defaultLocale: 'en' };

async function invoiced(channels?: unknown): Promise<TCommerceEvent> {
  const envelope = (await fixture('magento/envelopes/02-order-invoiced')) as { store: Record<string, unknown> };
  if (channels !== undefined) envelope.store.channels = channels;
  const { events } = mapMagentoEvent(envelope);
  expect(events).toHaveLength(1);
  return events[0]!;
}

const queued = (event: TCommerceEvent, rules: TTemplateRule[]) =>
  planCommunications({ event, store: STORE, rules, preferences: [] }).filter((p) => p.status === 'queued').map((p) => p.channel).sort();

describe('store.channels in the Magento envelope', () => {
  it('is carried onto the event as storeView.channels, with the store view code and website', async () => {
    expect((await invoiced(['print'])).storeView).toEqual({ code: 'ca_fr', website: 'nordique_ca', channels: ['print'] });
    // Absent (older modules): no restriction.
    expect((await invoiced()).storeView).toEqual({ code: 'ca_fr', website: 'nordique_ca', channels: null });
  });

  it('rejects an empty list or an unknown channel, naming the field', async () => {
    const envelope = (await fixture('magento/envelopes/02-order-invoiced')) as { store: Record<string, unknown> };
    for (const [channels, path] of [
      [[], 'store.channels'],
      [['print', 'pigeon'], 'store.channels.1'],
      ['email', 'store.channels'],
    ] as const) {
      const result = ZMagentoEventEnvelope.safeParse({ ...envelope, store: { ...envelope.store, channels } });
      expect(result.success, JSON.stringify(channels)).toBe(false);
      expect(result.error!.issues.map((i) => i.path.join('.'))).toContain(path);
    }
  });
});

describe('planCommunications with a store view that restricts channels', () => {
  it("GIVEN email and print rules WHEN the store view allows only print THEN only print is planned, and the trace says why", async () => {
    const event = await invoiced(['print']);
    const plans = planCommunications({ event, store: STORE, rules: [EMAIL, PRINT], preferences: [] });
    expect(plans.map((p) => [p.channel, p.status])).toEqual([['print', 'queued']]);
    expect(plans[0]!.resolution.join('\n')).toContain('rule invoice-email: channel email is not allowed in store view "ca_fr" (allowed: print)');
  });

  it('GIVEN no restriction or both channels allowed THEN both rules are used', async () => {
    expect(queued(await invoiced(), [EMAIL, PRINT])).toEqual(['email', 'print']);
    expect(queued(await invoiced(['email', 'print']), [EMAIL, PRINT])).toEqual(['email', 'print']);
    expect(queued(await invoiced(['email']), [EMAIL, PRINT])).toEqual(['email']);
  });

  it('GIVEN only rules of channels the store view does not allow THEN the document is skipped with the reason', async () => {
    const plans = planCommunications({ event: await invoiced(['print']), store: STORE, rules: [EMAIL], preferences: [] });
    expect(plans).toHaveLength(1);
    expect(plans[0]).toMatchObject({ documentType: 'invoice', status: 'skipped', channel: 'print' });
    expect(plans[0]!.reason).toContain('uses a channel store view "ca_fr" allows (print)');
  });

  it('never falls back onto a channel the store view does not allow', async () => {
    const withFallback = rule({ id: 'email-then-print', channel: 'email', fallbackChannels: ['print'] });
    const noEmail = (event: TCommerceEvent): TCommerceEvent => ({ ...event, customer: event.customer ? { ...event.customer, email: null } : null });
    // Without an address the rule falls back to print...
    const open = planCommunications({ event: noEmail(await invoiced()), store: STORE, rules: [withFallback], preferences: [] });
    expect(open.map((p) => [p.channel, p.status])).toEqual([['print', 'queued']]);
    // ...unless the store view allows email only.
    const [closed] = planCommunications({ event: noEmail(await invoiced(['email'])), store: STORE, rules: [withFallback], preferences: [] });
    expect(closed).toMatchObject({ channel: 'email', status: 'skipped' });
    expect(closed!.reason).toContain('channel print is not allowed in store view "ca_fr"');
  });
});
