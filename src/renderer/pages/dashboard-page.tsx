import { Group, SimpleGrid, Stack, Text, ThemeIcon } from '@mantine/core';
import {
  IconCalendarTime,
  IconClipboardList,
  IconRestore,
  IconShieldLock,
  IconVersions,
} from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useJobs } from '../api/queries.ts';
import { EmptyPanel } from '../components/empty-panel.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { QueryContent } from '../components/query-content.tsx';
import { SectionCard } from '../components/section-card.tsx';
import { JobsTable } from './jobs-table.tsx';

const features = [
  { key: 'schedule', icon: IconCalendarTime },
  { key: 'store', icon: IconShieldLock },
  { key: 'versions', icon: IconVersions },
  { key: 'restore', icon: IconRestore },
] as const;

export function DashboardPage() {
  const { t } = useTranslation();
  const jobs = useJobs();

  return (
    <Stack gap="lg">
      <PageHeader title={t('dashboard.title')} intro={t('dashboard.intro')} />

      <SectionCard title={t('dashboard.whatTitle')}>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" verticalSpacing="md" component="ul" p={0} m={0}>
          {features.map(({ key, icon: FeatureIcon }) => (
            <Group
              key={key}
              component="li"
              align="flex-start"
              wrap="nowrap"
              gap="sm"
              style={{ listStyle: 'none' }}
            >
              <ThemeIcon variant="light" size="lg" radius="md" aria-hidden>
                <FeatureIcon size={20} stroke={1.6} />
              </ThemeIcon>
              <Text size="sm">{t(`dashboard.what.${key}`)}</Text>
            </Group>
          ))}
        </SimpleGrid>
      </SectionCard>

      <div>
        <QueryContent query={jobs}>
          {(list) =>
            list.length === 0 ? (
              <EmptyPanel
                icon={<IconClipboardList aria-hidden />}
                title={t('dashboard.noJobsTitle')}
                text={t('dashboard.noJobsText')}
              />
            ) : (
              <SectionCard title={t('dashboard.jobsTitle')}>
                <JobsTable jobs={list} />
              </SectionCard>
            )
          }
        </QueryContent>
      </div>
    </Stack>
  );
}
