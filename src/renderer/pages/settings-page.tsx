import { Stack, Tabs } from '@mantine/core';
import { IconBell, IconBriefcase, IconCloud, IconFileText, IconSettings } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useAppInfo } from '../api/queries.ts';
import { PageHeader } from '../components/page-header.tsx';
import { QueryContent } from '../components/query-content.tsx';
import { SectionCard } from '../components/section-card.tsx';
import { hrefWith, useHashParams } from '../router/hash-router.ts';
import { DestinationsSection } from '../settings-screens/destinations-section.tsx';
import { AboutList, GeneralSection } from '../settings-screens/general-section.tsx';
import { JobsSection } from '../settings-screens/jobs-section.tsx';
import { LogsSection } from '../settings-screens/logs-section.tsx';
import { NotificationsSection } from '../settings-screens/notifications-section.tsx';

const sections = [
  { id: 'general', icon: IconSettings, Content: GeneralSection },
  { id: 'jobs', icon: IconBriefcase, Content: JobsSection },
  { id: 'destinations', icon: IconCloud, Content: DestinationsSection },
  { id: 'notifications', icon: IconBell, Content: NotificationsSection },
  { id: 'logs', icon: IconFileText, Content: LogsSection },
] as const;
type SectionId = (typeof sections)[number]['id'];

/** One tab per area; the tab is in the address (`#/settings?tab=jobs`), so links and Back work. */
export function SettingsPage() {
  const { t } = useTranslation();
  const appInfo = useAppInfo();
  const asked = useHashParams().get('tab');
  const tab: SectionId = sections.some((s) => s.id === asked) ? (asked as SectionId) : 'general';

  return (
    <Stack gap="lg">
      <PageHeader title={t('settings.title')} intro={t('settings.intro')} />
      <Tabs
        value={tab}
        onChange={(value) => (window.location.hash = hrefWith('settings', { tab: value ?? undefined }))}
        keepMounted={false}
      >
        <Tabs.List>
          {sections.map(({ id, icon: Icon }) => (
            <Tabs.Tab key={id} value={id} leftSection={<Icon size={16} aria-hidden />}>
              {t(`settings.tabs.${id}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {sections.map(({ id, Content }) => (
          <Tabs.Panel key={id} value={id} pt="lg">
            <SectionCard title={t(`settings.tabs.${id}`)}>
              <Content />
            </SectionCard>
          </Tabs.Panel>
        ))}
      </Tabs>
      {tab === 'general' && (
        <SectionCard title={t('settings.about')}>
          <QueryContent query={appInfo}>{(info) => <AboutList info={info} />}</QueryContent>
        </SectionCard>
      )}
    </Stack>
  );
}
