import { List, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconCalendarTime, IconCloudUpload, IconFolders, IconLock } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';

const points = [
  { key: 'what', icon: IconFolders },
  { key: 'where', icon: IconCloudUpload },
  { key: 'lock', icon: IconLock },
  { key: 'when', icon: IconCalendarTime },
] as const;

export function WelcomeStep() {
  const { t } = useTranslation();
  return (
    <Stack gap="md">
      <Text size="lg">{t('wizard.welcome.text')}</Text>
      <Text>{t('wizard.welcome.steps')}</Text>
      <List spacing="sm" center>
        {points.map(({ key, icon: Icon }) => (
          <List.Item
            key={key}
            icon={
              <ThemeIcon variant="light" radius="xl" size="md" aria-hidden>
                <Icon size={16} />
              </ThemeIcon>
            }
          >
            {t(`wizard.welcome.points.${key}`)}
          </List.Item>
        ))}
      </List>
      <Text size="sm" c="dimmed">
        {t('wizard.welcome.resume')}
      </Text>
    </Stack>
  );
}
