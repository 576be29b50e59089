import { Badge, Table, type MantineColor } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { JobSummary } from '../../shared/contract.ts';
import { useFormat } from '../i18n/format.ts';

const statusColor: Record<JobSummary['status'], MantineColor> = {
  idle: 'gray',
  running: 'blue',
  ok: 'teal',
  warning: 'yellow',
  failed: 'red',
  paused: 'gray',
};

export function JobsTable({ jobs }: { jobs: JobSummary[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <Table verticalSpacing="sm">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('jobs.name')}</Table.Th>
          <Table.Th>{t('jobs.status')}</Table.Th>
          <Table.Th>{t('jobs.lastSuccess')}</Table.Th>
          <Table.Th>{t('jobs.nextRun')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {jobs.map((job) => (
          <Table.Tr key={job.id}>
            <Table.Td fw={500}>{job.name}</Table.Td>
            <Table.Td>
              <Badge color={statusColor[job.status]} variant="light" tt="none" fw={600}>
                {t(`jobs.states.${job.status}`)}
              </Badge>
            </Table.Td>
            <Table.Td>{job.lastSuccessAt ? format.dateTime(job.lastSuccessAt) : t('jobs.never')}</Table.Td>
            <Table.Td>{job.nextRunAt ? format.dateTime(job.nextRunAt) : t('jobs.notScheduled')}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
