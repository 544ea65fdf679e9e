import { Badge } from '@shopify/polaris';

/** Badge tone per communication status (core's ZCommunicationStatus). */
type Tone = 'success' | 'critical' | 'warning' | 'attention' | 'info' | undefined;

const TONES: Record<string, Tone> = {
  delivered: 'success',
  opened: 'success',
  sent: 'info',
  sending: 'info',
  queued: 'attention',
  skipped: undefined,
  suppressed: 'warning',
  failed: 'critical',
  bounced: 'critical',
};

export function statusLabel(status: string): string {
  return status.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

export function StatusBadge({ status }: { status: string }) {
  const tone = TONES[status];
  return tone ? <Badge tone={tone}>{statusLabel(status)}</Badge> : <Badge>{statusLabel(status)}</Badge>;
}

export function humanize(value: string): string {
  return value.replace(/[._]/g, ' ').replace(/^./, (c) => c.toUpperCase());
}
