import { Button, Grid, Group, Select, Stack, Text, type SelectProps } from '@mantine/core';
import { IconArchive } from '@tabler/icons-react';
import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RepositoryInfo } from '../../shared/repositories.ts';
import { useJobs } from '../api/queries.ts';
import { EmptyPanel } from '../components/empty-panel.tsx';
import { QueryContent } from '../components/query-content.tsx';
import { useFormat } from '../i18n/format.ts';
import { useRefreshAfterRuns, useRunStatuses, useSnapshots } from './queries.ts';
import { TimelineAxisCard } from './timeline-axis-card.tsx';
import { VersionDetails } from './version-details.tsx';
import { VersionList } from './version-list.tsx';
import {
  applyFilter,
  filterChoices,
  noFilter,
  previousVersion,
  toVersions,
  type Version,
  type VersionFilter,
} from './versions.ts';
import { initialZoom, windowAround, type Zoom } from './zoom.ts';

/** The timeline of one repository: loads its snapshots, then hands them to the view. */
export function RepositoryTimeline({
  repository,
  initialJob,
}: {
  repository: RepositoryInfo;
  initialJob: string | null;
}) {
  const snapshots = useSnapshots(repository.repositoryId);
  const jobs = useJobs();
  const knownJobs = useMemo(() => jobs.data?.map((j) => j.id) ?? [], [jobs.data]);
  const jobNames = useMemo(() => new Map(jobs.data?.map((j) => [j.id, j.name])), [jobs.data]);
  const statuses = useRunStatuses(knownJobs);
  useRefreshAfterRuns();
  const versions = useMemo(() => toVersions(snapshots.data ?? [], statuses), [snapshots.data, statuses]);
  return (
    <QueryContent query={snapshots}>
      {() => (
        <TimelineView
          repositoryId={repository.repositoryId}
          versions={versions}
          jobNames={jobNames}
          initialJob={initialJob}
        />
      )}
    </QueryContent>
  );
}

interface TimelineViewProps {
  repositoryId: string;
  /** Oldest first. */
  versions: Version[];
  jobNames: ReadonlyMap<string, string>;
  initialJob: string | null;
}

function TimelineView({ repositoryId, versions, jobNames, initialJob }: TimelineViewProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const choices = useMemo(() => filterChoices(versions), [versions]);
  const [filter, setFilter] = useState<VersionFilter>(() => ({
    ...noFilter,
    jobId: initialJob && choices.jobIds.includes(initialJob) ? initialJob : null,
  }));
  const filtered = useMemo(() => applyFilter(versions, filter), [versions, filter]);
  const newestFirst = useMemo(() => [...filtered].reverse(), [filtered]);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const selected =
    filtered.find((v) => v.snapshot.id === selectedId) ?? filtered[filtered.length - 1] ?? null;
  const [zoom, setZoom] = useState<Zoom>(() => initialZoom(filtered));
  const [anchor, setAnchor] = useState<number | null>(null);
  const window = useMemo(
    () => windowAround(zoom, anchor ?? selected?.time ?? 0),
    [zoom, anchor, selected?.time],
  );
  const previous = selected ? previousVersion(versions, selected) : null;

  const jobName = useCallback(
    (jobId: string | null) =>
      jobId === null ? t('backups.noJob') : (jobNames.get(jobId) ?? t('backups.otherJob')),
    [jobNames, t],
  );
  const select = useCallback((version: Version) => {
    setSelectedId(version.snapshot.id);
    setAnchor(version.time);
  }, []);

  if (versions.length === 0) {
    return (
      <EmptyPanel
        icon={<IconArchive aria-hidden />}
        title={t('backups.emptyTitle')}
        text={t('backups.emptyText')}
      />
    );
  }

  // Jobs of another computer have no name here: a short id tells them apart in the filter.
  const jobOptions = choices.jobIds.map((id) => ({
    value: id,
    label: jobNames.has(id) ? jobName(id) : `${jobName(id)} (${id.slice(0, 6)})`,
  }));
  const filtersOn = filter.jobId !== null || filter.tag !== null || filter.host !== null;
  return (
    <Stack gap="md">
      <Group gap="sm" align="flex-end">
        {(jobOptions.length > 1 || filter.jobId !== null) && (
          <FilterSelect
            label={t('backups.filters.job')}
            data={jobOptions}
            value={filter.jobId}
            onChange={(jobId) => setFilter((f) => ({ ...f, jobId }))}
            w={200}
          />
        )}
        {choices.tags.length > 0 && (
          <FilterSelect
            label={t('backups.filters.tag')}
            data={choices.tags}
            value={filter.tag}
            onChange={(tag) => setFilter((f) => ({ ...f, tag }))}
            w={160}
          />
        )}
        {choices.hosts.length > 1 && (
          <FilterSelect
            label={t('backups.filters.host')}
            data={choices.hosts}
            value={filter.host}
            onChange={(host) => setFilter((f) => ({ ...f, host }))}
            w={180}
          />
        )}
        <Text size="sm" c="dimmed" pb={8} data-testid="version-count">
          {filtersOn
            ? t('backups.countFiltered', {
                shown: format.number(filtered.length),
                total: format.number(versions.length),
              })
            : t('backups.count', { total: format.number(versions.length) })}
        </Text>
      </Group>

      {filtered.length === 0 ? (
        <Group>
          <Text>{t('backups.filters.none')}</Text>
          <Button variant="default" onClick={() => setFilter(noFilter)}>
            {t('backups.filters.clear')}
          </Button>
        </Group>
      ) : (
        <>
          <TimelineAxisCard
            versions={filtered}
            zoom={zoom}
            onZoom={setZoom}
            window={window}
            onAnchor={setAnchor}
            selected={selected}
            onSelect={select}
          />
          <Grid gap="md">
            <Grid.Col span={5}>
              <VersionList
                versions={newestFirst}
                selectedId={selected?.snapshot.id ?? null}
                onSelect={select}
                jobName={jobName}
                height={480}
              />
            </Grid.Col>
            <Grid.Col span={7}>
              {selected && (
                <VersionDetails
                  repositoryId={repositoryId}
                  version={selected}
                  previous={previous}
                  choices={newestFirst}
                  jobName={jobName}
                />
              )}
            </Grid.Col>
          </Grid>
        </>
      )}
    </Stack>
  );
}

/** One of the filters: "All" while nothing is chosen, and a button to clear it. */
function FilterSelect(props: Pick<SelectProps, 'label' | 'data' | 'value' | 'onChange' | 'w'>) {
  const { t } = useTranslation();
  return (
    <Select
      placeholder={t('backups.filters.all')}
      clearable
      clearButtonProps={{ 'aria-label': t('backups.filters.clear') }}
      {...props}
    />
  );
}
