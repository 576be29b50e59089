import {
  Alert,
  Button,
  Checkbox,
  Code,
  Group,
  List,
  Modal,
  Radio,
  ScrollArea,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconAlertCircle, IconAlertTriangle, IconRestore } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RestorePreview, RestoreRequest, RestoreTarget } from '../../shared/repositories.ts';
import { useAppInfo } from '../api/queries.ts';
import { BrowseButton, besideInput } from '../components/browse-button.tsx';
import { ErrorAlert } from '../components/error-alert.tsx';
import { useFormat } from '../i18n/format.ts';
import { usePreviewRestore, useRestoreCheck } from './queries.ts';
import { maxIncludes, suggestedFolder } from './restore-model.ts';

interface RestoreTargetProps {
  /** The request without its target: which version and which paths. */
  base: Omit<RestoreRequest, 'target'>;
  versionLabel: string;
  onStart: (request: RestoreRequest) => void;
}

/**
 * Where the files go: a new folder (the safe default) or back where they were, which first shows
 * what would be replaced and needs an explicit "yes, replace these files".
 */
export function RestoreTargetForm({ base, versionLabel, onStart }: RestoreTargetProps) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<RestoreTarget['kind']>('folder');
  const appInfo = useAppInfo();
  const [typed, setTyped] = useState<string | null>(null);
  const [now] = useState(() => new Date());
  const suggestion = appInfo.data
    ? suggestedFolder(t('restore.target.folderName'), now, appInfo.data.homeDir)
    : '';
  const folder = typed ?? suggestion;
  const preview = usePreviewRestore();
  const format = useFormat();
  // The Service takes at most this many paths: past it, ticking their folder is the way.
  const tooMany = base.include.length > maxIncludes;
  const [confirming, setConfirming] = useState<RestorePreview | null>(null);
  // Room needed and free where the files go, checked once the typing pauses.
  const [settledFolder] = useDebouncedValue(folder.trim(), 400);
  const checkTarget: RestoreTarget | null =
    kind === 'original'
      ? { kind: 'original', confirmOverwrite: true }
      : settledFolder
        ? { kind: 'folder', path: settledFolder }
        : null;
  const check = useRestoreCheck(checkTarget && !tooMany ? { ...base, target: checkTarget } : null);
  const noRoom = check.data?.enoughSpace === false;

  const what =
    base.include.length === 0
      ? t('restore.target.everything')
      : t('restore.target.selected', { n: format.number(base.include.length) });
  const start = () => {
    if (kind === 'folder') return onStart({ ...base, target: { kind: 'folder', path: folder.trim() } });
    preview.mutate(
      { ...base, target: { kind: 'original', confirmOverwrite: true } },
      { onSuccess: (result) => setConfirming(result) },
    );
  };

  return (
    <Stack gap="md">
      <Text size="sm">{t('restore.target.what', { what, version: versionLabel })}</Text>
      <Radio.Group
        value={kind}
        onChange={(value) => setKind(value as RestoreTarget['kind'])}
        label={t('restore.target.where')}
      >
        <Stack gap="sm" mt="xs">
          <Radio
            value="folder"
            label={t('restore.target.folder')}
            description={t('restore.target.folderHint')}
          />
          {kind === 'folder' && (
            <TextInput
              ml={32}
              maw={520}
              label={t('restore.target.folderPath')}
              value={folder}
              onChange={(event) => setTyped(event.currentTarget.value)}
              error={folder.trim() ? undefined : t('restore.target.folderMissing')}
              inputContainer={besideInput(
                <BrowseButton
                  label={t('restore.target.folderPath')}
                  defaultPath={appInfo.data?.homeDir}
                  onPick={setTyped}
                />,
              )}
            />
          )}
          <Radio
            value="original"
            label={t('restore.target.original')}
            description={t('restore.target.originalHint')}
          />
        </Stack>
      </Radio.Group>
      {tooMany && (
        <Text c="red" size="sm" role="alert">
          {t('restore.target.tooMany', {
            n: format.number(base.include.length),
            max: format.number(maxIncludes),
          })}
        </Text>
      )}
      {check.isError ? (
        <ErrorAlert error={check.error} title={t('restore.target.checkFailed')} />
      ) : (
        check.fetchStatus !== 'idle' &&
        !check.data && (
          <Text size="sm" c="dimmed">
            {t('restore.target.spaceChecking')}
          </Text>
        )
      )}
      {check.data && !check.isError && <SpaceLine preview={check.data} />}
      {preview.isError && <ErrorAlert error={preview.error} title={t('restore.target.previewFailed')} />}
      <Group>
        <Button
          leftSection={<IconRestore size={18} aria-hidden />}
          onClick={start}
          loading={preview.isPending}
          disabled={tooMany || noRoom || (kind === 'folder' && !folder.trim())}
          color={kind === 'original' ? 'orange' : undefined}
        >
          {kind === 'original' ? t('restore.target.checkOriginal') : t('restore.target.start')}
        </Button>
      </Group>
      {confirming && (
        <OverwriteConfirm
          preview={confirming}
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            setConfirming(null);
            onStart({ ...base, target: { kind: 'original', confirmOverwrite: true } });
          }}
        />
      )}
    </Stack>
  );
}

