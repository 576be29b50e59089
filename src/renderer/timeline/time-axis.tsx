import { Box } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { memo, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';
import { statusVar } from './status-look.ts';
import type { Version } from './versions.ts';
import { bucketize, ticksFor, type Bucket, type Tick, type TimeWindow, type Zoom } from './zoom.ts';

interface TimeAxisProps {
  versions: Version[];
  zoom: Zoom;
  window: TimeWindow;
  selectedTime: number | null;
  /** Called with the index (in `versions`) of the newest version of the clicked bucket. */
  onPick: (index: number) => void;
}

const height = 128;
const barTop = 18;
const barBottom = 100;
const minBar = 6;
/** Labels closer than this (pixels) would overlap: every other one is dropped. */
const minLabelGap = 44;

/**
 * The versions of one window drawn as bars, one per bucket: the height says how much data was added
 * (square-root scale, so one huge import does not flatten the rest), the colour how the runs ended.
 * SVG with at most ~53 bars whatever the number of versions, so 2,000 versions draw as fast as 20.
 */
export const TimeAxis = memo(function TimeAxis({
  versions,
  zoom,
  window,
  selectedTime,
  onPick,
}: TimeAxisProps) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const { ref, width } = useElementSize<HTMLDivElement>();
  const buckets = useMemo(() => bucketize(versions, zoom, window), [versions, zoom, window]);
  const ticks = useMemo(() => ticksFor(zoom, window), [zoom, window]);
  const labelFormat = useMemo(() => tickFormat(i18n.language), [i18n.language]);

  const span = window.end - window.start;
  const x = (time: number) => ((time - window.start) / span) * width;
  const maxRoot = Math.sqrt(Math.max(1, ...buckets.map((b) => b.dataAdded)));
  const barHeight = (b: Bucket) =>
    minBar + (maxRoot > 1 ? (Math.sqrt(b.dataAdded) / maxRoot) * (barBottom - barTop - minBar) : 0);

  let lastLabel = -Infinity;
  const labelled = ticks.filter((tick) => {
    const at = x(tick.time);
    if (at - lastLabel < minLabelGap) return false;
    lastLabel = at;
    return true;
  });

  return (
    <Box ref={ref} style={{ width: '100%', height }} data-testid="time-axis">
      {width > 0 && (
        <svg width={width} height={height} role="group" aria-label={t('backups.axis.label')}>
          {labelled.map((tick) => (
            <g key={tick.time}>
              <line
                x1={x(tick.time)}
                x2={x(tick.time)}
                y1={barTop - 8}
                y2={barBottom + 4}
                stroke="var(--mantine-color-default-border)"
              />
              <text x={x(tick.time) + 3} y={barBottom + 20} fontSize={12} fill="var(--mantine-color-dimmed)">
                {labelFormat[tick.kind].format(tick.time)}
              </text>
            </g>
          ))}
          <line
            x1={0}
            x2={width}
            y1={barBottom}
            y2={barBottom}
            stroke="var(--mantine-color-default-border)"
          />
          {buckets.map((b) => {
            if (b.count === 0) return null;
            const left = x(b.start);
            const w = Math.max(3, x(b.end) - left - 2);
            const h = barHeight(b);
            const selected = selectedTime !== null && selectedTime >= b.start && selectedTime < b.end;
            const title = t('backups.axis.bucket', {
              from: format.dateTime(new Date(b.start)),
              n: format.number(b.count),
              size: format.bytes(b.dataAdded),
            });
            return (
              <g
                key={b.start}
                onClick={() => onPick(b.first + b.count - 1)}
                style={{ cursor: 'pointer' }}
                data-count={b.count}
              >
                <title>{title}</title>
                {selected && (
                  <rect
                    x={left - 1}
                    y={barTop - 14}
                    width={w + 4}
                    height={barBottom - barTop + 16}
                    rx={3}
                    fill="var(--mantine-primary-color-light)"
                  />
                )}
                {/* A taller invisible target, so thin bars are easy to click. */}
                <rect x={left} y={barTop} width={w + 2} height={barBottom - barTop} fill="transparent" />
                <rect
                  x={left + 1}
                  y={barBottom - h}
                  width={w}
                  height={h}
                  rx={Math.min(2, w / 2)}
                  fill={statusVar(b.status ?? 'unknown')}
                />
                {b.count > 1 && w >= 16 && (
                  <text
                    x={left + 1 + w / 2}
                    y={barBottom - h - 4}
                    fontSize={10}
                    textAnchor="middle"
                    fill="var(--mantine-color-dimmed)"
                  >
                    {b.count}
                  </text>
                )}
              </g>
            );
          })}
        </svg>
      )}
    </Box>
  );
});

function tickFormat(locale: string): Record<Tick['kind'], Intl.DateTimeFormat> {
  return {
    hour: new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }),
    weekday: new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric' }),
    day: new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short' }),
    month: new Intl.DateTimeFormat(locale, { month: 'short' }),
  };
}
