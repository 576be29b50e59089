import { Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useAppInfo } from '../api/queries.ts';

/** "Lifeboat · Version x.y.z" at the foot of the navigation, so support can ask for it on any screen. */
export function VersionNote() {
  const { t } = useTranslation();
  const { data } = useAppInfo();
  if (!data) return null;
  return (
    <Text size="xs" c="dimmed" px="sm">
      {data.name} · {t('app.version', { version: data.version })}
    </Text>
  );
}
