import { Box, Group, Text, UnstyledButton } from '@mantine/core';
import { useEffect, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useVirtualRows } from '../components/use-virtual-rows.ts';
import { useTimelineFormat } from './timeline-format.ts';
import { statusVar } from './status-look.ts';
import type { Version } from './versions.ts';

interface VersionListProps {
  /** Newest first. */
  versions: Version[];
  selectedId: string | null;
  onSelect: (version: Version) => void;
  jobName: (jobId: string | null) => string;
  height: number;
}

const rowHeight = 58;

/** Two versions made in the same minute would read the same: then the seconds are shown. */
function sameMinuteAsNeighbour(versions: Version[], index: number): boolean {
  const minute = (i: number) => Math.floor((versions[i]?.time ?? NaN) / 60_000);
  const own = minute(index);
  return own === minute(index - 1) || own === minute(index + 1);
}

/**
 * Every version, newest first, virtualized (2,000 rows cost what 10 do). One tab stop: the arrow keys,
 * Page Up/Down, Home and End move the selection, like a list box.
 */
export function VersionList({ versions, selectedId, onSelect, jobName, height }: VersionListProps) {
  const { t } = useTranslation();
  const format = useTimelineFormat();
  const { scrollRef, virtualizer, rowStyle } = useVirtualRows(versions.length, rowHeight, 8);
  const selectedIndex = versions.findIndex((v) => v.snapshot.id === selectedId);

  useEffect(() => {
    if (selectedIndex >= 0) virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  const onKeyDown = (event: KeyboardEvent) => {
    const page = Math.max(1, Math.floor(height / rowHeight) - 1);
    const moves: Record<string, number> = {
      ArrowDown: 1,
      ArrowUp: -1,
      PageDown: page,
      PageUp: -page,
      Home: -Infinity,
      End: Infinity,
    };
    const move = moves[event.key];
    if (move === undefined || versions.length === 0) return;
    event.preventDefault();
    const from = selectedIndex < 0 ? 0 : selectedIndex;
    const next = Math.min(versions.length - 1, Math.max(0, from + move));
    onSelect(versions[next]!);
  };

  const optionId = (id: string) => `version-${id.slice(0, 16)}`;
  return (
    <Box
      ref={scrollRef}
      role="listbox"
      tabIndex={0}
      aria-label={t('backups.list.label')}
      aria-activedescendant={selectedId ? optionId(selectedId) : undefined}
      onKeyDown={onKeyDown}
      style={{ height, overflowY: 'auto', outlineOffset: -2 }}
      data-testid="version-list"
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const v = versions[item.index]!;
          const s = v.snapshot;
          const selected = s.id === selectedId;
          const added = s.summary ? `+${format.bytes(s.summary.dataAdded)}` : null;
          return (
            <UnstyledButton
              key={s.id}
              id={optionId(s.id)}
              role="option"
              aria-selected={selected}
              tabIndex={-1}
              onClick={() => onSelect(v)}
              px="sm"
              style={{
                ...rowStyle(item),
                borderBottom: '1px solid var(--mantine-color-default-border)',
                background: selected ? 'var(--mantine-primary-color-light)' : undefined,
                borderLeft: `4px solid ${statusVar(v.status)}`,
              }}
            >
              <Group justify="space-between" wrap="nowrap" gap="xs">
                <Text size="sm" fw={selected ? 700 : 600} truncate>
                  {sameMinuteAsNeighbour(versions, item.index)
                    ? format.dateTimeSeconds(s.time)
                    : format.dateTime(s.time)}
                </Text>
                {added && (
                  <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                    {added}
                  </Text>
                )}
              </Group>
              <Text size="xs" c="dimmed" truncate>
                {/* The colour on the left says how the run ended; only problems are also said in words. */}
                {[
                  jobName(s.jobId),
                  s.hostname,
                  ...(v.status === 'warning' || v.status === 'failed'
                    ? [t(`backups.status.${v.status}`)]
                    : []),
                ].join(' · ')}
              </Text>
            </UnstyledButton>
          );
        })}
      </div>
    </Box>
  );
}
