import { Alert, Box, Button, Code, Group, Stack, Table, Text } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { RestoreReport } from '../../shared/repositories.ts';
import { LabelledValues } from '../components/labelled-values.tsx';
import { useFormat } from '../i18n/format.ts';

/** The end of a restore: what came back, that it was checked, any problems per file, and where it is. */
interface RestoreReportProps {
  report: RestoreReport;
  /** What was asked for (snapshot paths; empty = everything), to say where each item now is. */
  include: string[];
  onDone: () => void;
}

/** Where a snapshot path was written: under the chosen folder, or in its own place. */
function restoredAt(targetPath: string, snapshotPath: string): string {
  if (targetPath === '/' || targetPath === '') return snapshotPath;
  const sep = targetPath.includes('\\') && !targetPath.includes('/') ? '\\' : '/';
  return targetPath.replace(/[\\/]+$/, '') + (sep === '/' ? snapshotPath : snapshotPath.replaceAll('/', sep));
}

const listedItems = 5;

export function RestoreReportView({ report, include, onDone }: RestoreReportProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const allVerified = report.ok && report.problems.length === 0;
  const seconds = Math.max(0, (Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 1000);

  return (
    <Stack gap="md">
      <Alert
        color={allVerified ? 'teal' : 'orange'}
        variant="light"
        icon={allVerified ? <IconCircleCheck aria-hidden /> : <IconAlertTriangle aria-hidden />}
        title={allVerified ? t('restore.report.okTitle') : t('restore.report.problemsTitle')}
      >
        {allVerified
          ? t('restore.report.okText', { n: format.number(report.filesVerified) })
          : t('restore.report.problemsText', { n: format.number(report.problems.length) })}
      </Alert>
      <LabelledValues
        labelWidth={200}
        rows={[
          [t('restore.report.version'), format.dateTime(report.snapshotTime)],
          [t('restore.report.filesRestored'), format.number(report.filesRestored)],
          [t('restore.report.filesVerified'), format.number(report.filesVerified)],
          [t('restore.report.size'), format.bytes(report.bytesRestored)],
          [
            t('restore.report.where'),
            <Stack key="where" gap={2}>
              {(include.length ? include.slice(0, listedItems) : ['']).map((p) => (
                <Code key={p} style={{ wordBreak: 'break-all' }}>
                  {p ? restoredAt(report.targetPath, p) : report.targetPath}
                </Code>
              ))}
              {include.length > listedItems && (
                <Text size="sm">
                  {t('restore.report.andMore', { n: format.number(include.length - listedItems) })}
                </Text>
              )}
            </Stack>,
          ],
        ]}
      />
      {report.problems.length > 0 && (
        <Table aria-label={t('restore.report.problemsLabel')} verticalSpacing={4}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('restore.report.file')}</Table.Th>
              <Table.Th>{t('restore.report.problem')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {report.problems.map((problem) => (
              <Table.Tr key={problem.path}>
                <Table.Td style={{ wordBreak: 'break-all' }}>{problem.path}</Table.Td>
                <Table.Td>{problem.message}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Box component="details" fz="sm">
        <Box component="summary" style={{ cursor: 'pointer' }}>
          {t('restore.report.details')}
        </Box>
        <Code block mt="xs" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
          {[
            `snapshot ${report.snapshotId}`,
            `target ${report.targetPath}`,
            `started ${report.startedAt}`,
            `finished ${report.finishedAt} (${seconds.toFixed(1)} s)`,
            `files ${report.filesRestored}, folders ${report.dirsRestored}, bytes ${report.bytesRestored}`,
            `verified ${report.filesVerified}, problems ${report.problems.length}, ok ${report.ok}`,
          ].join('\n')}
        </Code>
      </Box>
      <Group>
        <Button variant="light" onClick={onDone}>
          {t('restore.report.again')}
        </Button>
      </Group>
      <Text size="xs" c="dimmed">
        {t('restore.report.note')}
      </Text>
    </Stack>
  );
}
