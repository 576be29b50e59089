import { DataList } from '@mantine/core';
import type { ReactNode } from 'react';

/** Label and value pairs, one a row (what a job will do, what the app is, what a restore did). */
export function LabelledValues({ rows, labelWidth }: { rows: [string, ReactNode][]; labelWidth: number }) {
  return (
    <DataList labelWidth={labelWidth}>
      {rows.map(([label, value]) => (
        <DataList.Item key={label}>
          <DataList.ItemLabel>{label}</DataList.ItemLabel>
          <DataList.ItemValue>{value}</DataList.ItemValue>
        </DataList.Item>
      ))}
    </DataList>
  );
}
