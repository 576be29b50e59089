import { Box, Button, Group, Text } from '@mantine/core';
import { IconFile, IconFolderOpen } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { FilePickerInput } from '../../shared/contract.ts';
import { useClient } from '../api/client-context.tsx';
import { useAppInfo } from '../api/queries.ts';

interface BrowseButtonProps {
  /** A folder (default) or a file. */
  kind?: 'folder' | 'file';
  /** The field's label: the dialog's title, and the button's accessible name ("Browse for: …"). */
  label: string;
  /** Where the dialog opens: the path already typed, when there is one. */
  defaultPath?: string | undefined;
  filters?: FilePickerInput['filters'] | undefined;
  onPick: (path: string) => void;
}

/**
 * "Browse…" next to a path field: the desktop app's native folder or file dialog. Renders nothing where
 * the host has none (the browser UI of the headless host), so there the field is typed as before.
 */
export function BrowseButton({ kind = 'folder', label, defaultPath, filters, onPick }: BrowseButtonProps) {
  const { t } = useTranslation();
  const client = useClient();
  const info = useAppInfo().data;
  const input = {
    title: label.slice(0, 200),
    ...(defaultPath?.trim() ? { defaultPath: defaultPath.trim() } : {}),
  };
  const pick = useMutation({
    mutationFn: () =>
      kind === 'folder'
        ? client.call('chooseFolder', input)
        : client.call('chooseFile', { ...input, ...(filters ? { filters } : {}) }),
    onSuccess: (result) => {
      if (result.path) onPick(result.path);
    },
  });
  if (!(kind === 'folder' ? info?.canChooseFolder : info?.canChooseFile)) return null;
  return (
    <Box>
      <Button
        variant="default"
        leftSection={
          kind === 'folder' ? <IconFolderOpen size={16} aria-hidden /> : <IconFile size={16} aria-hidden />
        }
        loading={pick.isPending}
        onClick={() => pick.mutate()}
        aria-label={t('common.browseFor', { what: label })}
      >
        {t('common.browse')}
      </Button>
      {pick.isError && (
        <Text c="red" size="xs" role="alert" mt={4} maw={220}>
          {t('common.browseFailed')}
        </Text>
      )}
    </Box>
  );
}

/**
 * For a Mantine input's `inputContainer`: the input box, and the button beside it, centred on it (the
 * box may carry a small margin towards a description or error, hence centre rather than top).
 */
export function besideInput(button: ReactNode) {
  return function Container(children: ReactNode) {
    return (
      <Group gap="xs" wrap="nowrap" align="center">
        <Box flex={1} miw={0}>
          {children}
        </Box>
        {button}
      </Group>
    );
  };
}
