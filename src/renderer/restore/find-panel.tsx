import { Button, Group, ScrollArea, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { FileMatch, SnapshotInfo } from '../../shared/repositories.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { useFormat } from '../i18n/format.ts';
import { useFindInSnapshots } from './queries.ts';
import { versionsNewestFirst } from './restore-model.ts';

/** "Which versions contain this file?": a name search across every version, each hit one click from its folder. */
interface FindPanelProps {
  repositoryId: string;
  /** The versions searched (not the drills' report snapshots). */
  versions: SnapshotInfo[];
  onJump: (match: FileMatch) => void;
}

export function FindPanel({ repositoryId, versions, onJump }: FindPanelProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const newestFirst = useMemo(() => versionsNewestFirst(versions).map((v) => v.id), [versions]);
  const found = useFindInSnapshots(repositoryId, query, newestFirst);
  const matches = found.data?.matches ?? [];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setQuery(text.trim());
  };

  return (
    <Stack gap="sm">
      <form onSubmit={submit}>
        <Group align="flex-end" gap="sm">
          <TextInput
            style={{ flex: 1 }}
            label={t('restore.find.label')}
            description={t('restore.find.hint')}
            placeholder={t('restore.find.placeholder')}
            value={text}
            onChange={(event) => setText(event.currentTarget.value)}
          />
          <Button
            type="submit"
            variant="light"
            leftSection={<IconSearch size={16} aria-hidden />}
            loading={found.isFetching}
            disabled={!text.trim()}
          >
            {t('restore.find.search')}
          </Button>
        </Group>
      </form>
      {found.isError && <ErrorAlert error={found.error} title={t('restore.find.failed')} />}
      {found.data && query && (
        <>
          <Text size="sm" fw={600} role="status">
            {matches.length === 0
              ? t('restore.find.none', { query })
              : found.data.truncated
                ? t('restore.find.truncated', { n: format.number(matches.length) })
                : t('restore.find.results', { n: format.number(matches.length) })}
          </Text>
          {matches.length > 0 && (
            <ScrollArea.Autosize mah={260} type="auto">
              <Table verticalSpacing={4} striped aria-label={t('restore.find.resultsLabel')}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('restore.find.version')}</Table.Th>
                    <Table.Th>{t('restore.find.path')}</Table.Th>
                    <Table.Th ta="right">{t('restore.browser.size')}</Table.Th>
                    <Table.Th />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {matches.map((match) => (
                    <Table.Tr key={`${match.snapshotId}:${match.path}`}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{format.dateTime(match.time)}</Table.Td>
                      <Table.Td style={{ wordBreak: 'break-all' }}>
                        <Text size="sm">{match.path}</Text>
                      </Table.Td>
                      <Table.Td ta="right" style={{ whiteSpace: 'nowrap' }}>
                        {match.type === 'dir' ? '' : format.bytes(match.size)}
                      </Table.Td>
                      <Table.Td>
                        <Button size="compact-sm" variant="subtle" onClick={() => onJump(match)}>
                          {t('restore.find.show')}
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollArea.Autosize>
          )}
        </>
      )}
    </Stack>
  );
}
