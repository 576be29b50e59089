import { Paper, Title } from '@mantine/core';
import { useId, type ReactNode } from 'react';

/** A titled block of a page; h2 under the page's h1 keeps the heading outline right. */
export function SectionCard({ title, children }: { title: string; children: ReactNode }) {
  const headingId = useId();
  return (
    <Paper component="section" withBorder radius="md" p="lg" aria-labelledby={headingId}>
      <Title order={2} size="h4" mb="md" id={headingId}>
        {title}
      </Title>
      {children}
    </Paper>
  );
}
