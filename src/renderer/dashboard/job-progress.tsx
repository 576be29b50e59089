import { Group, Progress, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ProgressEvent } from '../../shared/contract.ts';
import { useFormat } from '../i18n/format.ts';
import { useTimeWords } from './time-words.ts';

const knownOperations = ['backup', 'check', 'prune', 'forget', 'copy', 'readData', 'drill'] as const;
const knownPhases = ['scanning', 'backing-up', 'finishing'] as const;

function share(done: number, total: number | null): number | null {
  return total && total > 0 ? Math.min(100, (done / total) * 100) : null;
}

/** The run in progress: what it is doing, how far it got, how fast, how long is left. */
export function JobProgress({ progress }: { progress: ProgressEvent | null }) {
  const { t } = useTranslation();
  const format = useFormat();
  const time = useTimeWords();
  const operation = (knownOperations as readonly string[]).includes(progress?.operation ?? '')
    ? t(`dashboard.progress.operations.${progress!.operation as (typeof knownOperations)[number]}`)
    : t('dashboard.progress.starting');
  const phase =
    progress?.operation === 'backup' && (knownPhases as readonly string[]).includes(progress.phase)
      ? t(`dashboard.progress.phases.${progress.phase as (typeof knownPhases)[number]}`)
      : null;
  const percent = progress
    ? (share(progress.bytesDone, progress.bytesTotal) ?? share(progress.filesDone, progress.filesTotal))
    : null;

  const details: string[] = [];
  if (progress) {
    if (progress.bytesDone > 0 || progress.bytesTotal)
      details.push(
        progress.bytesTotal
          ? t('dashboard.progress.bytesOf', {
              done: format.bytes(progress.bytesDone),
              total: format.bytes(progress.bytesTotal),
            })
          : format.bytes(progress.bytesDone),
      );
    details.push(
      progress.filesTotal
        ? t('dashboard.progress.filesOf', {
            done: format.number(progress.filesDone),
            total: format.number(progress.filesTotal),
          })
        : t('dashboard.progress.files', { done: format.number(progress.filesDone) }),
    );
    if (progress.bytesPerSecond)
      details.push(t('dashboard.progress.speed', { speed: format.bytes(progress.bytesPerSecond) }));
    if (progress.etaSeconds !== null && progress.etaSeconds > 0)
      details.push(t('dashboard.progress.eta', { duration: time.duration(progress.etaSeconds * 1000) }));
  }

  const label = phase ? `${operation}: ${phase}` : operation;
  return (
    <Stack gap={6} data-testid="job-progress">
      <Group justify="space-between" gap="xs">
        <Text size="sm" fw={600}>
          {label}
        </Text>
        {percent !== null && (
          <Text size="sm" fw={600}>
            {Math.floor(percent)}%
          </Text>
        )}
      </Group>
      <Progress
        value={percent ?? 100}
        striped={percent === null}
        animated={percent === null}
        size="lg"
        aria-label={label}
        {...(percent === null ? {} : { 'aria-valuenow': Math.floor(percent) })}
      />
      {details.length > 0 && (
        <Text size="sm" c="dimmed">
          {details.join(' · ')}
        </Text>
      )}
      {progress?.currentItem && (
        <Text size="xs" c="dimmed" truncate="start" title={progress.currentItem}>
          {/* Isolated, so the right-to-left trick that puts the ellipsis first keeps slashes in place. */}
          <span dir="ltr" style={{ unicodeBidi: 'isolate' }}>
            {progress.currentItem}
          </span>
        </Text>
      )}
    </Stack>
  );
}
