import {
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  NumberInput,
  PasswordInput,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { IconAlertTriangle, IconDatabaseImport } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OperationInput } from '../../shared/contract.ts';
import type { DatabaseDumpInfo, DatabaseRestoreTarget } from '../../shared/sources.ts';
import { errorInfoOf } from '../api/client.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { QueryContent } from '../components/query-content.tsx';
import { useFormat } from '../i18n/format.ts';
import { useDatabaseDump } from './queries.ts';

type RestoreDatabaseRequest = OperationInput<'restoreDatabase'>;

interface DatabaseRestoreFormProps {
  repositoryId: string;
  snapshotId: string;
  /** The copy in the snapshot: /postgres/crm.sql, /mysql/crm.sql, /sqlite/crm.db. */
  path: string;
  versionLabel: string;
  onStart: (request: RestoreDatabaseRequest) => void;
  /** The last attempt's error (shown here; "already exists" leads to the replace confirmation). */
  error: unknown;
  /** The last attempt: the form comes back with what was typed (it is hidden while a restore runs). */
  last: RestoreDatabaseRequest | undefined;
}

/** "Restore into a database": prefilled from the copy, into a new database or file by default. */
export function DatabaseRestoreForm(props: DatabaseRestoreFormProps) {
  const dump = useDatabaseDump(props.repositoryId, props.snapshotId, props.path);
  return <QueryContent query={dump}>{(info) => <DumpForm {...props} info={info} />}</QueryContent>;
}

const kindLabels = { postgres: 'PostgreSQL', mysql: 'MySQL / MariaDB', sqlite: 'SQLite' } as const;

