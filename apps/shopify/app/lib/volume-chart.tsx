import { BlockStack, InlineStack, Text } from '@shopify/polaris';

/** Mirrors the engine's dashboard outcomes (packages/engine/src/history.ts `OUTCOMES`), in stack order. */
const SERIES = [
  { key: 'delivered', label: 'Delivered', color: '#29845a' },
  { key: 'sent', label: 'Sent', color: '#2c6ecb' },
  { key: 'pending', label: 'In progress', color: '#8a8a8a' },
  { key: 'bounced', label: 'Bounced', color: '#e5a000' },
  { key: 'failed', label: 'Failed', color: '#c70a24' },
  { key: 'not_sent', label: 'Not sent (skipped, suppressed)', color: '#d4d4d4' },
] as const;

export type VolumeDay = { day: string; total: number; byOutcome: Record<(typeof SERIES)[number]['key'], number> };

const WIDTH = 640;
const HEIGHT = 180;
const AXIS = 24;

/**
 * Stacked bars of the last days' communications by outcome: a failing day stands out at a glance,
 * where the same figures in a table would have to be read row by row. Plain SVG (Polaris has no
 * chart), sized by viewBox so it follows the card's width; each bar carries a tooltip and the whole
 * chart a text summary for screen readers.
 */
export function VolumeChart({ days }: { days: VolumeDay[] }) {
  const max = Math.max(1, ...days.map((d) => d.total));
  const slot = WIDTH / Math.max(1, days.length);
  const barWidth = Math.max(4, slot * 0.62);
  const plot = HEIGHT - AXIS;
  const total = days.reduce((sum, d) => sum + d.total, 0);
  const summary = `${total} communications over ${days.length} days; busiest day ${max === 1 && total === 0 ? 'none' : days.reduce((a, b) => (b.total > a.total ? b : a)).day} with ${total === 0 ? 0 : max}.`;
  return (
    <BlockStack gap="300">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" role="img" aria-label={summary} data-testid="volume-chart">
        <line x1={0} x2={WIDTH} y1={plot} y2={plot} stroke="#c9c9c9" />
        {days.map((d, i) => {
          let y = plot;
          const x = i * slot + (slot - barWidth) / 2;
          return (
            <g key={d.day} data-day={d.day} data-total={d.total}>
              <title>{`${d.day}: ${d.total} (${SERIES.filter((s) => d.byOutcome[s.key] > 0).map((s) => `${s.label.toLowerCase()} ${d.byOutcome[s.key]}`).join(', ') || 'none'})`}</title>
              {SERIES.map((s) => {
                const h = (d.byOutcome[s.key] / max) * (plot - 8);
                if (h <= 0) return null;
                y -= h;
                return <rect key={s.key} x={x} y={y} width={barWidth} height={h} fill={s.color} />;
              })}
              {/* Every other date label: 14 of them do not fit side by side on a phone. */}
              {i % 2 === days.length % 2 || i === days.length - 1 ? (
                <text x={x + barWidth / 2} y={HEIGHT - 6} textAnchor="middle" fontSize="11" fill="#616161">
                  {d.day.slice(5)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <InlineStack gap="300" wrap>
        {SERIES.map((s) => (
          <InlineStack key={s.key} gap="100" blockAlign="center">
            <span aria-hidden style={{ display: 'inline-block', width: 10, height: 10, borderRadius: 2, background: s.color }} />
            <Text as="span" variant="bodySm" tone="subdued">
              {s.label}
            </Text>
          </InlineStack>
        ))}
      </InlineStack>
    </BlockStack>
  );
}
