import { Stack } from '@mantine/core';
import { IconRestore } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { EmptyPanel } from '../components/empty-panel.tsx';
import { PageHeader } from '../components/page-header.tsx';

export function RestorePage() {
  const { t } = useTranslation();
  return (
    <Stack gap="lg">
      <PageHeader title={t('restore.title')} intro={t('restore.intro')} />
      <EmptyPanel
        icon={<IconRestore aria-hidden />}
        title={t('restore.emptyTitle')}
        text={t('restore.emptyText')}
      />
    </Stack>
  );
}
