import { Badge, Button, Group, Paper, Select, SimpleGrid, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconArrowsDiff, IconListDetails, IconRestore } from '@tabler/icons-react';
import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useTimelineFormat } from './timeline-format.ts';
import { hrefWith } from '../router/hash-router.ts';
import { DiffView } from './diff-view.tsx';
import { statusColor } from './status-look.ts';
import { visibleTags, type Version } from './versions.ts';

interface VersionDetailsProps {
  repositoryId: string;
  version: Version;
  previous: Version | null;
  /** What the comparison may pick from (the filtered versions, newest first). */
  choices: Version[];
  jobName: (jobId: string | null) => string;
}

/** One version: what it holds, what changed since the one before, and a comparison with any other. */
export function VersionDetails({ repositoryId, version, previous, choices, jobName }: VersionDetailsProps) {
  const { t, i18n } = useTranslation();
  const format = useTimelineFormat();
  const s = version.snapshot;
  const full = useMemo(
    () =>
      new Intl.DateTimeFormat(i18n.language, {
        weekday: 'short',
        day: 'numeric',
        month: 'long',
        year: 'numeric',
        hour: 'numeric',
        minute: '2-digit',
      }),
    [i18n.language],
  );
  const tags = visibleTags(s);

  return (
    <Paper
      withBorder
      radius="md"
      p="md"
      component="section"
      aria-labelledby="version-title"
      data-testid="version-details"
    >
      <Stack gap="md">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Stack gap={2}>
            <Title order={2} size="h4" id="version-title">
              {full.format(new Date(s.time))}
            </Title>
            <Text size="sm" c="dimmed">
              {jobName(s.jobId)}
            </Text>
          </Stack>
          <Badge color={statusColor[version.status]} variant="light" tt="none" style={{ flexShrink: 0 }}>
            {t(`backups.status.${version.status}`)}
          </Badge>
        </Group>

        <SimpleGrid cols={3} spacing="sm" verticalSpacing="xs">
          <Fact label={t('backups.details.files')}>
            {s.summary ? format.number(s.summary.totalFiles) : '—'}
          </Fact>
          <Fact label={t('backups.details.size')}>
            {s.summary ? format.bytes(s.summary.totalBytes) : '—'}
          </Fact>
          <Fact label={t('backups.details.added')}>
            {s.summary ? format.bytes(s.summary.dataAdded) : '—'}
          </Fact>
          <Fact label={t('backups.details.computer')}>{s.hostname}</Fact>
          <Fact label={t('backups.details.folders')}>
            <span title={s.paths.join('\n')}>{s.paths.join(', ')}</span>
          </Fact>
          <Fact label={t('backups.details.tags')}>{tags.length ? tags.join(', ') : '—'}</Fact>
        </SimpleGrid>

        <Group>
          <Button
            component="a"
            href={hrefWith('restore', { repo: repositoryId, snapshot: s.id })}
            leftSection={<IconRestore size={18} aria-hidden />}
          >
            {t('backups.details.restore')}
          </Button>
        </Group>

        <Tabs defaultValue="changes" keepMounted={false}>
          <Tabs.List>
            <Tabs.Tab value="changes" leftSection={<IconListDetails size={16} aria-hidden />}>
              {t('backups.details.changesTab')}
            </Tabs.Tab>
            <Tabs.Tab value="compare" leftSection={<IconArrowsDiff size={16} aria-hidden />}>
              {t('backups.details.compareTab')}
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="changes" pt="sm">
            {previous ? (
              <Stack gap="xs">
                <Text size="sm" c="dimmed">
                  {t('backups.details.since', { date: format.dateTime(previous.snapshot.time) })}
                </Text>
                <DiffView repositoryId={repositoryId} from={previous.snapshot.id} to={s.id} roots={s.paths} />
              </Stack>
            ) : (
              <Text size="sm" c="dimmed">
                {t('backups.details.first')}
              </Text>
            )}
          </Tabs.Panel>
          <Tabs.Panel value="compare" pt="sm">
            <ComparePanel
              key={s.id}
              repositoryId={repositoryId}
              version={version}
              previous={previous}
              choices={choices}
              jobName={jobName}
            />
          </Tabs.Panel>
        </Tabs>
      </Stack>
    </Paper>
  );
}

function ComparePanel({
  repositoryId,
  version,
  previous,
  choices,
  jobName,
}: Omit<VersionDetailsProps, 'choices'> & { choices: Version[] }) {
  const { t } = useTranslation();
  const format = useTimelineFormat();
  const [a, setA] = useState<string | null>(previous?.snapshot.id ?? null);
  const [b, setB] = useState<string | null>(version.snapshot.id);
  const options = useMemo(
    () =>
      choices.map((v) => ({
        value: v.snapshot.id,
        label: `${format.dateTimeSeconds(v.snapshot.time)} · ${jobName(v.snapshot.jobId)}`,
      })),
    [choices, format, jobName],
  );
  const byId = useMemo(() => new Map(choices.map((v) => [v.snapshot.id, v])), [choices]);
  const va = a ? byId.get(a) : undefined;
  const vb = b ? byId.get(b) : undefined;
  // Always older → newer, whichever way round they were picked.
  const [older, newer] = va && vb && va.time > vb.time ? [vb, va] : [va, vb];

  return (
    <Stack gap="sm">
      {/* One under the other: a full date and job name do not fit side by side in this column. */}
      <SimpleGrid cols={1} spacing="sm">
        <Select
          label={t('backups.compare.a')}
          data={options}
          value={a}
          onChange={setA}
          searchable
          limit={100}
          nothingFoundMessage={t('backups.compare.nothingFound')}
        />
        <Select
          label={t('backups.compare.b')}
          data={options}
          value={b}
          onChange={setB}
          searchable
          limit={100}
          nothingFoundMessage={t('backups.compare.nothingFound')}
        />
      </SimpleGrid>
      {older && newer && older !== newer ? (
        <DiffView
          repositoryId={repositoryId}
          from={older.snapshot.id}
          to={newer.snapshot.id}
          roots={[...new Set([...older.snapshot.paths, ...newer.snapshot.paths])]}
        />
      ) : (
        <Text size="sm" c="dimmed">
          {t('backups.compare.pickTwo')}
        </Text>
      )}
    </Stack>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={0} style={{ minWidth: 0 }}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" truncate>
        {children}
      </Text>
    </Stack>
  );
}