function DumpForm({
  info,
  repositoryId,
  snapshotId,
  path,
  versionLabel,
  onStart,
  error,
  last,
}: DatabaseRestoreFormProps & { info: DatabaseDumpInfo }) {
  const { t } = useTranslation();
  const format = useFormat();
  const previous = last?.snapshotId === snapshotId && last.path === path ? last.target : undefined;
  const server = previous?.kind === 'server' ? previous : undefined;
  const [host, setHost] = useState(server?.host ?? info.server?.host ?? '');
  const [port, setPort] = useState<number | string>(server?.port ?? info.server?.port ?? '');
  const [user, setUser] = useState(server?.user ?? info.server?.user ?? '');
  const [password, setPassword] = useState(server?.password ?? '');
  const previousName = previous?.kind === 'file' ? previous.path : previous?.database;
  const [target, setTarget] = useState(previousName ?? info.suggestedTarget);
  const [confirming, setConfirming] = useState(false);
  // The name the last attempt used: "already exists" is about that name, not one typed since.
  const [tried, setTried] = useState<string | null>(previousName?.trim() ?? null);
  const isFile = info.kind === 'sqlite';
  const name = target.trim();
  const portNumber = typeof port === 'number' ? port : Number.parseInt(port, 10);
  const ready = name !== '' && (isFile || (host.trim() !== '' && user.trim() !== '' && portNumber > 0));
  const failed = error !== null && error !== undefined;
  const existsError = failed && errorInfoOf(error).code === 'DB_EXISTS';
  const exists = existsError && tried === name;

  const targetOf = (overwrite: boolean): DatabaseRestoreTarget =>
    isFile
      ? { kind: 'file', path: name, ...(overwrite ? { overwrite: { confirmed: true } } : {}) }
      : {
          kind: 'server',
          host: host.trim(),
          port: portNumber,
          user: user.trim(),
          database: name,
          ...(password ? { password } : {}),
          ...(overwrite ? { overwrite: { confirmed: true } } : {}),
        };
  const start = (overwrite: boolean) => {
    setTried(name);
    onStart({ repositoryId, snapshotId, path, target: targetOf(overwrite) });
  };

  return (
    <Stack gap="md">
      <Text size="sm">
        {t('restore.database.what', {
          kind: kindLabels[info.kind],
          name: info.name,
          version: versionLabel,
          size: format.bytes(info.bytes),
        })}
        {info.serverVersion ? ` ${t('restore.database.madeWith', { server: info.serverVersion })}` : ''}
      </Text>
      {!isFile && (
        <Stack gap="xs">
          <div>
            <Text size="sm" fw={600}>
              {t('restore.database.server')}
            </Text>
            <Text size="xs" c="dimmed">
              {info.server?.known ? t('restore.database.serverKnown') : t('restore.database.serverUnknown')}
            </Text>
          </div>
          <SimpleGrid cols={{ base: 1, sm: 3 }} maw={640}>
            <TextInput
              label={t('restore.database.host')}
              value={host}
              onChange={(e) => setHost(e.currentTarget.value)}
            />
            <NumberInput
              label={t('restore.database.port')}
              value={port}
              onChange={setPort}
              min={1}
              max={65535}
              allowDecimal={false}
              hideControls
            />
            <TextInput
              label={t('restore.database.user')}
              value={user}
              onChange={(e) => setUser(e.currentTarget.value)}
            />
          </SimpleGrid>
          <PasswordInput
            maw={420}
            label={t('restore.database.password')}
            description={
              info.passwordSaved ? t('restore.database.passwordSaved') : t('restore.database.passwordNone')
            }
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            autoComplete="off"
          />
        </Stack>
      )}
      <TextInput
        maw={isFile ? 640 : 420}
        label={isFile ? t('restore.database.file') : t('restore.database.name')}
        description={
          isFile ? t('restore.database.fileHint') : t('restore.database.nameHint', { original: info.name })
        }
        value={target}
        onChange={(e) => setTarget(e.currentTarget.value)}
        error={
          name ? undefined : isFile ? t('restore.database.fileMissing') : t('restore.database.nameMissing')
        }
      />
      {exists ? (
        <Alert
          color="orange"
          variant="light"
          icon={<IconAlertTriangle aria-hidden />}
          title={t('restore.database.existsTitle', { name })}
        >
          <Stack gap="sm">
            <Text size="sm">
              {isFile ? t('restore.database.existsFileText') : t('restore.database.existsText')}
            </Text>
            <Group>
              <Button size="xs" color="orange" variant="outline" onClick={() => setConfirming(true)}>
                {t('restore.database.replaceEllipsis', { name })}
              </Button>
            </Group>
          </Stack>
        </Alert>
      ) : (
        failed && !existsError && <ErrorAlert error={error} title={t('restore.database.failed')} />
      )}
      <Group>
        <Button
          leftSection={<IconDatabaseImport size={18} aria-hidden />}
          disabled={!ready}
          onClick={() => start(false)}
        >
          {isFile ? t('restore.database.startFile') : t('restore.database.start')}
        </Button>
      </Group>
      {confirming && (
        <ReplaceConfirm
          name={name}
          isFile={isFile}
          versionLabel={versionLabel}
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            start(true);
          }}
        />
      )}
    </Stack>
  );
}

/** Names the database that will be replaced; nothing happens until the user ticks "I understand". */
function ReplaceConfirm(props: {
  name: string;
  isFile: boolean;
  versionLabel: string;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { t } = useTranslation();
  const [understood, setUnderstood] = useState(false);
  return (
    <Modal
      opened
      onClose={props.onCancel}
      title={t('restore.database.confirmTitle', { name: props.name })}
      size="lg"
      centered
    >
      <Stack gap="md">
        <Text size="sm">
          {t('restore.database.confirmText', { name: props.name, version: props.versionLabel })}
        </Text>
        <Text size="sm">
          {props.isFile
            ? t('restore.database.confirmSafeFile')
            : t('restore.database.confirmSafe', { name: props.name })}
        </Text>
        <Checkbox
          checked={understood}
          onChange={(e) => setUnderstood(e.currentTarget.checked)}
          label={t('restore.database.confirmUnderstand', { name: props.name })}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onCancel}>
            {t('restore.confirm.cancel')}
          </Button>
          <Button color="orange" disabled={!understood} onClick={props.onConfirm}>
            {t('restore.database.replace', { name: props.name })}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
