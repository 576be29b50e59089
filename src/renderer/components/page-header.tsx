import { Stack, Text, Title } from '@mantine/core';

/**
 * The page's h1 takes focus after navigation (tabIndex -1), so keyboard and screen-reader users start
 * on the new page instead of staying in the menu.
 */
export function PageHeader({ title, intro }: { title: string; intro: string }) {
  return (
    <Stack gap={6}>
      <Title order={1} size="h2" id="page-title" tabIndex={-1} style={{ outline: 'none' }}>
        {title}
      </Title>
      <Text maw={680}>{intro}</Text>
    </Stack>
  );
}
