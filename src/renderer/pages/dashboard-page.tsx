import { Button, Group, Stack, Text, Title } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useJobs } from '../api/queries.ts';
import { QueryContent } from '../components/query-content.tsx';
import { EmptyDashboard } from '../dashboard/empty-dashboard.tsx';
import { hrefFor } from '../router/hash-router.ts';
import { JobCards } from './job-cards.tsx';

export function DashboardPage() {
  const { t } = useTranslation();
  const jobs = useJobs();
  const hasJobs = (jobs.data?.length ?? 0) > 0;

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Stack gap={6}>
          <Title order={1} size="h2" id="page-title" tabIndex={-1} style={{ outline: 'none' }}>
            {t('dashboard.title')}
          </Title>
          <Text maw={620}>{hasJobs ? t('dashboard.introJobs') : t('dashboard.intro')}</Text>
        </Stack>
        {hasJobs && (
          <Button
            component="a"
            href={hrefFor('setup')}
            variant="default"
            style={{ flexShrink: 0 }}
            leftSection={<IconPlus size={18} aria-hidden />}
          >
            {t('dashboard.addJob')}
          </Button>
        )}
      </Group>
      <QueryContent query={jobs}>
        {(list) => (list.length === 0 ? <EmptyDashboard /> : <JobCards jobs={list} />)}
      </QueryContent>
    </Stack>
  );
}
