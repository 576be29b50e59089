import { Alert, Box, Button, Code, Group, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { DatabaseRestoreReport } from '../../shared/sources.ts';
import { LabelledValues } from '../components/labelled-values.tsx';
import { useFormat } from '../i18n/format.ts';
import { RestoreProgressPanel, useRestoreProgress } from './restore-progress.tsx';

/** The running database restore: the copy streaming in, then counting what came back; Cancel. */
export function DatabaseRestoreProgress({ name }: { name: string }) {
  const { t } = useTranslation();
  const progress = useRestoreProgress('restore-database');
  const checking = progress?.phase === 'checking';
  return (
    <RestoreProgressPanel
      label={
        checking
          ? t('restore.database.progress.checking')
          : t('restore.database.progress.restoring', { name })
      }
      amounts={checking ? null : progress}
    />
  );
}

/** What came back: where, how many tables and rows, and which checks passed. */
export function DatabaseRestoreReportView({
  report,
  onDone,
}: {
  report: DatabaseRestoreReport;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const isFile = report.kind === 'sqlite';
  const rows: Array<[string, string]> = [
    [isFile ? t('restore.database.report.file') : t('restore.database.report.database'), report.target],
    ...(report.server ? [[t('restore.database.report.server'), report.server] as [string, string]] : []),
    [t('restore.database.report.tables'), report.tables === null ? '—' : format.number(report.tables)],
    [t('restore.database.report.rows'), report.rows === null ? '—' : format.number(report.rows)],
    [t('restore.database.report.size'), format.bytes(report.bytesRestored)],
    [
      t('restore.database.report.time'),
      report.durationMs < 1000
        ? t('restore.database.report.underSecond')
        : t('restore.database.report.seconds', { n: format.number(Math.round(report.durationMs / 1000)) }),
    ],
  ];
  return (
    <Stack gap="md">
      <Alert
        color="teal"
        variant="light"
        icon={<IconCircleCheck aria-hidden />}
        title={
          report.replaced ? t('restore.database.report.replacedTitle') : t('restore.database.report.okTitle')
        }
      >
        {report.replaced
          ? t('restore.database.report.replacedText', { name: report.target })
          : isFile
            ? t('restore.database.report.okFileText', { name: report.target })
            : t('restore.database.report.okText', { name: report.target })}
      </Alert>
      <LabelledValues
        labelWidth={200}
        rows={rows.map(([label, value]) => [
          label,
          // Database names and file paths can be long words: break them rather than widen the page.
          <Text key={label} size="sm" style={{ wordBreak: 'break-all' }}>
            {value}
          </Text>,
        ])}
      />
      <Stack gap={4} aria-label={t('restore.database.report.checks')}>
        <Text size="sm" fw={600}>
          {t('restore.database.report.checks')}
        </Text>
        {report.checks.map((c) => (
          <Group key={c.check} gap="xs" wrap="nowrap">
            {c.ok ? (
              <IconCircleCheck size={18} color="var(--mantine-color-teal-6)" aria-hidden />
            ) : (
              <IconAlertTriangle size={18} color="var(--mantine-color-orange-6)" aria-hidden />
            )}
            <Text size="sm">{t(`restore.database.report.check.${c.check}`)}</Text>
          </Group>
        ))}
      </Stack>
      <Box component="details" fz="sm">
        <Box component="summary" style={{ cursor: 'pointer' }}>
          {t('restore.report.details')}
        </Box>
        <Code block mt="xs" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
          {[
            `${report.kind} → ${report.target}${report.server ? ` (${report.server})` : ''}`,
            `replaced ${report.replaced}, tables ${report.tables ?? '?'}, rows ${report.rows ?? '?'}`,
            `bytes ${report.bytesRestored}, ${(report.durationMs / 1000).toFixed(1)} s`,
            `checks ${report.checks.map((c) => `${c.check}=${c.ok ? 'ok' : 'failed'}`).join(', ')}`,
          ].join('\n')}
        </Code>
      </Box>
      <Group>
        <Button variant="light" onClick={onDone}>
          {t('restore.report.again')}
        </Button>
      </Group>
    </Stack>
  );
}
