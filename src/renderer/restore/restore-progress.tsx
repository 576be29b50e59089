import { Button, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProgressEvent } from '../../shared/contract.ts';
import { useEvent } from '../api/client-context.tsx';
import { useFormat } from '../i18n/format.ts';
import { useCancelRestore } from './queries.ts';
import { formatEta } from './restore-model.ts';

/** The latest progress event of one kind of restore (null before the first). */
export function useRestoreProgress(operation: 'restore' | 'restore-database'): ProgressEvent | null {
  const [progress, setProgress] = useState<ProgressEvent | null>(null);
  useEvent('progress', (event) => {
    if (event.operation === operation) setProgress(event);
  });
  return progress;
}

/**
 * A running restore (files or a database): what it does, a bar, the bytes, what `counts` adds, the
 * time left, what `footer` adds, and Cancel. Without `amounts` the bar runs without numbers.
 */
export function RestoreProgressPanel({
  label,
  amounts,
  counts,
  footer,
}: {
  label: string;
  amounts: ProgressEvent | null;
  counts?: ReactNode;
  footer?: ReactNode;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const cancel = useCancelRestore();
  const total = amounts?.bytesTotal ?? null;
  const percent = amounts && total ? Math.min(100, (amounts.bytesDone / total) * 100) : null;
  return (
    <Paper withBorder radius="md" p="lg" role="status" aria-live="polite">
      <Stack gap="sm">
        <Text fw={600}>{label}</Text>
        <Progress
          value={percent ?? 100}
          animated={percent === null}
          striped={percent === null}
          aria-label={label}
        />
        {amounts && (
          <Group gap="lg">
            <Text size="sm">
              {total
                ? t('restore.progress.bytesOf', {
                    done: format.bytes(amounts.bytesDone),
                    total: format.bytes(total),
                  })
                : format.bytes(amounts.bytesDone)}
            </Text>
            {counts}
            {amounts.etaSeconds !== null && (
              <Text size="sm">{t('restore.progress.eta', { time: formatEta(amounts.etaSeconds) })}</Text>
            )}
          </Group>
        )}
        {footer}
        <Group>
          <Button variant="default" color="red" onClick={() => cancel.mutate()} loading={cancel.isPending}>
            {t('restore.progress.cancel')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

/** The running restore of files: phase (restoring, then checking), bytes and files, time left, and Cancel. */
export function RestoreProgress() {
  const { t } = useTranslation();
  const format = useFormat();
  const progress = useRestoreProgress('restore');
  const phase = progress?.phase === 'verifying' ? 'verifying' : 'restoring';
  return (
    <RestoreProgressPanel
      label={t(`restore.progress.${phase}`)}
      amounts={progress}
      counts={
        progress && (
          <Text size="sm">
            {progress.filesTotal
              ? t('restore.progress.filesOf', {
                  done: format.number(progress.filesDone),
                  total: format.number(progress.filesTotal),
                })
              : t('restore.progress.files', { done: format.number(progress.filesDone) })}
          </Text>
        )
      }
      footer={
        progress?.currentItem && (
          <Text size="xs" c="dimmed" truncate>
            {progress.currentItem}
          </Text>
        )
      }
    />
  );
}
