import { Anchor, Button, Group, NativeSelect, SegmentedControl, Stack, Text } from '@mantine/core';
import { IconRestore } from '@tabler/icons-react';
import { useIsMutating } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatLocation } from '../../shared/locations.ts';
import type { FileMatch, RepositoryInfo, RestoreRequest, SnapshotInfo } from '../../shared/repositories.ts';
import { EmptyPanel } from '../components/empty-panel.tsx';
import { ErrorAlert } from '../components/error-alert.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { QueryContent } from '../components/query-content.tsx';
import { SectionCard } from '../components/section-card.tsx';
import { useFormat } from '../i18n/format.ts';
import { hrefFor } from '../router/hash-router.ts';
import { FindPanel } from '../restore/find-panel.tsx';
import { DatabaseRestoreForm } from '../restore/database-restore-form.tsx';
import { DatabaseRestoreProgress, DatabaseRestoreReportView } from '../restore/database-restore-result.tsx';
import {
  restoreKeys,
  useDatabaseCopyToOffer,
  useRepositories,
  useRestore,
  useRestoreDatabase,
  useSnapshots,
} from '../restore/queries.ts';
import { backupVersions, includeList, parentPath } from '../restore/restore-model.ts';
import { RestoreProgress } from '../restore/restore-progress.tsx';
import { RestoreReportView } from '../restore/restore-report.tsx';
import { RestoreTargetForm } from '../restore/restore-target.tsx';
import { TreeBrowser } from '../restore/tree-browser.tsx';
import { useRestoreLocation } from '../restore/use-restore-location.ts';
import { VersionPicker } from '../restore/version-picker.tsx';

export function RestorePage() {
  const { t } = useTranslation();
  const repositories = useRepositories();
  return (
    <Stack gap="lg">
      <PageHeader title={t('restore.title')} intro={t('restore.intro')} />
      <QueryContent query={repositories}>
        {(list) =>
          list.length === 0 ? (
            <Stack gap="sm">
              <EmptyPanel
                icon={<IconRestore aria-hidden />}
                title={t('restore.emptyTitle')}
                text={t('restore.emptyText')}
              />
              <Text size="sm" ta="center">
                <Anchor href={hrefFor('connect')}>{t('restore.connectLink')}</Anchor>
              </Text>
            </Stack>
          ) : (
            <RestoreFlow repositories={list} />
          )
        }
      </QueryContent>
    </Stack>
  );
}

function RestoreFlow({ repositories }: { repositories: RepositoryInfo[] }) {
  const { t } = useTranslation();
  const [location, go] = useRestoreLocation();
  const repositoryId = repositories.some((r) => r.repositoryId === location.repo)
    ? location.repo!
    : repositories[0]!.repositoryId;
  const snapshots = useSnapshots(repositoryId);
  // Switching storage mid-restore would hide its progress and report.
  const restoring = useIsMutating({ mutationKey: restoreKeys.restore }) > 0;

  return (
    <Stack gap="lg">
      {repositories.length > 1 && (
        <NativeSelect
          maw={520}
          label={t('restore.repository')}
          value={repositoryId}
          data={repositories.map((r) => ({ value: r.repositoryId, label: formatLocation(r.location) }))}
          disabled={restoring}
          onChange={(event) => go({ repo: event.currentTarget.value, snapshot: null, path: '/' })}
        />
      )}
      <QueryContent query={snapshots}>
        {(all) => {
          const list = backupVersions(all);
          return list.length === 0 ? (
            <EmptyPanel
              icon={<IconRestore aria-hidden />}
              title={t('restore.noVersionsTitle')}
              text={t('restore.noVersionsText')}
            />
          ) : (
            <VersionAndFiles key={repositoryId} repositoryId={repositoryId} snapshots={list} />
          );
        }}
      </QueryContent>
    </Stack>
  );
}

