import { Stack } from '@mantine/core';
import { IconArchive } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { EmptyPanel } from '../components/empty-panel.tsx';
import { PageHeader } from '../components/page-header.tsx';

export function BackupsPage() {
  const { t } = useTranslation();
  return (
    <Stack gap="lg">
      <PageHeader title={t('backups.title')} intro={t('backups.intro')} />
      <EmptyPanel
        icon={<IconArchive aria-hidden />}
        title={t('backups.emptyTitle')}
        text={t('backups.emptyText')}
      />
    </Stack>
  );
}
