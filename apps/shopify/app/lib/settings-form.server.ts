import { z } from 'zod';
import { validationError } from '@exstream-connect/core';
import { PREVIEW_TOPICS, buildSampleOrderPayload, type TPreviewTopic } from './sample-order-payload.ts';

/** Form text → engine settings input. Blank optional fields are omitted; the secret is write-only. */
const blank = (value: FormDataEntryValue | null) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

export function connectionFromForm(form: FormData) {
  const secret = blank(form.get('clientSecret'));
  const onDemand = blank(form.get('onDemandService'));
  const batch = blank(form.get('batchService'));
  const statements = blank(form.get('statementsService'));
  const campaigns = blank(form.get('campaignsService'));
  return {
    connection: {
      baseUrl: blank(form.get('baseUrl')) ?? '',
      domain: blank(form.get('domain')) ?? '',
      tokenUrl: blank(form.get('tokenUrl')) ?? '',
      clientId: blank(form.get('clientId')) ?? '',
      ...(secret ? { clientSecret: secret } : {}),
      scope: blank(form.get('scope')) ?? null,
      // The engine replaces the service names with what is sent: each one is a field of this form.
      serviceNames: {
        ...(onDemand ? { onDemand } : {}),
        ...(batch ? { batch } : {}),
        ...(statements ? { statements } : {}),
        ...(campaigns ? { campaigns } : {}),
      },
      defaultCommunicationId: blank(form.get('defaultCommunicationId')) ?? null,
    },
  };
}

export function togglesFromForm(form: FormData) {
  return { dryRun: form.get('dryRun') === 'on', writeBack: { tagOnFailure: form.get('tagOnFailure') === 'on' } };
}

/** Bank identifiers are printed as typed by people ("DE89 3704 0044…"); the engine wants them bare. */
const compact = (value: string | null) => (value === null ? null : value.replace(/\s+/g, '').toUpperCase());

/** A whole number as typed; anything else goes to the engine as is, which names the field. */
const whole = (value: string | null): unknown => (value === null ? null : /^-?\d+$/.test(value) ? Number(value) : value);

/**
 * The Statements form → `{ statements }` for engine.settings.update. Every field of the section is
 * sent (a blank number is null, which the engine refuses naming the field); payment instructions
 * are null when every one of their fields is blank, otherwise the text is required.
 */
export function statementsFromForm(form: FormData) {
  const text = (name: string) => blank(form.get(name)) ?? null;
  const closeDay = text('closeDay');
  const instructions = {
    instructions: text('paymentInstructions'),
    reference: text('paymentReference'),
    payUrl: text('payUrl'),
    iban: compact(text('iban')),
    bic: compact(text('bic')),
    bankName: text('bankName'),
    accountHolder: text('accountHolder'),
  };
  const anyInstruction = Object.values(instructions).some((value) => value !== null);
  return {
    statements: {
      enabled: form.get('enabled') === 'on',
      closeDay: closeDay === 'last' ? 'last' : whole(closeDay),
      dueDays: whole(text('dueDays')),
      accounts: text('accounts'),
      paymentInstructions: anyInstruction ? { ...instructions, instructions: instructions.instructions ?? '' } : null,
    },
  };
}

/**
 * The Campaign reminders form → `{ campaigns }` for engine.settings.update. Both fields are sent: an
 * unchecked box is `batch: false`, a blank window is null, which the engine refuses naming the field.
 */
export function campaignsFromForm(form: FormData) {
  return { campaigns: { batch: form.get('batch') === 'on', windowSeconds: whole(blank(form.get('windowSeconds')) ?? null) } };
}

/** A day count from JSON: a whole number as typed is a number; anything else (text, "", null) goes as is for the engine to name. */
const days = (value: unknown): unknown => (typeof value === 'string' ? whole(blank(value) ?? null) : value);

/**
 * The Replenishment reminders form → `{ replenishment }` for engine.settings.update. The page posts
 * its interval rows as one JSON field (`intervals`, the whole list: the engine replaces it) with the
 * day counts as typed, so a count that is not a number reaches the engine, which names its row.
 */
export function replenishmentFromForm(form: FormData) {
  const raw = form.get('intervals');
  const parsed = z.array(z.record(z.string(), z.unknown())).safeParse(typeof raw === 'string' ? safeJson(raw) : null);
  if (!parsed.success) {
    throw validationError([{ path: 'replenishment.intervals', message: 'Expected a JSON array of intervals such as [{"skuPrefix":"VIT-","days":30}]' }], 'replenishment settings');
  }
  return {
    replenishment: {
      enabled: form.get('enabled') === 'on',
      intervals: parsed.data.map((interval) => ({ skuPrefix: interval.skuPrefix, days: days(interval.days) })),
    },
  };
}

/** The rules editor posts its rows as one JSON field; the engine validates each rule's fields. */
export function rulesFromForm(form: FormData) {
  const raw = form.get('rules');
  const parsed = z.array(z.record(z.string(), z.unknown())).safeParse(typeof raw === 'string' ? safeJson(raw) : null);
  if (!parsed.success) throw validationError([{ path: 'rules', message: 'Expected a JSON array of rules' }], 'rules');
  return { rules: parsed.data };
}

/** The preview form (topic, locale, country, tags, SKU) → `{ topic, payload }` for engine.settings.previewRule. */
export function previewSampleFromForm(form: FormData) {
  const text = (name: string) => blank(form.get(name)) ?? null;
  const topic = text('topic');
  if (!topic || !(PREVIEW_TOPICS as readonly string[]).includes(topic)) {
    throw validationError([{ path: 'topic', message: `Expected one of ${PREVIEW_TOPICS.join(', ')}` }], 'preview sample');
  }
  const country = text('country');
  if (country && !/^[A-Za-z]{2}$/.test(country)) throw validationError([{ path: 'country', message: 'Expected a two-letter country code such as FR' }], 'preview sample');
  const payload = buildSampleOrderPayload(topic as TPreviewTopic, {
    locale: text('locale'),
    country,
    tags: (text('tags') ?? '').split(',').map((t) => t.trim()).filter(Boolean),
    sku: text('sku'),
    email: null,
  });
  return { topic, payload };
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}
