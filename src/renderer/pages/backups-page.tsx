import { Select, Stack } from '@mantine/core';
import { IconArchive } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { RepositoryInfo } from '../../shared/repositories.ts';
import { EmptyPanel } from '../components/empty-panel.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { QueryContent } from '../components/query-content.tsx';
import { hrefWith, useHashParams } from '../router/hash-router.ts';
import { useRepositories } from '../timeline/queries.ts';
import { RepositoryTimeline } from '../timeline/repository-timeline.tsx';

/** #/backups?repo=ID&job=ID: the versions of one repository on a timeline. */
export function BackupsPage() {
  const { t } = useTranslation();
  const params = useHashParams();
  const repositories = useRepositories();

  return (
    <Stack gap="lg">
      <PageHeader title={t('backups.title')} intro={t('backups.intro')} />
      <QueryContent query={repositories}>
        {(list) => {
          if (list.length === 0) {
            return (
              <EmptyPanel
                icon={<IconArchive aria-hidden />}
                title={t('backups.noStorageTitle')}
                text={t('backups.noStorageText')}
              />
            );
          }
          const wanted = params.get('repo');
          const repository = list.find((r) => r.repositoryId === wanted) ?? list[0]!;
          return (
            <Stack gap="md">
              {list.length > 1 && <RepositoryPicker list={list} value={repository.repositoryId} />}
              <RepositoryTimeline
                key={repository.repositoryId}
                repository={repository}
                initialJob={params.get('job')}
              />
            </Stack>
          );
        }}
      </QueryContent>
    </Stack>
  );
}

function RepositoryPicker({ list, value }: { list: RepositoryInfo[]; value: string }) {
  const { t } = useTranslation();
  const name = (r: RepositoryInfo) => {
    const l = r.location;
    if (l.kind === 'gdrive') return t('backups.places.gdrive', { where: l.folder });
    if (l.kind === 'dropbox') return t('backups.places.dropbox', { where: l.path });
    return t('backups.places.local', { where: l.path });
  };
  return (
    <Select
      label={t('backups.storage')}
      data={list.map((r) => ({ value: r.repositoryId, label: name(r) }))}
      value={value}
      allowDeselect={false}
      onChange={(id) => {
        if (id) window.location.hash = hrefWith('backups', { repo: id });
      }}
      maw={480}
    />
  );
}
