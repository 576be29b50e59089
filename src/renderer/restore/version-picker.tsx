import '@mantine/dates/styles.css';
import 'dayjs/locale/ru';
import { Badge, Box, Button, Group, Indicator, Paper, Stack, Text, UnstyledButton } from '@mantine/core';
import { DatePicker } from '@mantine/dates';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SnapshotInfo } from '../../shared/repositories.ts';
import { useVirtualRows } from '../components/use-virtual-rows.ts';
import { useFormat } from '../i18n/format.ts';
import { dayKey, versionsNewestFirst, versionsPerDay } from './restore-model.ts';

interface VersionPickerProps {
  snapshots: SnapshotInfo[];
  selectedId: string | null;
  onSelect: (snapshot: SnapshotInfo) => void;
}

/**
 * A calendar whose days with versions carry a dot, next to the list of versions (newest first). Picking
 * a day narrows the list to that day; the list is virtualized because hourly backups add up to thousands.
 * The chosen version's day stays marked in the calendar, which turns to its month when the choice
 * comes from the list (or a link).
 */
export function VersionPicker({ snapshots, selectedId, onSelect }: VersionPickerProps) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const perDay = useMemo(() => versionsPerDay(snapshots), [snapshots]);
  const selected = snapshots.find((s) => s.id === selectedId) ?? null;
  const selectedDay = selected ? dayKey(selected.time) : null;
  const [day, setDay] = useState<string | null>(selectedDay);
  const list = useMemo(() => versionsNewestFirst(snapshots, day), [snapshots, day]);
  const newest = useMemo(() => versionsNewestFirst(snapshots)[0], [snapshots]);
  // The month shown: follows a newly chosen version (adjusted during render, not in an effect).
  const [month, setMonth] = useState(selectedDay ?? (newest ? dayKey(newest.time) : dayKey(new Date())));
  const [monthFor, setMonthFor] = useState(selectedId);
  if (monthFor !== selectedId) {
    setMonthFor(selectedId);
    if (selectedDay) setMonth(selectedDay);
  }

  return (
    <Group align="flex-start" gap="lg" wrap="wrap">
      <Stack gap={6}>
        <DatePicker
          locale={i18n.language}
          value={day}
          onChange={(value) => setDay(value)}
          allowDeselect
          date={month}
          onDateChange={setMonth}
          maxDate={dayKey(new Date())}
          getDayProps={(date) => ({
            disabled: !perDay.has(date),
            // The filtered day, or else the chosen version's day (clicking it then narrows the list).
            selected: date === (day ?? selectedDay),
            'aria-label': perDay.has(date)
              ? t('restore.versions.dayWithVersions', {
                  n: perDay.get(date) ?? 0,
                  date: format.date(`${date}T12:00:00`),
                })
              : undefined,
          })}
          renderDay={(date) => (
            <Indicator size={6} color="teal" offset={-3} disabled={!perDay.has(date)}>
              <div>{Number(date.slice(8, 10))}</div>
            </Indicator>
          )}
          aria-label={t('restore.versions.calendar')}
          ariaLabels={{
            previousMonth: t('restore.versions.calendarControls.previousMonth'),
            nextMonth: t('restore.versions.calendarControls.nextMonth'),
            previousYear: t('restore.versions.calendarControls.previousYear'),
            nextYear: t('restore.versions.calendarControls.nextYear'),
            previousDecade: t('restore.versions.calendarControls.previousDecade'),
            nextDecade: t('restore.versions.calendarControls.nextDecade'),
          }}
        />
        <Text size="xs" c="dimmed" maw={260}>
          {t('restore.versions.calendarHint')}
        </Text>
      </Stack>
      <Stack gap="xs" style={{ flex: 1, minWidth: 280 }}>
        <Group justify="space-between" gap="xs">
          <Text size="sm" fw={600}>
            {day
              ? t('restore.versions.onDay', { n: format.number(list.length) })
              : t('restore.versions.all', { n: format.number(list.length) })}
          </Text>
          {day && (
            <Button variant="subtle" size="compact-sm" onClick={() => setDay(null)}>
              {t('restore.versions.showAll')}
            </Button>
          )}
        </Group>
        <VersionList list={list} latestId={newest?.id} selectedId={selectedId} onSelect={onSelect} />
      </Stack>
    </Group>
  );
}

const rowHeight = 52;

interface VersionListProps {
  list: SnapshotInfo[];
  latestId: string | undefined;
  selectedId: string | null;
  onSelect: (s: SnapshotInfo) => void;
}

function VersionList({ list, latestId, selectedId, onSelect }: VersionListProps) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  // With seconds: backups a minute apart (or run by hand twice) must not look identical.
  const when = useMemo(
    () => new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'medium' }),
    [i18n.language],
  );
  const { scrollRef, virtualizer, rowStyle } = useVirtualRows(list.length, rowHeight, 8);

  return (
    <Paper
      withBorder
      radius="md"
      ref={scrollRef}
      h={Math.min(300, Math.max(rowHeight, list.length * rowHeight) + 2)}
      style={{ overflowY: 'auto' }}
    >
      <Box
        role="listbox"
        aria-label={t('restore.versions.listLabel')}
        h={virtualizer.getTotalSize()}
        pos="relative"
      >
        {virtualizer.getVirtualItems().map((item) => {
          const snapshot = list[item.index]!;
          const active = snapshot.id === selectedId;
          return (
            <UnstyledButton
              key={snapshot.id}
              role="option"
              aria-selected={active}
              onClick={() => onSelect(snapshot)}
              px="sm"
              style={{
                ...rowStyle(item),
                background: active ? 'var(--mantine-primary-color-light)' : undefined,
                borderBottom: '1px solid var(--mantine-color-default-border)',
              }}
            >
              <Group justify="space-between" wrap="nowrap" gap="xs">
                <Stack gap={0} style={{ minWidth: 0 }}>
                  <Text size="sm" fw={active ? 700 : 500}>
                    {when.format(new Date(snapshot.time))}
                  </Text>
                  <Text size="xs" c="dimmed" truncate>
                    {snapshot.summary
                      ? t('restore.versions.summary', {
                          files: format.number(snapshot.summary.totalFiles),
                          size: format.bytes(snapshot.summary.totalBytes),
                        })
                      : snapshot.paths.join(', ')}
                  </Text>
                </Stack>
                {snapshot.id === latestId && (
                  <Badge variant="light" size="sm" tt="none">
                    {t('restore.versions.latest')}
                  </Badge>
                )}
              </Group>
            </UnstyledButton>
          );
        })}
      </Box>
    </Paper>
  );
}
