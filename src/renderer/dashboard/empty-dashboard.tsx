import { Button, Group, Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconCloudUpload, IconDeviceDesktopDown, IconLifebuoy } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { hrefFor } from '../router/hash-router.ts';

/** The first thing a new user sees: two ways in, nothing else to read. */
export function EmptyDashboard() {
  const { t } = useTranslation();
  return (
    <Paper withBorder radius="md" p="xl">
      <Stack align="center" gap="md" maw={560} mx="auto" ta="center">
        <ThemeIcon size={56} radius="xl" variant="light" aria-hidden>
          <IconLifebuoy size={32} stroke={1.6} />
        </ThemeIcon>
        <Title order={2} size="h3">
          {t('dashboard.welcome.title')}
        </Title>
        <Text>{t('dashboard.welcome.text')}</Text>
        <Group justify="center" gap="md" mt="xs">
          <Button
            component="a"
            href={hrefFor('setup')}
            size="md"
            leftSection={<IconCloudUpload size={20} aria-hidden />}
          >
            {t('dashboard.welcome.setUp')}
          </Button>
          <Button
            component="a"
            href={hrefFor('connect')}
            size="md"
            variant="default"
            leftSection={<IconDeviceDesktopDown size={20} aria-hidden />}
          >
            {t('dashboard.welcome.connect')}
          </Button>
        </Group>
        <Text size="sm" c="dimmed">
          {t('dashboard.welcome.note')}
        </Text>
      </Stack>
    </Paper>
  );
}
