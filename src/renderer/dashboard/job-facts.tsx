import { SimpleGrid, Stack, Text, Tooltip } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobSummary } from '../../shared/contract.ts';
import type { RepositorySpace } from '../../shared/repositories.ts';
import type { Job, JobRun } from '../../shared/jobs.ts';
import { useFormat } from '../i18n/format.ts';
import { trendRuns } from './queries.ts';
import { Sparkline } from './size-trend.tsx';
import { usePlaceName } from './health-warnings.tsx';
import { useTimeWords } from './time-words.ts';

interface JobFactsProps {
  summary: JobSummary;
  job: Job | undefined;
  runs: JobRun[] | undefined;
  space: RepositorySpace | undefined;
  spaceFailed: boolean;
  now: Date;
}

/** The numbers of a job's card: when, how big, where, and whether a restore was tested. */
export function JobFacts({ summary, job, runs, space, spaceFailed, now }: JobFactsProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const time = useTimeWords();
  const placeName = usePlaceName();

  const when = (iso: string) => (
    <Tooltip label={format.dateTime(iso)} openDelay={300}>
      <time dateTime={iso}>{time.relative(iso, now)}</time>
    </Tooltip>
  );

  // Newest first from the history; the trend reads left (old) to right (new).
  const measured = (runs ?? []).filter((r) => r.stats && (r.status === 'ok' || r.status === 'warning'));
  const latest = measured[0]?.stats;
  const added = measured
    .slice(0, trendRuns)
    .map((r) => r.stats!.bytesAdded)
    .reverse();

  const drill = summary.lastDrill ?? null;
  // Within the next minute counts as due: "in 20 seconds" would be stale before it is read.
  const due = (iso: string) => Date.parse(iso) <= now.getTime() + 60_000;
  const nextRun =
    job && !job.enabled
      ? t('dashboard.facts.pausedNoRuns')
      : summary.nextRunAt
        ? due(summary.nextRunAt)
          ? t('dashboard.facts.dueNow')
          : when(summary.nextRunAt)
        : job?.schedule.kind === 'manual'
          ? t('dashboard.facts.manualOnly')
          : t('dashboard.facts.notScheduled');

  return (
    <SimpleGrid cols={{ base: 2, md: 3 }} spacing="md" verticalSpacing="md">
      <Fact
        label={t('dashboard.facts.lastBackup')}
        note={summary.lastSuccessAt ? format.dateTime(summary.lastSuccessAt) : null}
      >
        {summary.lastSuccessAt ? when(summary.lastSuccessAt) : t('dashboard.facts.never')}
      </Fact>
      <Fact
        label={t('dashboard.facts.nextRun')}
        note={summary.nextRunAt && job?.enabled !== false ? format.dateTime(summary.nextRunAt) : null}
      >
        {nextRun}
      </Fact>
      <Fact
        label={t('dashboard.facts.size')}
        note={latest ? t('dashboard.facts.addedLastTime', { size: format.bytes(latest.bytesAdded) }) : null}
        extra={<Sparkline values={added} label={t('dashboard.facts.trendLabel', { n: added.length })} />}
      >
        {latest ? format.bytes(latest.bytesProcessed) : t('dashboard.facts.unknown')}
      </Fact>
      <Fact
        label={t('dashboard.facts.storage')}
        note={
          space
            ? t('dashboard.facts.backupsTake', {
                place: placeName(job?.destination.location.kind ?? null),
                size: format.bytes(space.repositoryBytes),
              })
            : job
              ? placeName(job.destination.location.kind)
              : null
        }
      >
        {space && space.freeBytes !== null
          ? space.totalBytes
            ? t('dashboard.facts.freeOf', {
                free: format.bytes(space.freeBytes),
                total: format.bytes(space.totalBytes),
              })
            : t('dashboard.facts.free', { free: format.bytes(space.freeBytes) })
          : spaceFailed || space
            ? t('dashboard.facts.spaceUnknown')
            : '…'}
      </Fact>
      <Fact
        label={t('dashboard.facts.restoreTest')}
        note={
          summary.nextDrillAt
            ? due(summary.nextDrillAt)
              ? t('dashboard.facts.testDue')
              : t('dashboard.facts.nextTest', { when: time.relative(summary.nextDrillAt, now) })
            : null
        }
      >
        {drill ? (
          <Text span c={drill.passed ? undefined : 'red'} inherit>
            {drill.passed ? t('dashboard.facts.testPassed') : t('dashboard.facts.testFailed')}{' '}
            {when(drill.at)}
          </Text>
        ) : (
          t('dashboard.facts.notTested')
        )}
      </Fact>
    </SimpleGrid>
  );
}

function Fact({
  label,
  note,
  extra,
  children,
}: {
  label: string;
  note: string | null;
  extra?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fw={600}>{children}</Text>
      {note && (
        <Text size="sm" c="dimmed">
          {note}
        </Text>
      )}
      {extra}
    </Stack>
  );
}
