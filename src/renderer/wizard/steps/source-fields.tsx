import {
  Button,
  Group,
  NumberInput,
  PasswordInput,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { IconCircleCheck, IconPlugConnected } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobSource } from '../../../shared/jobs.ts';
import { needsPassword, type SourceTestInfo } from '../../../shared/sources.ts';
import { useClient } from '../../api/client-context.tsx';
import { BrowseButton, besideInput } from '../../components/browse-button.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { useFormat } from '../../i18n/format.ts';

const defaultPorts = { postgres: 5432, mysql: 3306 } as const;

/** The SQLite file dialog shows database files first; "All files" for unusual names. */
const sqliteFilters = (databases: string, allFiles: string) => [
  { name: databases, extensions: ['db', 'sqlite', 'sqlite3', 'db3'] },
  { name: allFiles, extensions: ['*'] },
];

/** A CRM's config file arrives as a "folder" source; call it a file (`config.php`, not `uploads`). */
const looksLikeFile = (path: string) => /\.[A-Za-z0-9]{1,5}$/.test(path.trim());

/** The fields of one source, by kind, with a "Test" that asks the engine to open it. */
export function SourceFields({
  source,
  index,
  password,
  passwordFound,
  onChange,
  error,
}: {
  source: JobSource;
  index: number;
  password: string;
  passwordFound: boolean;
  onChange: (source: JobSource, password?: string) => void;
  error: string | undefined;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const engineId = useId();
  const test = useMutation<SourceTestInfo>({
    mutationFn: () => client.call('testSource', { source, ...(password ? { password } : {}) }),
  });
  const change = (next: JobSource, nextPassword?: string) => {
    test.reset(); // a result no longer says anything about the changed source
    onChange(next, nextPassword);
  };

  let fields;
  if (source.kind === 'folder' || source.kind === 'sqlite') {
    const folder = source.kind === 'folder';
    const label = !folder
      ? t('wizard.sources.sqliteLabel')
      : looksLikeFile(source.path)
        ? t('wizard.sources.fileLabel', { n: index + 1 })
        : t('wizard.sources.folderLabel', { n: index + 1 });
    fields = (
      <TextInput
        label={label}
        description={
          source.path
            ? undefined
            : folder
              ? t('wizard.sources.folderExamples')
              : t('wizard.sources.sqliteExamples')
        }
        placeholder={folder ? t('wizard.sources.folderPlaceholder') : t('wizard.sources.sqlitePlaceholder')}
        value={source.path}
        error={error}
        onChange={(event) => change({ ...source, path: event.currentTarget.value })}
        spellCheck={false}
        autoComplete="off"
        inputContainer={besideInput(
          <BrowseButton
            kind={folder ? 'folder' : 'file'}
            label={label}
            defaultPath={source.path}
            filters={
              folder ? undefined : sqliteFilters(t('wizard.sources.sqliteFilter'), t('common.allFiles'))
            }
            onPick={(path) => change({ ...source, path })}
          />,
        )}
      />
    );
  } else {
    fields = (
      <Stack gap="xs">
        <div>
          <Text component="label" id={engineId} fw={500} size="sm" display="block" mb={4}>
            {t('wizard.sources.serverLabel')}
          </Text>
          <SegmentedControl
            aria-labelledby={engineId}
            size="xs"
            value={source.kind}
            data={[
              { value: 'postgres', label: 'PostgreSQL' },
              { value: 'mysql', label: 'MySQL / MariaDB' },
            ]}
            onChange={(value) => {
              const kind = value as 'postgres' | 'mysql';
              const port = source.port === defaultPorts[source.kind] ? defaultPorts[kind] : source.port;
              change({
                kind,
                host: source.host,
                port,
                user: source.user,
                database: source.database,
                ...(source.crm ? { crm: source.crm } : {}),
              });
            }}
          />
        </div>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs" verticalSpacing="xs">
          <TextInput
            label={t('wizard.sources.host')}
            value={source.host}
            onChange={(e) => change({ ...source, host: e.currentTarget.value })}
            spellCheck={false}
          />
          <NumberInput
            label={t('wizard.sources.port')}
            min={1}
            max={65535}
            value={source.port}
            onChange={(v) => change({ ...source, port: Number(v) || 0 })}
          />
          <TextInput
            label={t('wizard.sources.database')}
            value={source.database}
            onChange={(e) => change({ ...source, database: e.currentTarget.value })}
            spellCheck={false}
          />
          <TextInput
            label={t('wizard.sources.user')}
            value={source.user}
            onChange={(e) => change({ ...source, user: e.currentTarget.value })}
            spellCheck={false}
            autoComplete="off"
          />
          <PasswordInput
            label={t('wizard.sources.password')}
            description={passwordFound ? t('wizard.sources.passwordFound') : t('wizard.sources.passwordHint')}
            value={password}
            onChange={(e) => change(source, e.currentTarget.value)}
            autoComplete="off"
          />
        </SimpleGrid>
        {error && (
          <Text c="red" size="sm" role="alert">
            {error}
          </Text>
        )}
      </Stack>
    );
  }

  return (
    <Stack gap="xs">
      {fields}
      <Group gap="xs">
        <Button
          variant="default"
          size="xs"
          leftSection={<IconPlugConnected size={14} />}
          loading={test.isPending}
          disabled={!!error}
          onClick={() => test.mutate()}
        >
          {t('wizard.sources.test')}
        </Button>
        {needsPassword(source) && !password && !passwordFound && (
          <Text size="xs" c="dimmed">
            {t('wizard.sources.noPasswordNote')}
          </Text>
        )}
      </Group>
      {test.isSuccess && <TestResult info={test.data} />}
      {test.isError && <ErrorAlert title={t('wizard.sources.testFailed')} error={test.error} />}
    </Stack>
  );
}

function TestResult({ info }: { info: SourceTestInfo }) {
  const { t } = useTranslation();
  const format = useFormat();
  const parts = [
    info.server,
    info.tables !== null ? t('wizard.sources.tables', { n: format.number(info.tables) }) : null,
    info.sizeBytes !== null ? format.bytes(info.sizeBytes) : null,
  ].filter(Boolean);
  return (
    <Stack gap={2} aria-live="polite">
      <Group gap={6} wrap="nowrap">
        <IconCircleCheck size={18} color="var(--mantine-color-green-7)" aria-hidden />
        <Text size="sm" c="green.8" fw={500}>
          {[t('wizard.sources.testOk'), ...parts].join(' · ')}
        </Text>
      </Group>
      {info.warnings.map((w) => (
        <Text key={w} size="sm" c="orange.8">
          {w}
        </Text>
      ))}
    </Stack>
  );
}
