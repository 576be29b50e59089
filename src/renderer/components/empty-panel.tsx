import { EmptyState, Paper } from '@mantine/core';
import type { ReactNode } from 'react';

/** The calm "nothing here yet" panel every screen starts with. */
export function EmptyPanel({ icon, title, text }: { icon: ReactNode; title: string; text: string }) {
  return (
    <Paper withBorder radius="md" py="xl" px="lg">
      <EmptyState
        size="sm"
        icon={icon}
        variant="light"
        title={title}
        description={text}
        maw={520}
        mx="auto"
      />
    </Paper>
  );
}