function VersionAndFiles({ repositoryId, snapshots }: { repositoryId: string; snapshots: SnapshotInfo[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [location, go] = useRestoreLocation();
  const snapshot = snapshots.find((s) => s.id === location.snapshot) ?? null;
  const [selection, setSelection] = useState<{ snapshotId: string | null; paths: Set<string> }>({
    snapshotId: null,
    paths: new Set(),
  });
  // A choice made in another version does not carry over (those paths may not exist there).
  const selected = useMemo(
    () => (selection.snapshotId === snapshot?.id ? selection.paths : new Set<string>()),
    [selection, snapshot?.id],
  );
  const [filter, setFilter] = useState('');
  const [mode, setMode] = useState<'browse' | 'find'>('browse');
  const restore = useRestore();
  const restoreDatabase = useRestoreDatabase();
  const include = useMemo(() => includeList(selected), [selected]);
  // One database copy ticked (or its folder): it can also go straight into a database (the usual wish).
  const dumpPath = useDatabaseCopyToOffer(repositoryId, snapshot?.id ?? '', include);
  const [how, setHow] = useState<'database' | 'files'>('database');

  const pickVersion = (s: SnapshotInfo) => go({ repo: repositoryId, snapshot: s.id, path: '/' });
  const jump = (match: FileMatch) => {
    go({
      repo: repositoryId,
      snapshot: match.snapshotId,
      path: match.type === 'dir' ? match.path : parentPath(match.path),
    });
    setFilter(match.type === 'dir' ? '' : match.path.slice(match.path.lastIndexOf('/') + 1));
    setMode('browse');
  };
  const start = (request: RestoreRequest) => restore.mutate(request);

  if (restoreDatabase.isPending) {
    const { target } = restoreDatabase.variables;
    const name = target.kind === 'file' ? target.path : (target.database ?? '');
    return <DatabaseRestoreProgress name={name} />;
  }
  if (restoreDatabase.isSuccess) {
    return <DatabaseRestoreReportView report={restoreDatabase.data} onDone={() => restoreDatabase.reset()} />;
  }
  if (restore.isPending) return <RestoreProgress />;
  if (restore.isSuccess) {
    return (
      <RestoreReportView
        report={restore.data}
        include={restore.variables.include}
        onDone={() => restore.reset()}
      />
    );
  }

  return (
    <Stack gap="lg">
      <SectionCard title={t('restore.steps.version')}>
        <VersionPicker snapshots={snapshots} selectedId={snapshot?.id ?? null} onSelect={pickVersion} />
      </SectionCard>

      <SectionCard title={t('restore.steps.files')}>
        <Stack gap="md">
          <SegmentedControl
            w="fit-content"
            value={mode}
            onChange={(value) => setMode(value as 'browse' | 'find')}
            data={[
              { value: 'browse', label: t('restore.modes.browse') },
              { value: 'find', label: t('restore.modes.find') },
            ]}
          />
          {mode === 'find' ? (
            <FindPanel repositoryId={repositoryId} versions={snapshots} onJump={jump} />
          ) : snapshot ? (
            <>
              <Text size="sm" c="dimmed">
                {t('restore.browser.intro', { version: format.dateTime(snapshot.time) })}
              </Text>
              <TreeBrowser
                repositoryId={repositoryId}
                snapshotId={snapshot.id}
                path={location.path}
                onOpen={(path) => {
                  setFilter('');
                  go({ path });
                }}
                selected={selected}
                onSelectedChange={(paths) => setSelection({ snapshotId: snapshot.id, paths })}
                filter={filter}
                onFilterChange={setFilter}
              />
            </>
          ) : (
            <Text c="dimmed">{t('restore.browser.pickVersionFirst')}</Text>
          )}
        </Stack>
      </SectionCard>

      {snapshot && (
        <SectionCard title={t('restore.steps.target')}>
          <Stack gap="md">
            {dumpPath && (
              <SegmentedControl
                w="fit-content"
                value={how}
                onChange={(value) => setHow(value as 'database' | 'files')}
                aria-label={t('restore.database.how')}
                data={[
                  { value: 'database', label: t('restore.database.intoDatabase') },
                  { value: 'files', label: t('restore.database.asFile') },
                ]}
              />
            )}
            {dumpPath && how === 'database' ? (
              <DatabaseRestoreForm
                key={`${snapshot.id}:${dumpPath}`}
                repositoryId={repositoryId}
                snapshotId={snapshot.id}
                path={dumpPath}
                versionLabel={format.dateTime(snapshot.time)}
                onStart={(request) => restoreDatabase.mutate(request)}
                error={restoreDatabase.error}
                last={restoreDatabase.variables}
              />
            ) : (
              <>
                {restore.isError && <ErrorAlert error={restore.error} title={t('restore.failed')} />}
                <RestoreTargetForm
                  key={snapshot.id}
                  base={{ repositoryId, snapshotId: snapshot.id, include }}
                  versionLabel={format.dateTime(snapshot.time)}
                  onStart={start}
                />
              </>
            )}
            {selected.size > 0 && (
              <Group>
                <Button
                  variant="subtle"
                  size="compact-sm"
                  onClick={() => setSelection({ snapshotId: snapshot.id, paths: new Set() })}
                >
                  {t('restore.clearSelection')}
                </Button>
              </Group>
            )}
          </Stack>
        </SectionCard>
      )}
    </Stack>
  );
}
