import { Alert, Button, Group, Loader, NativeSelect, Stack, Text } from '@mantine/core';
import { IconExternalLink, IconLogin } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CloudAccountInfo } from '../../shared/contract.ts';
import type { CloudProviderName } from '../../shared/locations.ts';
import { useClient, useEvent } from '../api/client-context.tsx';
import { DropboxCodeSignIn } from '../components/dropbox-code-sign-in.tsx';
import { ErrorAlert } from '../components/error-alert.tsx';

export const accountsKey = ['listAccounts'] as const;

export function useAccounts() {
  const client = useClient();
  return useQuery<CloudAccountInfo[]>({ queryKey: accountsKey, queryFn: () => client.call('listAccounts') });
}

/**
 * Signing in to Google Drive or Dropbox. The engine opens the provider's page in the browser on the
 * desktop; on a server opened in a browser nothing can open it, so the link (the `signInUrl` event) is
 * shown as a button too. The call returns once the user approved access.
 */
export function CloudSignIn({
  provider,
  account,
  onAccount,
}: {
  provider: CloudProviderName;
  account: string;
  onAccount: (accountId: string) => void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const queryClient = useQueryClient();
  const accounts = useAccounts();
  const [url, setUrl] = useState<string | null>(null);
  const providerName = t(`wizard.destination.kinds.${provider}`);
  useEvent('signInUrl', (event) => {
    if (event.provider === provider) setUrl(event.url);
  });
  const signIn = useMutation({
    mutationFn: () => client.call('signIn', { provider }),
    onMutate: () => setUrl(null),
    onSuccess: async (signedIn) => {
      setUrl(null);
      await queryClient.invalidateQueries({ queryKey: accountsKey });
      onAccount(signedIn.accountId);
    },
  });
  const mine = (accounts.data ?? []).filter((a) => a.provider === provider);
  const codeSignIn = provider === 'dropbox' && (
    <DropboxCodeSignIn
      onAccount={(signedIn) => {
        signIn.reset(); // a browser sign-in still waiting is not needed any more
        onAccount(signedIn.accountId);
      }}
    />
  );

  // The first account of the provider is the natural choice; keep the one chosen if it is still there.
  useEffect(() => {
    const first = mine[0];
    if (first && !mine.some((a) => a.accountId === account)) onAccount(first.accountId);
  }, [mine, account, onAccount]);

  if (signIn.isPending) {
    return (
      <Alert variant="light" color="blue" title={t('wizard.signIn.waitingTitle', { provider: providerName })}>
        <Stack gap="sm">
          <Group gap="xs">
            <Loader size="xs" />
            <Text size="sm">{t('wizard.signIn.waiting')}</Text>
          </Group>
          <Group>
            {url && (
              <Button
                component="a"
                href={url}
                target="_blank"
                rel="noopener"
                leftSection={<IconExternalLink size={16} />}
              >
                {t('wizard.signIn.openPage')}
              </Button>
            )}
            {/* The engine gives up by itself later; this only frees the page (a closed browser tab, second thoughts). */}
            <Button variant="subtle" onClick={() => signIn.reset()}>
              {t('wizard.signIn.cancel')}
            </Button>
          </Group>
          {codeSignIn}
        </Stack>
      </Alert>
    );
  }

  return (
    <Stack gap="sm">
      {mine.length > 0 ? (
        <Group align="flex-end" gap="sm">
          <NativeSelect
            label={t('wizard.signIn.account', { provider: providerName })}
            value={account}
            data={mine.map((a) => ({ value: a.accountId, label: a.email ?? a.displayName ?? a.accountId }))}
            onChange={(event) => onAccount(event.currentTarget.value)}
            style={{ flex: 1, maxWidth: 360 }}
          />
          <Button variant="default" onClick={() => signIn.mutate()}>
            {t('wizard.signIn.another')}
          </Button>
        </Group>
      ) : (
        <Stack gap="xs" align="flex-start">
          <Text size="sm">{t('wizard.signIn.why', { provider: providerName })}</Text>
          <Button leftSection={<IconLogin size={16} />} onClick={() => signIn.mutate()}>
            {t('wizard.signIn.button', { provider: providerName })}
          </Button>
        </Stack>
      )}
      {signIn.isError && <ErrorAlert title={t('wizard.signIn.failed')} error={signIn.error} />}
      {codeSignIn}
    </Stack>
  );
}
