import { ActionIcon, Button, Group, Paper, SegmentedControl, Stack, Text } from '@mantine/core';
import { IconChevronLeft, IconChevronRight } from '@tabler/icons-react';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { statusVar } from './status-look.ts';
import { TimeAxis } from './time-axis.tsx';
import type { Version, VersionStatus } from './versions.ts';
import { lowerBound, zoomLevels, type TimeWindow, type Zoom } from './zoom.ts';

interface AxisCardProps {
  /** Oldest first. */
  versions: Version[];
  zoom: Zoom;
  onZoom: (zoom: Zoom) => void;
  window: TimeWindow;
  onAnchor: (time: number) => void;
  selected: Version | null;
  onSelect: (version: Version) => void;
}

const legend: VersionStatus[] = ['ok', 'warning', 'failed', 'unknown'];

/** The axis with its controls: zoom, previous/next window (skipping empty stretches), newest. */
export function TimelineAxisCard({
  versions,
  zoom,
  onZoom,
  window,
  onAnchor,
  selected,
  onSelect,
}: AxisCardProps) {
  const { t, i18n } = useTranslation();
  const title = useMemo(() => windowTitle(i18n.language, zoom, window), [i18n.language, zoom, window]);
  const startIndex = lowerBound(versions, window.start);
  const endIndex = lowerBound(versions, window.end);
  const before = startIndex > 0 ? versions[startIndex - 1]! : null;
  const after = endIndex < versions.length ? versions[endIndex]! : null;
  const inWindow = endIndex - startIndex;
  const newest = versions[versions.length - 1];

  return (
    <Paper withBorder radius="md" p="md">
      <Stack gap="xs">
        <Group justify="space-between" gap="xs">
          <Group gap={4} wrap="nowrap">
            <ActionIcon
              variant="default"
              size="lg"
              aria-label={t('backups.axis.earlier')}
              disabled={!before}
              onClick={() => before && onAnchor(before.time)}
            >
              <IconChevronLeft size={18} />
            </ActionIcon>
            <ActionIcon
              variant="default"
              size="lg"
              aria-label={t('backups.axis.later')}
              disabled={!after}
              onClick={() => after && onAnchor(after.time)}
            >
              <IconChevronRight size={18} />
            </ActionIcon>
            <Text fw={700} ml="xs" data-testid="axis-title">
              {title}
            </Text>
            <Text size="sm" c="dimmed" ml="xs">
              {t('backups.axis.inWindow', { n: inWindow })}
            </Text>
          </Group>
          <Group gap="xs">
            {newest && !(newest.time >= window.start && newest.time < window.end) && (
              <Button variant="subtle" size="compact-sm" onClick={() => onSelect(newest)}>
                {t('backups.axis.newest')}
              </Button>
            )}
            <SegmentedControl
              size="xs"
              aria-label={t('backups.axis.zoom')}
              value={zoom}
              onChange={(value) => onZoom(value as Zoom)}
              data={zoomLevels.map((z) => ({ value: z, label: t(`backups.zoom.${z}`) }))}
            />
          </Group>
        </Group>
        <TimeAxis
          versions={versions}
          zoom={zoom}
          window={window}
          selectedTime={selected?.time ?? null}
          onPick={(index) => onSelect(versions[index]!)}
        />
        <Group gap="md">
          {legend.map((status) => (
            <Group key={status} gap={6}>
              <span
                aria-hidden
                style={{
                  width: 10,
                  height: 10,
                  borderRadius: 2,
                  background: statusVar(status),
                  display: 'inline-block',
                }}
              />
              <Text size="xs" c="dimmed">
                {t(`backups.status.${status}`)}
              </Text>
            </Group>
          ))}
          <Text size="xs" c="dimmed">
            {t('backups.axis.heightMeans')}
          </Text>
        </Group>
      </Stack>
    </Paper>
  );
}

function windowTitle(locale: string, zoom: Zoom, window: TimeWindow): string {
  const start = new Date(window.start);
  switch (zoom) {
    case 'day':
      return new Intl.DateTimeFormat(locale, { dateStyle: 'full' }).format(start);
    case 'week':
      return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric' }).formatRange(
        start,
        new Date(window.end - 1),
      );
    case 'month':
      return new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric' }).format(start);
    case 'year':
      return String(start.getFullYear());
  }
}
