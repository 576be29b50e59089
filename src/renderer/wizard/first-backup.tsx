import { Alert, Button, Group, Progress, Stack, Text } from '@mantine/core';
import { IconShieldCheck } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobSummary, ProgressEvent } from '../../shared/contract.ts';
import { ClientError } from '../api/client.ts';
import { useClient, useEvent } from '../api/client-context.tsx';
import { ErrorAlert } from '../components/error-alert.tsx';
import { useFormat } from '../i18n/format.ts';
import { hrefFor, hrefWith } from '../router/hash-router.ts';

/** A run that ended: the job is not running and has a last run on record. */
export function runFinished(summary: JobSummary | undefined): boolean {
  return (
    !!summary &&
    summary.status !== 'running' &&
    !summary.runId &&
    !!summary.lastRunAt &&
    summary.lastRunStatus !== 'running'
  );
}

/**
 * The first backup, live: progress events while it runs (bytes, files, speed, time left, the current
 * file), the job's state for the end. Survives a reload: the job's summary says where it stands.
 */
export function FirstBackup({
  jobId,
  repositoryId,
  onFinished,
  onRetry,
}: {
  jobId: string;
  repositoryId: string;
  onFinished: (ok: boolean) => void;
  onRetry: () => void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const format = useFormat();
  const [progress, setProgress] = useState<ProgressEvent | null>(null);
  const job = useQuery({
    queryKey: ['getJob', jobId],
    queryFn: () => client.call('getJob', { id: jobId }),
    // Events carry the news; polling only covers a lost event (the state is small).
    refetchInterval: (query) => (runFinished(query.state.data?.summary) ? false : 2000),
    staleTime: 0,
  });
  useEvent('progress', (event) => {
    if (event.jobId === jobId && event.operation === 'backup') setProgress(event);
  });
  useEvent('jobState', (summary) => {
    if (summary.id === jobId) void job.refetch();
  });
  const summary = job.data?.summary;
  const finished = runFinished(summary);
  const ok = finished && (summary?.lastRunStatus === 'ok' || summary?.lastRunStatus === 'warning');

  useEffect(() => {
    if (finished) onFinished(ok);
  }, [finished, ok, onFinished]);

  if (finished && ok) {
    return (
      <Alert
        color="green"
        variant="light"
        icon={<IconShieldCheck aria-hidden />}
        title={t('wizard.run.doneTitle')}
      >
        <Stack gap="sm">
          <Text size="sm">
            {summary?.lastRunStatus === 'warning' ? t('wizard.run.doneWarning') : t('wizard.run.doneText')}
          </Text>
          <Group>
            <Button component="a" href={hrefFor('dashboard')}>
              {t('wizard.run.toDashboard')}
            </Button>
            <Button component="a" variant="default" href={hrefWith('backups', { repo: repositoryId })}>
              {t('wizard.run.toBackups')}
            </Button>
          </Group>
        </Stack>
      </Alert>
    );
  }
  if (finished) {
    const error = summary?.lastError ?? { code: 'INTERNAL' as const, message: 'The backup did not finish.' };
    return (
      <Stack gap="sm">
        <ErrorAlert title={t('wizard.run.failedTitle')} error={new ClientError(error)} onRetry={onRetry} />
      </Stack>
    );
  }

  // Saved but never started (the app closed in between): offer the start again.
  if (summary && !summary.runId && !summary.lastRunAt && summary.status !== 'running' && !progress) {
    return (
      <Group>
        <Button size="md" onClick={onRetry}>
          {t('wizard.review.start')}
        </Button>
      </Group>
    );
  }

  const percent = progress?.bytesTotal
    ? Math.min(100, (progress.bytesDone / progress.bytesTotal) * 100)
    : null;
  const eta = progress?.etaSeconds;
  return (
    <Stack gap="xs" aria-live="polite">
      <Text fw={600}>{t('wizard.run.running')}</Text>
      <Progress
        value={percent ?? 100}
        animated={percent === null}
        striped={percent === null}
        size="lg"
        aria-label={t('wizard.run.running')}
      />
      {progress && (
        <>
          <Text size="sm" data-testid="backup-progress">
            {[
              progress.filesTotal !== null
                ? t('wizard.run.filesOf', {
                    done: format.number(progress.filesDone),
                    total: format.number(progress.filesTotal),
                  })
                : t('wizard.run.files', { done: format.number(progress.filesDone) }),
              progress.bytesTotal !== null
                ? t('wizard.run.bytesOf', {
                    done: format.bytes(progress.bytesDone),
                    total: format.bytes(progress.bytesTotal),
                  })
                : format.bytes(progress.bytesDone),
              progress.bytesPerSecond
                ? t('wizard.run.speed', { speed: format.bytes(progress.bytesPerSecond) })
                : null,
              eta != null
                ? eta < 60
                  ? t('wizard.run.etaSoon')
                  : t('wizard.run.eta', { minutes: Math.ceil(eta / 60) })
                : null,
            ]
              .filter(Boolean)
              .join(' · ')}
          </Text>
          {progress.currentItem && (
            <Text size="xs" c="dimmed" truncate="start">
              {progress.currentItem}
            </Text>
          )}
        </>
      )}
    </Stack>
  );
}
