import { Anchor, Button, Group, Loader, Paper, Stack, Text, TextInput } from '@mantine/core';
import { IconExternalLink } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CloudAccountInfo } from '../../shared/contract.ts';
import { useClient } from '../api/client-context.tsx';
import { ErrorAlert } from './error-alert.tsx';

/**
 * Dropbox sign-in with a code to paste, for when the browser cannot come back to Lifeboat: it runs
 * on another device, or security software blocks the ports the usual sign-in listens on. Dropbox's
 * page shows a code; pasting it here finishes the sign-in.
 */
export function DropboxCodeSignIn({ onAccount }: { onAccount?: (account: CloudAccountInfo) => void }) {
  const { t } = useTranslation();
  const client = useClient();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [code, setCode] = useState('');
  const begin = useMutation({ mutationFn: () => client.call('beginDropboxCodeSignIn') });
  const complete = useMutation({
    mutationFn: () => client.call('completeDropboxCodeSignIn', { code }),
    onSuccess: async (account) => {
      await queryClient.invalidateQueries({ queryKey: ['listAccounts'] });
      close();
      onAccount?.(account);
    },
  });
  const close = () => {
    setOpen(false);
    setCode('');
    begin.reset();
    complete.reset();
  };

  if (!open) {
    return (
      <Anchor
        component="button"
        type="button"
        size="sm"
        ta="start"
        style={{ alignSelf: 'flex-start' }}
        onClick={() => {
          setOpen(true);
          begin.mutate();
        }}
      >
        {t('dropboxCode.offer')}
      </Anchor>
    );
  }
  return (
    <Paper withBorder p="md" maw={560}>
      <Stack gap="sm">
        <Text fw={600}>{t('dropboxCode.title')}</Text>
        <Text size="sm">{t('dropboxCode.step1')}</Text>
        {begin.isPending && <Loader size="xs" aria-label={t('common.loading')} />}
        {begin.isError && <ErrorAlert error={begin.error} title={t('dropboxCode.failed')} />}
        {begin.data && (
          <Button
            component="a"
            href={begin.data.url}
            target="_blank"
            rel="noopener"
            variant="light"
            w="fit-content"
            leftSection={<IconExternalLink size={16} aria-hidden />}
          >
            {t('dropboxCode.openPage')}
          </Button>
        )}
        <TextInput
          label={t('dropboxCode.codeLabel')}
          description={t('dropboxCode.step2')}
          value={code}
          onChange={(event) => setCode(event.currentTarget.value)}
          autoComplete="off"
          spellCheck={false}
        />
        <Group gap="sm">
          <Button
            onClick={() => complete.mutate()}
            disabled={!begin.data || code.trim() === ''}
            loading={complete.isPending}
          >
            {t('dropboxCode.submit')}
          </Button>
          <Button variant="subtle" onClick={close}>
            {t('common.cancel')}
          </Button>
        </Group>
        {complete.isError && <ErrorAlert error={complete.error} title={t('dropboxCode.failed')} />}
      </Stack>
    </Paper>
  );
}
