import { Button, Group, List, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { IconPlayerPlay } from '@tabler/icons-react';
import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CloudAccountInfo } from '../../../shared/contract.ts';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { LabelledValues } from '../../components/labelled-values.tsx';
import { useAccounts } from '../cloud-sign-in.tsx';
import { describePlan } from '../wording.ts';
import { needsPassword } from '../../../shared/sources.ts';
import { defaultJobName, sourceLabel, type DestinationChoice, type WizardData } from '../wizard-data.ts';

/** "Google Drive (owner@example.com), folder “Lifeboat”" or the folder's path. */
export function describeDestination(
  choice: DestinationChoice,
  t: TFunction,
  accounts: CloudAccountInfo[] = [],
): string {
  if (choice.kind === 'local') return choice.path.trim();
  const account = accounts.find((a) => a.provider === choice.kind && a.accountId === choice.account);
  return t('wizard.review.cloudPlace', {
    provider: t(`wizard.destination.kinds.${choice.kind}`),
    account: account?.email ?? account?.displayName ?? choice.account,
    folder: choice.folder.trim(),
  });
}

export function ReviewStep({
  data,
  onName,
  askPasswords,
  passwords,
  onPassword,
  onStart,
  starting,
  startError,
  started,
}: {
  data: WizardData;
  onName: (name: string) => void;
  /** Setup was resumed after a restart: database passwords (never saved) are asked again. */
  askPasswords: boolean;
  passwords: string[];
  onPassword: (index: number, password: string) => void;
  onStart: () => void;
  starting: boolean;
  startError: unknown;
  /** The first backup was started: the button gives way to its progress. */
  started: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const accounts = useAccounts();
  const email = data.notify.email.trim();
  const webhook = data.notify.webhook.trim();
  const tell = [
    t('wizard.review.tellProblems'),
    ...(email ? [t('wizard.review.tellEmail', { email })] : []),
    ...(webhook ? [t('wizard.review.tellWebhook')] : []),
  ];
  const nameRow: [string, ReactNode] = [
    t('wizard.review.nameLabel'),
    data.name.trim() || defaultJobName(data),
  ];
  const rows: [string, ReactNode][] = [
    ...(data.jobId ? [nameRow] : []),
    [
      t('wizard.review.what'),
      <List key="what" size="sm" spacing={2}>
        {data.sources.map((s, i) => (
          <List.Item key={i}>{sourceLabel(s)}</List.Item>
        ))}
      </List>,
    ],
    [t('wizard.review.where'), describeDestination(data.destination, t, accounts.data)],
    [
      t('wizard.review.protection'),
      data.repositoryMode === 'existing'
        ? t('wizard.review.protectionExisting')
        : t('wizard.review.protectionNew'),
    ],
    [t('wizard.review.when'), describePlan(data.schedule, data.retention, t, i18n.language)],
    [t('wizard.review.tell'), tell.join(' ')],
  ];

  return (
    <Stack gap="md">
      <Text>{t('wizard.review.intro')}</Text>
      {!data.jobId && (
        <TextInput
          label={t('wizard.review.nameLabel')}
          description={t('wizard.review.nameHint')}
          placeholder={defaultJobName(data)}
          value={data.name}
          onChange={(event) => onName(event.currentTarget.value)}
          maw={460}
        />
      )}
      <LabelledValues rows={rows} labelWidth={160} />
      {askPasswords && data.sources.some(needsPassword) && (
        <Stack gap="xs">
          <Text size="sm">{t('wizard.review.passwordsAgain')}</Text>
          {data.sources.map((s, i) =>
            needsPassword(s) ? (
              <PasswordInput
                key={i}
                label={t('wizard.review.passwordFor', { name: sourceLabel(s) })}
                value={passwords[i] ?? ''}
                onChange={(event) => onPassword(i, event.currentTarget.value)}
                autoComplete="off"
                maw={460}
              />
            ) : null,
          )}
        </Stack>
      )}
      {startError != null && <ErrorAlert title={t('wizard.review.startFailed')} error={startError} />}
      {started ?? (
        <Group>
          <Button size="md" leftSection={<IconPlayerPlay size={18} />} loading={starting} onClick={onStart}>
            {t('wizard.review.start')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
