import { Badge, Button, Group, Stack, Table, Text } from '@mantine/core';
import { IconPencil, IconPlayerPause, IconPlayerPlay, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobSummary } from '../../shared/contract.ts';
import { useJobs } from '../api/queries.ts';
import { ConfirmModal } from '../components/confirm-modal.tsx';
import { ErrorAlert } from '../components/error-alert.tsx';
import { QueryContent } from '../components/query-content.tsx';
import { hrefFor } from '../router/hash-router.ts';
import { JobEditModal } from './job-edit-modal.tsx';
import { useDeleteJob, useJobDetails, usePauseJob } from './queries.ts';
import { scheduleText } from './schedule-text.ts';

/** The backup jobs: change, pause or resume, delete (after a confirmation naming the job). */
export function JobsSection() {
  const { t } = useTranslation();
  const jobs = useJobs();
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<JobSummary | null>(null);
  const pause = usePauseJob();

  return (
    <Stack gap="md">
      <QueryContent query={jobs}>
        {(list) =>
          list.length === 0 ? (
            <Text>
              {t('settings.jobs.none')} <a href={hrefFor('setup')}>{t('settings.jobs.setUp')}</a>
            </Text>
          ) : (
            <Table verticalSpacing="sm" aria-label={t('settings.jobs.title')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('jobs.name')}</Table.Th>
                  <Table.Th>{t('settings.jobs.schedule')}</Table.Th>
                  <Table.Th>{t('jobs.status')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((job) => (
                  <Table.Tr key={job.id}>
                    <Table.Td fw={500}>{job.name}</Table.Td>
                    <Table.Td>
                      <ScheduleCell id={job.id} />
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={job.status === 'paused' ? 'gray' : 'teal'} tt="none">
                        {t(`jobs.states.${job.status}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={6} justify="flex-end" wrap="nowrap">
                        <Button
                          size="compact-sm"
                          variant="light"
                          leftSection={<IconPencil size={14} aria-hidden />}
                          onClick={() => setEditing(job.id)}
                          aria-label={t('settings.jobs.editJob', { name: job.name })}
                        >
                          {t('settings.jobs.edit')}
                        </Button>
                        <Button
                          size="compact-sm"
                          variant="default"
                          leftSection={
                            job.status === 'paused' ? (
                              <IconPlayerPlay size={14} aria-hidden />
                            ) : (
                              <IconPlayerPause size={14} aria-hidden />
                            )
                          }
                          onClick={() => pause.mutate({ id: job.id, pause: job.status !== 'paused' })}
                        >
                          {job.status === 'paused' ? t('settings.jobs.resume') : t('settings.jobs.pause')}
                        </Button>
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          color="red"
                          leftSection={<IconTrash size={14} aria-hidden />}
                          onClick={() => setDeleting(job)}
                          aria-label={t('settings.jobs.deleteJob', { name: job.name })}
                        >
                          {t('settings.jobs.delete')}
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )
        }
      </QueryContent>
      {pause.isError && <ErrorAlert error={pause.error} />}
      {editing && <JobEditModal jobId={editing} onClose={() => setEditing(null)} />}
      {deleting && <DeleteJobConfirm job={deleting} onClose={() => setDeleting(null)} />}
    </Stack>
  );
}

/** The schedule in words; summaries do not carry it, so each row reads its job. */
function ScheduleCell({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const details = useJobDetails(id);
  if (!details.data) return null;
  return <Text size="sm">{scheduleText(t, i18n.language, details.data.job.schedule)}</Text>;
}

function DeleteJobConfirm({ job, onClose }: { job: JobSummary; onClose: () => void }) {
  const { t } = useTranslation();
  const remove = useDeleteJob();
  return (
    <ConfirmModal
      title={t('settings.jobs.deleteTitle', { name: job.name })}
      text={t('settings.jobs.deleteText')}
      confirmLabel={t('settings.jobs.deleteConfirm')}
      action={remove}
      onConfirm={() => remove.mutate(job.id, { onSuccess: onClose })}
      onClose={onClose}
    />
  );
}
