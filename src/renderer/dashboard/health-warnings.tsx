import { Group, List, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconAlertTriangle, IconCircleX, IconInfoCircle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format.ts';
import type { HealthWarning, PlaceKind, Severity } from './job-health.ts';
import { severityColor } from './health-look.ts';
import { useTimeWords } from './time-words.ts';

const severityIcon: Record<Severity, typeof IconInfoCircle> = {
  danger: IconCircleX,
  warning: IconAlertTriangle,
  info: IconInfoCircle,
};

/** Each warning as a headline saying what is wrong and a line saying what to do about it. */
export function HealthWarnings({ warnings, now }: { warnings: HealthWarning[]; now: Date }) {
  const words = useWarningWords(now);
  if (warnings.length === 0) return null;
  return (
    <List spacing="xs" listStyleType="none" p={0} m={0} aria-live="polite">
      {warnings.map((warning) => {
        const Icon = severityIcon[warning.severity];
        const { title, hint } = words(warning);
        return (
          <List.Item key={warning.kind} data-warning={warning.kind}>
            <Group gap="sm" wrap="nowrap" align="flex-start">
              <ThemeIcon
                size="md"
                radius="xl"
                variant="light"
                color={severityColor[warning.severity]}
                aria-hidden
              >
                <Icon size={16} />
              </ThemeIcon>
              <Stack gap={0}>
                <Text size="sm" fw={600}>
                  {title}
                </Text>
                {hint && (
                  <Text size="sm" c="dimmed">
                    {hint}
                  </Text>
                )}
              </Stack>
            </Group>
          </List.Item>
        );
      })}
    </List>
  );
}

export function usePlaceName() {
  const { t } = useTranslation();
  return (place: PlaceKind | null) => t(`dashboard.places.${place ?? 'unknown'}`);
}

function useWarningWords(now: Date) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const time = useTimeWords();
  const placeName = usePlaceName();
  return (w: HealthWarning): { title: string; hint?: string } => {
    switch (w.kind) {
      case 'signInAgain':
        return w.place === 'gdrive' || w.place === 'dropbox'
          ? {
              title: t('dashboard.warnings.signInTo', { place: placeName(w.place) }),
              hint: t('dashboard.warnings.signInHint'),
            }
          : { title: t('dashboard.warnings.signInAgain'), hint: t('dashboard.warnings.signInHint') };
      case 'lastRunFailed': {
        const code = w.error?.code ?? 'INTERNAL';
        // The Service's English hint is more specific than ours; other languages get the translated one.
        const hint = i18n.resolvedLanguage === 'en' && w.error?.hint ? w.error.hint : t(`errorHints.${code}`);
        return { title: t('dashboard.warnings.lastRunFailed', { error: t(`errors.${code}`) }), hint };
      }
      case 'lastRunWarnings':
        return {
          title: t('dashboard.warnings.lastRunWarnings'),
          hint: t('dashboard.warnings.lastRunWarningsHint'),
        };
      case 'noBackupFor':
        return {
          title: t('dashboard.warnings.noBackupFor', {
            duration: time.duration(now.getTime() - Date.parse(w.since)),
          }),
          hint: t('dashboard.warnings.noBackupForHint', { date: format.dateTime(w.since) }),
        };
      case 'neverBackedUp':
        return {
          title: t('dashboard.warnings.neverBackedUp'),
          hint: t('dashboard.warnings.neverBackedUpHint', { ago: time.relative(w.since, now) }),
        };
      case 'destinationFull':
        return {
          title: t('dashboard.warnings.destinationFull', {
            place: placeName(w.place),
            percent: w.percentUsed,
          }),
          hint: t('dashboard.warnings.destinationFullHint'),
        };
      case 'drillFailed':
        return {
          title: t('dashboard.warnings.drillFailed', { ago: time.relative(w.at, now) }),
          hint: t('dashboard.warnings.drillFailedHint'),
        };
      case 'drillOverdue':
        return {
          title: t('dashboard.warnings.drillOverdue', { ago: time.relative(w.at, now) }),
          hint: t('dashboard.warnings.drillOverdueHint'),
        };
      case 'neverTested':
        return { title: t('dashboard.warnings.neverTested'), hint: t('dashboard.warnings.neverTestedHint') };
      case 'paused':
        return { title: t('dashboard.warnings.paused'), hint: t('dashboard.warnings.pausedHint') };
    }
  };
}
