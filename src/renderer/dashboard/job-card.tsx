import { Badge, Button, Divider, Group, Paper, Stack, Title } from '@mantine/core';
import {
  IconAlertTriangle,
  IconCircleX,
  IconClock,
  IconHistory,
  IconPlayerPause,
  IconPlayerPlay,
  IconPlayerStop,
  IconRestore,
  IconShieldCheck,
} from '@tabler/icons-react';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobSummary } from '../../shared/contract.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { hrefWith } from '../router/hash-router.ts';
import { levelColor } from './health-look.ts';
import { HealthWarnings } from './health-warnings.tsx';
import { JobFacts } from './job-facts.tsx';
import { assessHealth, type HealthLevel } from './job-health.ts';
import { JobProgress } from './job-progress.tsx';
import { useJobAction, useJobDetails, useJobProgress, useJobRuns, useRepositorySpace } from './queries.ts';

const levelIcon: Record<HealthLevel, typeof IconShieldCheck> = {
  protected: IconShieldCheck,
  warning: IconAlertTriangle,
  failing: IconCircleX,
  new: IconClock,
};

/** One job at a glance: is it safe, since when, what is wrong, and the buttons to act on it. */
export function JobCard({ summary, now }: { summary: JobSummary; now: Date }) {
  const { t } = useTranslation();
  const headingId = useId();
  const details = useJobDetails(summary.id);
  const job = details.data?.job;
  const repositoryId = job?.destination.repositoryId;
  const space = useRepositorySpace(repositoryId);
  const runs = useJobRuns(summary.id);
  const progress = useJobProgress(summary);
  const health = assessHealth({ summary, job, space: space.isError ? null : (space.data ?? null), now });
  const running = summary.status === 'running';
  const LevelIcon = levelIcon[health.level];
  const color = levelColor[health.level];

  const runNow = useJobAction('runJobNow');
  const cancel = useJobAction('cancelJob');
  const pause = useJobAction('pauseJob');
  const resume = useJobAction('resumeJob');
  const actionError = [runNow, cancel, pause, resume].find((a) => a.isError)?.error;
  const paused = job ? !job.enabled : summary.status === 'paused';

  return (
    <Paper
      component="article"
      withBorder
      radius="md"
      p="lg"
      aria-labelledby={headingId}
      data-job={summary.id}
      data-level={health.level}
      style={{ borderLeft: `5px solid var(--mantine-color-${color}-6)` }}
    >
      <Stack gap="md">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Title order={2} size="h4" id={headingId}>
            {summary.name}
          </Title>
          <Group gap="xs" wrap="nowrap">
            {running && (
              <Badge color="blue" variant="light" size="lg" tt="none">
                {summary.queued ? t('dashboard.card.waiting') : t('dashboard.card.running')}
              </Badge>
            )}
            <Badge
              color={color}
              variant="filled"
              size="lg"
              tt="none"
              leftSection={<LevelIcon size={16} aria-hidden />}
              data-testid="health-badge"
            >
              {t(`dashboard.levels.${health.level}`)}
            </Badge>
          </Group>
        </Group>

        <JobFacts
          summary={summary}
          job={job}
          runs={runs.data}
          // After a failed refresh the old figure would mislead (an unplugged disk): say it is unknown.
          space={space.isError ? undefined : space.data}
          spaceFailed={space.isError}
          now={now}
        />

        {running && <JobProgress progress={progress} />}

        {health.warnings.length > 0 && (
          <>
            <Divider />
            <HealthWarnings warnings={health.warnings} now={now} />
          </>
        )}

        {actionError && <ErrorAlert error={actionError} />}

        <Group gap="sm">
          {running ? (
            <Button
              color="red"
              variant="light"
              leftSection={<IconPlayerStop size={18} aria-hidden />}
              loading={cancel.isPending}
              onClick={() => cancel.mutate(summary.id)}
            >
              {t('dashboard.card.cancel')}
            </Button>
          ) : (
            <Button
              leftSection={<IconPlayerPlay size={18} aria-hidden />}
              loading={runNow.isPending}
              onClick={() => runNow.mutate(summary.id)}
            >
              {t('dashboard.card.backUpNow')}
            </Button>
          )}
          {paused ? (
            <Button
              variant="default"
              loading={resume.isPending}
              onClick={() => resume.mutate(summary.id)}
              leftSection={<IconPlayerPlay size={18} aria-hidden />}
            >
              {t('dashboard.card.resume')}
            </Button>
          ) : (
            <Button
              variant="default"
              loading={pause.isPending}
              onClick={() => pause.mutate(summary.id)}
              leftSection={<IconPlayerPause size={18} aria-hidden />}
            >
              {t('dashboard.card.pause')}
            </Button>
          )}
          <Button
            component="a"
            variant="subtle"
            href={hrefWith('backups', { repo: repositoryId, job: summary.id })}
            leftSection={<IconHistory size={18} aria-hidden />}
          >
            {t('dashboard.card.versions')}
          </Button>
          <Button
            component="a"
            variant="subtle"
            href={hrefWith('restore', { repo: repositoryId })}
            leftSection={<IconRestore size={18} aria-hidden />}
          >
            {t('dashboard.card.restore')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
