import { Anchor, Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CloudAccountInfo } from '../../shared/contract.ts';
import { formatLocation, type CloudProviderName } from '../../shared/locations.ts';
import type { RepositoryInfo } from '../../shared/repositories.ts';
import { useEvent } from '../api/client-context.tsx';
import { useJobs } from '../api/queries.ts';
import { ConfirmModal } from '../components/confirm-modal.tsx';
import { DropboxCodeSignIn } from '../components/dropbox-code-sign-in.tsx';
import { ErrorAlert } from '../components/error-alert.tsx';
import { QueryContent } from '../components/query-content.tsx';
import { useFormat } from '../i18n/format.ts';
import {
  useAccounts,
  useDisconnectRepository,
  useKnownRepositories,
  useSignIn,
  useSignOut,
} from './queries.ts';

const providers: CloudProviderName[] = ['gdrive', 'dropbox'];

/** Cloud accounts (sign in again, disconnect) and the backup storages this computer knows. */
export function DestinationsSection() {
  const { t } = useTranslation();
  return (
    <Stack gap="xl">
      <Stack gap="sm">
        <Title order={3} size="h5">
          {t('settings.destinations.accounts')}
        </Title>
        <Accounts />
      </Stack>
      <Stack gap="sm">
        <Title order={3} size="h5">
          {t('settings.destinations.repositories')}
        </Title>
        <Repositories />
      </Stack>
    </Stack>
  );
}

function Accounts() {
  const { t } = useTranslation();
  const format = useFormat();
  const accounts = useAccounts();
  const signIn = useSignIn();
  const [signOutOf, setSignOutOf] = useState<CloudAccountInfo | null>(null);
  const [signInUrl, setSignInUrl] = useState<string | null>(null);
  // On a server the browser cannot be opened for the user: show the link instead.
  useEvent('signInUrl', (event) => setSignInUrl(event.url));
  // A connected account is signed in again from its row: offer "Connect" only for the others.
  const unconnected = providers.filter((p) => !accounts.data?.some((account) => account.provider === p));

  return (
    <Stack gap="sm">
      <QueryContent query={accounts}>
        {(list) =>
          list.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('settings.destinations.noAccounts')}
            </Text>
          ) : (
            <Table verticalSpacing="xs" aria-label={t('settings.destinations.accounts')}>
              <Table.Tbody>
                {list.map((account) => (
                  <Table.Tr key={`${account.provider}:${account.accountId}`}>
                    <Table.Td>
                      <Badge variant="light" tt="none">
                        {t(`settings.destinations.providers.${account.provider}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{account.email ?? account.displayName ?? account.accountId}</Table.Td>
                    <Table.Td c="dimmed" fz="sm">
                      {t('settings.destinations.since', { date: format.date(account.connectedAt) })}
                    </Table.Td>
                    <Table.Td>
                      <Group gap={6} justify="flex-end" wrap="nowrap">
                        <Button
                          size="compact-sm"
                          variant="default"
                          loading={signIn.isPending}
                          onClick={() => signIn.mutate({ provider: account.provider })}
                        >
                          {t('settings.destinations.signInAgain')}
                        </Button>
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          color="red"
                          onClick={() => setSignOutOf(account)}
                        >
                          {t('settings.destinations.disconnect')}
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )
        }
      </QueryContent>
      {unconnected.length > 0 && (
        <Group gap="sm">
          {unconnected.map((provider) => (
            <Button
              key={provider}
              size="compact-sm"
              variant="light"
              loading={signIn.isPending && signIn.variables?.provider === provider}
              onClick={() => signIn.mutate({ provider })}
            >
              {t('settings.destinations.connect', {
                provider: t(`settings.destinations.providers.${provider}`),
              })}
            </Button>
          ))}
        </Group>
      )}
      {signIn.isPending && signInUrl && (
        <Text size="sm">
          {t('settings.destinations.signInLink')}{' '}
          <Anchor href={signInUrl} target="_blank" rel="noreferrer">
            {t('settings.destinations.openSignIn')}
          </Anchor>
        </Text>
      )}
      {signIn.isError && <ErrorAlert error={signIn.error} title={t('settings.destinations.signInFailed')} />}
      {unconnected.includes('dropbox') && <DropboxCodeSignIn onAccount={() => signIn.reset()} />}
      {signOutOf && <SignOutConfirm account={signOutOf} onClose={() => setSignOutOf(null)} />}
    </Stack>
  );
}

function SignOutConfirm({ account, onClose }: { account: CloudAccountInfo; onClose: () => void }) {
  const { t } = useTranslation();
  const signOut = useSignOut();
  const name = account.email ?? account.displayName ?? account.accountId;
  return (
    <ConfirmModal
      title={t('settings.destinations.disconnectTitle', { name })}
      text={t('settings.destinations.disconnectText')}
      confirmLabel={t('settings.destinations.disconnect')}
      action={signOut}
      onConfirm={() =>
        signOut.mutate({ provider: account.provider, accountId: account.accountId }, { onSuccess: onClose })
      }
      onClose={onClose}
    />
  );
}

function Repositories() {
  const { t } = useTranslation();
  const format = useFormat();
  const repositories = useKnownRepositories();
  const jobs = useJobs();
  const [forgetting, setForgetting] = useState<RepositoryInfo | null>(null);
  const jobName = (id: string) => jobs.data?.find((j) => j.id === id)?.name ?? id;

  return (
    <QueryContent query={repositories}>
      {(list) =>
        list.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('settings.destinations.noRepositories')}
          </Text>
        ) : (
          <>
            <Table verticalSpacing="xs" aria-label={t('settings.destinations.repositories')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('settings.destinations.where')}</Table.Th>
                  <Table.Th>{t('settings.destinations.usedBy')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((repo) => (
                  <Table.Tr key={repo.repositoryId}>
                    <Table.Td style={{ wordBreak: 'break-all' }}>{formatLocation(repo.location)}</Table.Td>
                    <Table.Td fz="sm">
                      {repo.jobIds.length > 0
                        ? repo.jobIds.map(jobName).join(', ')
                        : t('settings.destinations.restoreOnly', { date: format.date(repo.connectedAt) })}
                    </Table.Td>
                    <Table.Td>
                      {repo.jobIds.length === 0 && (
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          color="red"
                          onClick={() => setForgetting(repo)}
                        >
                          {t('settings.destinations.forget')}
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {forgetting && <ForgetConfirm repo={forgetting} onClose={() => setForgetting(null)} />}
          </>
        )
      }
    </QueryContent>
  );
}

function ForgetConfirm({ repo, onClose }: { repo: RepositoryInfo; onClose: () => void }) {
  const { t } = useTranslation();
  const forget = useDisconnectRepository();
  return (
    <ConfirmModal
      title={t('settings.destinations.forgetTitle')}
      text={t('settings.destinations.forgetText', { where: formatLocation(repo.location) })}
      confirmLabel={t('settings.destinations.forget')}
      action={forget}
      onConfirm={() => forget.mutate(repo.repositoryId, { onSuccess: onClose })}
      onClose={onClose}
    />
  );
}
