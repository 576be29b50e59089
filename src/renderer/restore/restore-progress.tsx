import { Button, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProgressEvent } from '../../shared/contract.ts';
import { useEvent } from '../api/client-context.tsx';
import { useFormat } from '../i18n/format.ts';
import { useCancelRestore } from './queries.ts';
import { formatEta } from './restore-model.ts';

/** The running restore: phase (restoring, then checking), bytes and files, time left, and Cancel. */
export function RestoreProgress() {
  const { t } = useTranslation();
  const format = useFormat();
  const cancel = useCancelRestore();
  const [progress, setProgress] = useState<ProgressEvent | null>(null);
  useEvent('progress', (event) => {
    if (event.operation === 'restore') setProgress(event);
  });

  const phase = progress?.phase === 'verifying' ? 'verifying' : 'restoring';
  const total = progress?.bytesTotal ?? null;
  const percent = progress && total ? Math.min(100, (progress.bytesDone / total) * 100) : null;

  return (
    <Paper withBorder radius="md" p="lg" role="status" aria-live="polite">
      <Stack gap="sm">
        <Text fw={600}>{t(`restore.progress.${phase}`)}</Text>
        <Progress
          value={percent ?? 100}
          animated={percent === null}
          striped={percent === null}
          aria-label={t(`restore.progress.${phase}`)}
        />
        {progress && (
          <Group gap="lg">
            <Text size="sm">
              {total
                ? t('restore.progress.bytesOf', {
                    done: format.bytes(progress.bytesDone),
                    total: format.bytes(total),
                  })
                : format.bytes(progress.bytesDone)}
            </Text>
            <Text size="sm">
              {progress.filesTotal
                ? t('restore.progress.filesOf', {
                    done: format.number(progress.filesDone),
                    total: format.number(progress.filesTotal),
                  })
                : t('restore.progress.files', { done: format.number(progress.filesDone) })}
            </Text>
            {progress.etaSeconds !== null && (
              <Text size="sm">{t('restore.progress.eta', { time: formatEta(progress.etaSeconds) })}</Text>
            )}
          </Group>
        )}
        {progress?.currentItem && (
          <Text size="xs" c="dimmed" truncate>
            {progress.currentItem}
          </Text>
        )}
        <Group>
          <Button variant="default" color="red" onClick={() => cancel.mutate()} loading={cancel.isPending}>
            {t('restore.progress.cancel')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