/** Names the files that will be replaced; nothing happens until the user ticks "I understand". */
function OverwriteConfirm({
  preview,
  onCancel,
  onConfirm,
}: {
  preview: RestorePreview;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const [understood, setUnderstood] = useState(false);
  const more = preview.overwriteCount - preview.overwrites.length;

  return (
    <Modal opened onClose={onCancel} title={t('restore.confirm.title')} size="lg" centered>
      <Stack gap="md">
        <Text size="sm">
          {t('restore.confirm.summary', {
            files: format.number(preview.files),
            size: format.bytes(preview.bytes),
          })}
        </Text>
        {preview.overwriteCount === 0 ? (
          <Alert color="teal" variant="light">
            {t('restore.confirm.nothingReplaced')}
          </Alert>
        ) : (
          <Alert
            color="orange"
            variant="light"
            icon={<IconAlertTriangle aria-hidden />}
            title={t('restore.confirm.replacedTitle', { n: format.number(preview.overwriteCount) })}
          >
            <Text size="sm" mb="xs">
              {t('restore.confirm.replacedText')}
            </Text>
            <ScrollArea.Autosize mah={180} type="auto">
              <List size="sm" spacing={2} aria-label={t('restore.confirm.listLabel')}>
                {preview.overwrites.map((path) => (
                  <List.Item key={path}>
                    <Code>{path}</Code>
                  </List.Item>
                ))}
              </List>
            </ScrollArea.Autosize>
            {more > 0 && (
              <Text size="sm" mt="xs">
                {t('restore.confirm.andMore', { n: format.number(more) })}
              </Text>
            )}
          </Alert>
        )}
        <SpaceLine preview={preview} />
        <Checkbox
          checked={understood}
          onChange={(event) => setUnderstood(event.currentTarget.checked)}
          label={
            preview.overwriteCount === 0
              ? t('restore.confirm.understandNone')
              : t('restore.confirm.understand', { n: format.number(preview.overwriteCount) })
          }
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {t('restore.confirm.cancel')}
          </Button>
          <Button color="orange" disabled={!understood || !preview.enoughSpace} onClick={onConfirm}>
            {preview.overwriteCount === 0 ? t('restore.confirm.goNone') : t('restore.confirm.go')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** "Needs 1.5 MB · 120 GB free on this disk", or a red warning when the restore cannot fit. */
function SpaceLine({ preview }: { preview: RestorePreview }) {
  const { t } = useTranslation();
  const format = useFormat();
  const needed = format.bytes(preview.neededBytes);
  const free = preview.freeBytes === null ? null : format.bytes(preview.freeBytes);
  if (!preview.enoughSpace && free !== null) {
    return (
      <Alert
        color="red"
        variant="light"
        role="alert"
        icon={<IconAlertCircle aria-hidden />}
        title={t('restore.target.noSpaceTitle')}
      >
        {t('restore.target.noSpace', { needed, free })}
      </Alert>
    );
  }
  const text =
    free === null
      ? t('restore.target.spaceUnknown', { needed })
      : preview.neededBytes === 0
        ? t('restore.target.spaceFree', { free })
        : t('restore.target.space', { needed, free });
  return (
    <Text size="sm" c="dimmed" data-testid="restore-space">
      {text}
    </Text>
  );
}
