import {
  Accordion,
  Button,
  Checkbox,
  Group,
  NativeSelect,
  NumberInput,
  PasswordInput,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { IconCircleCheck, IconSend } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ClientError } from '../../api/client.ts';
import { useClient } from '../../api/client-context.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { notifyProblems, wizardChannelIds, type NotifyProblem } from '../notify-settings.ts';
import type { WizardData } from '../wizard-data.ts';

type Notify = WizardData['notify'];

export function NotifyStep({
  notify,
  onChange,
  smtpPassword,
  onSmtpPassword,
  smtpConfigured,
  onSave,
  showErrors,
}: {
  notify: Notify;
  onChange: (notify: Notify) => void;
  smtpPassword: string;
  onSmtpPassword: (password: string) => void;
  /** A mail server is already set up in the settings. */
  smtpConfigured: boolean;
  /** Saves the choices as notification settings (the test goes through the saved settings). */
  onSave: () => Promise<void>;
  showErrors: boolean;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const problems = notifyProblems(notify, smtpConfigured);
  const test = useMutation({
    mutationFn: async () => {
      await onSave();
      return Promise.all(
        wizardChannelIds(notify).map((channelId) => client.call('testNotification', { channelId })),
      );
    },
  });
  const results = test.data?.flat() ?? [];
  const smtp = notify.smtp;
  const setSmtp = (patch: Partial<Notify['smtp']>) => onChange({ ...notify, smtp: { ...smtp, ...patch } });
  const problem = (key: NotifyProblem) =>
    (showErrors || key !== 'noMailServer') && problems.includes(key)
      ? t(`wizard.problems.${key}`)
      : undefined;

  return (
    <Stack gap="md">
      <Text>{t('wizard.notify.intro')}</Text>
      <TextInput
        type="email"
        label={t('wizard.notify.emailLabel')}
        description={t('wizard.notify.emailHint')}
        placeholder="owner@example.com"
        value={notify.email}
        onChange={(event) => onChange({ ...notify, email: event.currentTarget.value })}
        error={notify.email.trim() ? problem('badEmail') : undefined}
        maw={460}
      />
      {notify.email.trim() && !smtpConfigured && (
        <Accordion variant="contained" defaultValue="smtp">
          <Accordion.Item value="smtp">
            <Accordion.Control>{t('wizard.notify.smtpTitle')}</Accordion.Control>
            <Accordion.Panel>
              <Stack gap="sm">
                <Text size="sm" c="dimmed">
                  {t('wizard.notify.smtpHint')}
                </Text>
                {problem('noMailServer') && (
                  <Text size="sm" c="red" role="alert">
                    {problem('noMailServer')}
                  </Text>
                )}
                <SimpleGrid cols={3} spacing="sm">
                  <TextInput
                    label={t('wizard.notify.smtpHost')}
                    placeholder="smtp.example.com"
                    value={smtp.host}
                    onChange={(e) => setSmtp({ host: e.currentTarget.value })}
                  />
                  <NumberInput
                    label={t('wizard.notify.smtpPort')}
                    min={1}
                    max={65535}
                    value={smtp.port}
                    onChange={(v) => setSmtp({ port: Number(v) || 587 })}
                  />
                  <NativeSelect
                    label={t('wizard.notify.smtpSecurity')}
                    value={smtp.security}
                    data={(['starttls', 'tls', 'none'] as const).map((value) => ({
                      value,
                      label: t(`wizard.notify.security.${value}`),
                    }))}
                    onChange={(e) =>
                      setSmtp({ security: e.currentTarget.value as Notify['smtp']['security'] })
                    }
                  />
                  <TextInput
                    label={t('wizard.notify.smtpUser')}
                    value={smtp.user}
                    onChange={(e) => setSmtp({ user: e.currentTarget.value })}
                    autoComplete="off"
                  />
                  <PasswordInput
                    label={t('wizard.notify.smtpPassword')}
                    value={smtpPassword}
                    onChange={(e) => onSmtpPassword(e.currentTarget.value)}
                    autoComplete="off"
                  />
                  <TextInput
                    label={t('wizard.notify.smtpFrom')}
                    placeholder="Lifeboat <backup@example.com>"
                    value={smtp.from}
                    onChange={(e) => setSmtp({ from: e.currentTarget.value })}
                  />
                </SimpleGrid>
              </Stack>
            </Accordion.Panel>
          </Accordion.Item>
        </Accordion>
      )}
      {notify.email.trim() && smtpConfigured && (
        <Text size="sm" c="dimmed">
          {t('wizard.notify.smtpKnown')}
        </Text>
      )}
      <TextInput
        type="url"
        label={t('wizard.notify.webhookLabel')}
        description={t('wizard.notify.webhookHint')}
        placeholder="https://"
        value={notify.webhook}
        onChange={(event) => onChange({ ...notify, webhook: event.currentTarget.value })}
        error={notify.webhook.trim() ? problem('badWebhook') : undefined}
        maw={460}
      />
      <Checkbox
        label={t('wizard.notify.onSuccess')}
        checked={notify.onSuccess}
        onChange={(event) => onChange({ ...notify, onSuccess: event.currentTarget.checked })}
      />
      <Text size="sm" c="dimmed">
        {t('wizard.notify.always')}
      </Text>
      {wizardChannelIds(notify).length > 0 && (
        <Group>
          <Button
            variant="default"
            leftSection={<IconSend size={16} />}
            loading={test.isPending}
            disabled={problems.length > 0}
            onClick={() => test.mutate()}
          >
            {t('wizard.notify.test')}
          </Button>
        </Group>
      )}
      {test.isError && <ErrorAlert title={t('wizard.notify.testFailed')} error={test.error} />}
      {results.length > 0 && (
        <Stack gap="xs" aria-live="polite">
          {results.map((result) =>
            result.ok ? (
              <Group key={result.channel} gap="xs">
                <IconCircleCheck color="var(--mantine-color-green-6)" size={18} aria-hidden />
                <Text size="sm">{t(`wizard.notify.sent.${result.kind}`)}</Text>
              </Group>
            ) : (
              <ErrorAlert
                key={result.channel}
                title={t(`wizard.notify.notSent.${result.kind}`)}
                error={
                  new ClientError(
                    result.error ?? { code: 'INTERNAL', message: 'The test message was not sent.' },
                  )
                }
              />
            ),
          )}
        </Stack>
      )}
    </Stack>
  );
}
