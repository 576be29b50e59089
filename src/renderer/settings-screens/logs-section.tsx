import {
  Badge,
  Box,
  Group,
  NativeSelect,
  Paper,
  ScrollArea,
  Stack,
  Text,
  UnstyledButton,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HistoryEntry, JobRun, RunLogLine } from '../../shared/jobs.ts';
import { useJobs } from '../api/queries.ts';
import { QueryContent } from '../components/query-content.tsx';
import { useFormat } from '../i18n/format.ts';
import { useJobHistory, useRunLog } from './queries.ts';

const levelColor: Record<RunLogLine['level'], string> = {
  debug: 'var(--mantine-color-dimmed)',
  info: 'var(--mantine-color-text)',
  warn: 'var(--mantine-color-orange-7)',
  error: 'var(--mantine-color-red-7)',
};
const statusColor: Record<JobRun['status'], string> = {
  running: 'blue',
  ok: 'teal',
  warning: 'yellow',
  failed: 'red',
  cancelled: 'gray',
  interrupted: 'gray',
};

/** Pick a job, then one of its runs, and read that run's log. */
export function LogsSection() {
  const { t } = useTranslation();
  const jobs = useJobs();
  const [jobId, setJobId] = useState<string | null>(null);
  const [runId, setRunId] = useState<string | null>(null);

  return (
    <QueryContent query={jobs}>
      {(list) => {
        if (list.length === 0) return <Text>{t('settings.logs.noJobs')}</Text>;
        const chosen = jobId ?? list[0]!.id;
        return (
          <Stack gap="md">
            <NativeSelect
              label={t('settings.logs.job')}
              value={chosen}
              data={list.map((j) => ({ value: j.id, label: j.name }))}
              onChange={(e) => {
                setJobId(e.currentTarget.value);
                setRunId(null);
              }}
              maw={360}
            />
            <RunsAndLog key={chosen} jobId={chosen} runId={runId} onPick={setRunId} />
          </Stack>
        );
      }}
    </QueryContent>
  );
}

/** The job's runs, newest first and the newest open, next to the chosen run's log. */
function RunsAndLog({
  jobId,
  runId,
  onPick,
}: {
  jobId: string;
  runId: string | null;
  onPick: (id: string) => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const history = useJobHistory(jobId);
  return (
    <QueryContent query={history}>
      {(data) => {
        const runs = data.entries
          .filter((e): e is Extract<HistoryEntry, { kind: 'run' }> => e.kind === 'run')
          .map((e) => e.run);
        if (runs.length === 0) return <Text c="dimmed">{t('settings.logs.noRuns')}</Text>;
        const shown = runId ?? runs[0]!.runId;
        return (
          <Group align="flex-start" gap="md" wrap="nowrap">
            <Paper withBorder radius="md" w={250} style={{ flexShrink: 0 }}>
              <ScrollArea.Autosize mah={380} type="auto">
                <Box role="listbox" aria-label={t('settings.logs.runs')}>
                  {runs.map((run) => (
                    <UnstyledButton
                      key={run.runId}
                      role="option"
                      aria-selected={run.runId === shown}
                      onClick={() => onPick(run.runId)}
                      display="block"
                      w="100%"
                      px="sm"
                      py={6}
                      style={{
                        background: run.runId === shown ? 'var(--mantine-primary-color-light)' : undefined,
                        borderBottom: '1px solid var(--mantine-color-default-border)',
                      }}
                    >
                      <Group justify="space-between" gap={4} wrap="nowrap">
                        <Text size="sm">{format.dateTime(run.startedAt)}</Text>
                        <Badge size="xs" variant="light" color={statusColor[run.status]} tt="none">
                          {t(`settings.logs.status.${run.status}`)}
                        </Badge>
                      </Group>
                    </UnstyledButton>
                  ))}
                </Box>
              </ScrollArea.Autosize>
            </Paper>
            <Box style={{ flex: 1, minWidth: 0 }}>
              <RunLog jobId={jobId} runId={shown} />
            </Box>
          </Group>
        );
      }}
    </QueryContent>
  );
}

function RunLog({ jobId, runId }: { jobId: string; runId: string }) {
  const { t, i18n } = useTranslation();
  const time = new Intl.DateTimeFormat(i18n.language, { timeStyle: 'medium' });
  const log = useRunLog(jobId, runId);
  return (
    <QueryContent query={log}>
      {(data) => (
        <Paper withBorder radius="md" p="xs">
          {data.truncated && (
            <Text size="xs" c="dimmed" mb={4}>
              {t('settings.logs.truncated')}
            </Text>
          )}
          <ScrollArea h={380} type="auto">
            <Box
              component="pre"
              m={0}
              ff="monospace"
              fz="xs"
              aria-label={t('settings.logs.logLabel')}
              style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}
            >
              {data.lines.length === 0
                ? t('settings.logs.empty')
                : data.lines.map((line, i) => (
                    <Box
                      component="span"
                      key={i}
                      display="block"
                      style={{ color: levelColor[line.level] }}
                      data-level={line.level}
                    >
                      {`${time.format(new Date(line.time))}  ${line.level.toUpperCase().padEnd(5)} ${line.message}`}
                    </Box>
                  ))}
            </Box>
          </ScrollArea>
        </Paper>
      )}
    </QueryContent>
  );
}
