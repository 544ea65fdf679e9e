import { formatRelativeTime } from './format-relative-time.ts';
import { needsResend } from './needs-resend.ts';
import { isResendable } from './resendable.ts';
import { statusTone, type TBadgeTone } from './status-tone.ts';
import type { TTimelineEntry } from './timeline-entry.ts';
import { translateLabel, type TTranslate } from './translate-label.ts';

export type FormatCommunicationOptions = {
  translate: TTranslate;
  /** BCP 47 locale of the translations in use, for dates and relative times. */
  locale: string;
  now: Date;
  /** Defaults to the runtime's zone; tests pin it. */
  timeZone?: string;
};

export type TCommunicationView = {
  id: string;
  documentTypeLabel: string;
  channelLabel: string | null;
  status: string;
  statusLabel: string;
  tone: TBadgeTone;
  /** When the latest status change happened (creation when there is none). */
  at: string;
  relativeTime: string;
  absoluteTime: string;
  templateVersion: string | null;
  hasDocument: boolean;
  lastError: string | null;
  attempt: number;
  isResend: boolean;
  /** Failed/bounced and the latest attempt of its chain: the timeline offers "Resend". */
  needsResend: boolean;
  /** The merchant may pick it in the resend action. */
  resendable: boolean;
  /** A one-line label for pickers: "Invoice · Email · Delivered". */
  summary: string;
};

function latestActivity(entry: TTimelineEntry): string {
  let latest = entry.createdAt;
  for (const change of entry.statusHistory) {
    if (Date.parse(change.at) > Date.parse(latest)) latest = change.at;
  }
  return latest;
}

/** Everything the order-page UIs show about one communication, translated and formatted. */
export function formatCommunication(entry: TTimelineEntry, timeline: readonly TTimelineEntry[], options: FormatCommunicationOptions): TCommunicationView {
  const { translate, locale, now } = options;
  const at = latestActivity(entry);
  const documentTypeLabel = translateLabel('documentType', entry.documentType, translate);
  const channelLabel = entry.channel ? translateLabel('channel', entry.channel, translate) : null;
  const statusLabel = translateLabel('status', entry.status, translate);
  const absolute = new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
  });
  return {
    id: entry.id,
    documentTypeLabel,
    channelLabel,
    status: entry.status,
    statusLabel,
    tone: statusTone(entry.status),
    at,
    relativeTime: formatRelativeTime(new Date(at), now, locale),
    absoluteTime: absolute.format(new Date(at)),
    templateVersion: entry.templateVersion,
    hasDocument: entry.hasDocument,
    lastError: entry.lastError,
    attempt: entry.attempt,
    isResend: entry.resendOfId !== null,
    needsResend: needsResend(entry, timeline),
    resendable: isResendable(entry),
    summary: [documentTypeLabel, channelLabel, statusLabel].filter((part): part is string => Boolean(part)).join(' · '),
  };
}
