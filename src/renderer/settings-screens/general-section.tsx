import { Code, Input, NativeSelect, SegmentedControl, Stack, Switch, Text } from '@mantine/core';
import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppInfo, Settings } from '../../shared/contract.ts';
import { ClientError } from '../api/client.ts';
import { useSettings, useUpdateSettings } from '../api/queries.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { LabelledValues } from '../components/labelled-values.tsx';
import { QueryContent } from '../components/query-content.tsx';
import { languageNames, type Language } from '../i18n/index.ts';
import { useLaunchAtLogin, useSetLaunchAtLogin } from './queries.ts';

const themes: Settings['theme'][] = ['light', 'dark', 'auto'];

export function GeneralSection() {
  const settings = useSettings();
  return (
    <Stack gap="lg" maw={460}>
      <QueryContent query={settings}>{(value) => <AppearanceForm settings={value} />}</QueryContent>
      <LaunchAtLogin />
    </Stack>
  );
}

/** Each change is saved at once (the Service persists it); there is no Save button to forget. */
function AppearanceForm({ settings }: { settings: Settings }) {
  const { t } = useTranslation();
  const update = useUpdateSettings();
  const themeId = useId();

  return (
    <Stack gap="md">
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

/** Only the desktop app can start with the computer; elsewhere the switch says why it is off. */
function LaunchAtLogin() {
  const { t } = useTranslation();
  const state = useLaunchAtLogin();
  const set = useSetLaunchAtLogin();
  const unsupported =
    state.data?.supported === false ||
    (state.error instanceof ClientError && state.error.code === 'UNSUPPORTED');
  if (state.isError && !unsupported) return <ErrorAlert error={state.error} />;
  return (
    <Stack gap={4}>
      <Switch
        label={t('settings.launchAtLogin')}
        description={unsupported ? t('settings.launchUnsupported') : t('settings.launchHint')}
        checked={state.data?.enabled ?? false}
        disabled={unsupported || state.isPending || set.isPending}
        onChange={(event) => set.mutate(event.currentTarget.checked)}
      />
      {set.isError && <ErrorAlert title={t('settings.saveFailed')} error={set.error} />}
    </Stack>
  );
}

const platformNames: Record<string, string> = { win32: 'Windows', darwin: 'macOS', linux: 'Linux' };

export function AboutList({ info }: { info: AppInfo }) {
  const { t } = useTranslation();
  const rows: [string, ReactNode][] = [
    [t('settings.version'), info.version],
    [t('settings.host'), t(`settings.hosts.${info.host}`)],
    [t('settings.platform'), platformNames[info.platform] ?? info.platform],
    [t('settings.dataDir'), <Code key="dir">{info.dataDir}</Code>],
  ];
  return (
    <Stack gap="xs">
      <LabelledValues rows={rows} labelWidth={180} />
      <Text size="xs" c="dimmed">
        {t('settings.dataDirHint')}
      </Text>
    </Stack>
  );
}
