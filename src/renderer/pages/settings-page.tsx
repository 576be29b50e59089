import { Code, DataList, Input, NativeSelect, SegmentedControl, Stack } from '@mantine/core';
import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppInfo, Settings } from '../../shared/contract.ts';
import { useAppInfo, useSettings, useUpdateSettings } from '../api/queries.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { QueryContent } from '../components/query-content.tsx';
import { SectionCard } from '../components/section-card.tsx';
import { languageNames, type Language } from '../i18n/index.ts';

const themes: Settings['theme'][] = ['light', 'dark', 'auto'];

export function SettingsPage() {
  const { t } = useTranslation();
  const settings = useSettings();
  const appInfo = useAppInfo();

  return (
    <Stack gap="lg">
      <PageHeader title={t('settings.title')} intro={t('settings.intro')} />
      <SectionCard title={t('settings.appearance')}>
        <QueryContent query={settings}>{(value) => <AppearanceForm settings={value} />}</QueryContent>
      </SectionCard>
      <SectionCard title={t('settings.about')}>
        <QueryContent query={appInfo}>{(info) => <AboutList info={info} />}</QueryContent>
      </SectionCard>
    </Stack>
  );
}

/** Each change is saved at once (the Service persists it); there is no Save button to forget. */
function AppearanceForm({ settings }: { settings: Settings }) {
  const { t } = useTranslation();
  const update = useUpdateSettings();
  const themeId = useId();

  return (
    <Stack gap="md" maw={420}>
      <NativeSelect
        label={t('settings.language')}
        value={settings.language}
        data={Object.entries(languageNames).map(([value, label]) => ({ value, label }))}
        onChange={(event) => update.mutate({ language: event.currentTarget.value as Language })}
      />
      <Input.Wrapper
        id={themeId}
        labelElement="div"
        label={t('settings.theme')}
        description={t('settings.themeHint')}
        inputWrapperOrder={['label', 'input', 'description']}
      >
        <SegmentedControl
          fullWidth
          mt={4}
          mb={4}
          aria-labelledby={`${themeId}-label`}
          aria-describedby={`${themeId}-description`}
          value={settings.theme}
          data={themes.map((value) => ({ value, label: t(`settings.themes.${value}`) }))}
          onChange={(value) => update.mutate({ theme: value as Settings['theme'] })}
        />
      </Input.Wrapper>
      {update.isError && <ErrorAlert title={t('settings.saveFailed')} error={update.error} />}
    </Stack>
  );
}

const platformNames: Record<string, string> = { win32: 'Windows', darwin: 'macOS', linux: 'Linux' };

function AboutList({ info }: { info: AppInfo }) {
  const { t } = useTranslation();
  const rows: [string, ReactNode][] = [
    [t('settings.version'), info.version],
    [t('settings.host'), t(`settings.hosts.${info.host}`)],
    [t('settings.platform'), platformNames[info.platform] ?? info.platform],
    [t('settings.dataDir'), <Code key="dir">{info.dataDir}</Code>],
  ];
  return (
    <DataList labelWidth={180}>
      {rows.map(([label, value]) => (
        <DataList.Item key={label}>
          <DataList.ItemLabel>{label}</DataList.ItemLabel>
          <DataList.ItemValue>{value}</DataList.ItemValue>
        </DataList.Item>
      ))}
    </DataList>
  );
}
