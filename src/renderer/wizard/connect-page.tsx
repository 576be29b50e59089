import { Alert, Button, Group, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { IconHistory, IconPlugConnected, IconRestore, IconShieldCheck } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { RepositoryInfo } from '../../shared/repositories.ts';
import { useClient } from '../api/client-context.tsx';
import { ErrorAlert } from '../components/error-alert.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { hrefWith } from '../router/hash-router.ts';
import { LocationFields } from './location-fields.tsx';
import { destinationProblems, locationOf, type DestinationChoice } from './wizard-data.ts';

/**
 * "Restore on a new computer": the disaster-recovery path from a fresh install. Where the backups
 * are, their password (from the Recovery Kit), then straight to the timeline or a restore.
 */
export function ConnectPage() {
  const { t } = useTranslation();
  const client = useClient();
  const queryClient = useQueryClient();
  const [choice, setChoice] = useState<DestinationChoice>({
    kind: 'local',
    path: '',
    folder: 'Lifeboat',
    account: '',
  });
  const [password, setPassword] = useState('');
  const [showErrors, setShowErrors] = useState(false);
  const connect = useMutation<RepositoryInfo, Error>({
    mutationFn: () =>
      client.call('connectRepository', { location: locationOf(choice), password: password.trim() }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['listRepositories'] }),
  });
  const problems = destinationProblems(choice);
  const placeProblem = problems.find((p) => p !== 'notSignedIn');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (problems.length === 0 && password.trim()) connect.mutate();
  };

  if (connect.isSuccess) {
    const repo = connect.data.repositoryId;
    return (
      <Stack gap="lg">
        <PageHeader title={t('wizard.connect.title')} intro={t('wizard.connect.intro')} />
        <Alert
          color="green"
          variant="light"
          icon={<IconShieldCheck aria-hidden />}
          title={t('wizard.connect.doneTitle')}
        >
          <Stack gap="sm">
            <Text size="sm">{t('wizard.connect.doneText')}</Text>
            <Group>
              <Button
                component="a"
                href={hrefWith('backups', { repo })}
                leftSection={<IconHistory size={16} />}
              >
                {t('wizard.connect.toBackups')}
              </Button>
              <Button
                component="a"
                variant="default"
                href={hrefWith('restore', { repo })}
                leftSection={<IconRestore size={16} />}
              >
                {t('wizard.connect.toRestore')}
              </Button>
            </Group>
          </Stack>
        </Alert>
      </Stack>
    );
  }

  return (
    <Stack gap="lg">
      <PageHeader title={t('wizard.connect.title')} intro={t('wizard.connect.intro')} />
      <Paper withBorder radius="md" p="lg" component="form" onSubmit={submit} noValidate>
        <Stack gap="lg">
          <Stack gap="sm">
            <Title order={2} size="h4">
              {t('wizard.connect.whereTitle')}
            </Title>
            <LocationFields
              value={choice}
              onChange={setChoice}
              kindLabel={t('wizard.connect.kindLabel')}
              error={showErrors && placeProblem ? t(`wizard.problems.${placeProblem}`) : undefined}
            />
            {showErrors && problems.includes('notSignedIn') && (
              <Text c="red" size="sm" role="alert">
                {t('wizard.problems.notSignedIn')}
              </Text>
            )}
          </Stack>
          <Stack gap="sm">
            <Title order={2} size="h4">
              {t('wizard.connect.passwordTitle')}
            </Title>
            <PasswordInput
              label={t('wizard.connect.passwordLabel')}
              description={t('wizard.connect.passwordHint')}
              value={password}
              onChange={(event) => setPassword(event.currentTarget.value)}
              error={showErrors && !password.trim() ? t('wizard.problems.noExistingPassword') : undefined}
              autoComplete="off"
              maw={460}
            />
          </Stack>
          {connect.isError && <ErrorAlert title={t('wizard.connect.failed')} error={connect.error} />}
          <Group>
            <Button type="submit" loading={connect.isPending} leftSection={<IconPlugConnected size={16} />}>
              {t('wizard.connect.submit')}
            </Button>
          </Group>
        </Stack>
      </Paper>
    </Stack>
  );
}
