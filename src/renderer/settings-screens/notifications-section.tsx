import {
  ActionIcon,
  Alert,
  Button,
  Checkbox,
  Fieldset,
  Group,
  Menu,
  NativeSelect,
  NumberInput,
  Paper,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { IconPlus, IconSend, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { NotificationSettingsView } from '../../shared/contract.ts';
import { notificationSettingsSchema, type ChannelResultInfo } from '../../shared/jobs.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { QueryContent } from '../components/query-content.tsx';
import {
  emptyChannel,
  formFromView,
  saveInputFromForm,
  type ChannelForm,
  type NotifyFormValues,
} from './notify-form-model.ts';
import { useNotificationSettings, useSaveNotificationSettings, useTestNotification } from './queries.ts';
import { SecretField } from './secret-field.tsx';

/** Where alerts go besides the desktop: a mail server, webhooks (Slack, Mattermost…) and Telegram chats. */
export function NotificationsSection() {
  const view = useNotificationSettings();
  return <QueryContent query={view}>{(data) => <NotificationsForm view={data} />}</QueryContent>;
}

const kinds: ChannelForm['kind'][] = ['email', 'webhook', 'telegram'];

function NotificationsForm({ view }: { view: NotificationSettingsView }) {
  const { t } = useTranslation();
  const [values, setValues] = useState<NotifyFormValues>(() => formFromView(view));
  const [invalid, setInvalid] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const save = useSaveNotificationSettings();
  const test = useTestNotification();
  const update = (patch: Partial<NotifyFormValues>) => {
    setSaved(false);
    setValues((v) => ({ ...v, ...patch }));
  };
  const updateChannel = (id: string, patch: Partial<ChannelForm>) =>
    update({ channels: values.channels.map((c) => (c.id === id ? { ...c, ...patch } : c)) });

  const submit = () => {
    const input = saveInputFromForm(values);
    const parsed = notificationSettingsSchema.safeParse(input.settings);
    if (!parsed.success) {
      setInvalid(parsed.error.issues.map((i) => i.path.join('.')).join(', '));
      return;
    }
    setInvalid(null);
    save.mutate(input, {
      // The saved view says which secrets are now stored: start again from it.
      onSuccess: (view) => {
        setValues(formFromView(view));
        setSaved(true);
      },
    });
  };

  return (
    <Stack gap="md">
      <Fieldset legend={t('settings.notify.smtp')}>
        <Stack gap="sm">
          <Switch
            label={t('settings.notify.smtpEnabled')}
            description={t('settings.notify.smtpHint')}
            checked={values.smtpEnabled}
            onChange={(e) => update({ smtpEnabled: e.currentTarget.checked })}
          />
          {values.smtpEnabled && (
            <>
              <Group align="flex-start" wrap="nowrap">
                <TextInput
                  style={{ flex: 1 }}
                  label={t('settings.notify.host')}
                  placeholder="smtp.example.com"
                  value={values.smtp.host}
                  onChange={(e) => update({ smtp: { ...values.smtp, host: e.currentTarget.value } })}
                />
                <NumberInput
                  w={110}
                  label={t('settings.notify.port')}
                  min={1}
                  max={65535}
                  allowDecimal={false}
                  value={values.smtp.port}
                  onChange={(v) => update({ smtp: { ...values.smtp, port: Number(v) || 587 } })}
                />
                <NativeSelect
                  w={290}
                  label={t('settings.notify.security')}
                  value={values.smtp.security}
                  data={(['starttls', 'tls', 'none'] as const).map((s) => ({
                    value: s,
                    label: t(`settings.notify.securities.${s}`),
                  }))}
                  onChange={(e) =>
                    update({
                      smtp: {
                        ...values.smtp,
                        security: e.currentTarget.value as NotifyFormValues['smtp']['security'],
                      },
                    })
                  }
                />
              </Group>
              <Group grow align="flex-start">
                <TextInput
                  label={t('settings.notify.user')}
                  value={values.smtp.user}
                  onChange={(e) => update({ smtp: { ...values.smtp, user: e.currentTarget.value } })}
                />
                <SecretField
                  label={t('settings.notify.password')}
                  saved={values.smtpPasswordSaved}
                  edit={values.smtpPassword}
                  onChange={(smtpPassword) => update({ smtpPassword })}
                />
              </Group>
              <TextInput
                label={t('settings.notify.from')}
                placeholder="Lifeboat <backup@example.com>"
                value={values.smtp.from}
                onChange={(e) => update({ smtp: { ...values.smtp, from: e.currentTarget.value } })}
              />
            </>
          )}
        </Stack>
      </Fieldset>

      <Fieldset legend={t('settings.notify.channels')}>
        <Stack gap="sm">
          {values.channels.length === 0 && (
            <Text size="sm" c="dimmed">
              {t('settings.notify.noChannels')}
            </Text>
          )}
          {values.channels.map((channel) => (
            <ChannelEditor
              key={channel.id}
              channel={channel}
              onChange={(patch) => updateChannel(channel.id, patch)}
              onRemove={() => update({ channels: values.channels.filter((c) => c.id !== channel.id) })}
              onTest={() => test.mutate(channel.id)}
              testing={test.isPending && test.variables === channel.id}
            />
          ))}
          {values.channels.some((c) => c.kind === 'telegram') && (
            <SecretField
              label={t('settings.notify.telegramToken')}
              saved={values.telegramTokenSaved}
              edit={values.telegramToken}
              onChange={(telegramToken) => update({ telegramToken })}
            />
          )}
          <Group>
            <Menu position="bottom-start">
              <Menu.Target>
                <Button variant="light" size="compact-sm" leftSection={<IconPlus size={14} aria-hidden />}>
                  {t('settings.notify.add')}
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                {kinds.map((kind) => (
                  <Menu.Item
                    key={kind}
                    onClick={() =>
                      update({
                        channels: [
                          ...values.channels,
                          emptyChannel(
                            kind,
                            values.channels.map((c) => c.id),
                          ),
                        ],
                      })
                    }
                  >
                    {t(`settings.notify.kinds.${kind}`)}
                  </Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Stack>
      </Fieldset>

      {invalid && (
        <Alert color="red" variant="light" title={t('settings.notify.invalid')}>
          {t('settings.notify.invalidFields', { fields: invalid })}
        </Alert>
      )}
      {save.isError && <ErrorAlert error={save.error} title={t('settings.saveFailed')} />}
      {test.isError && <ErrorAlert error={test.error} title={t('settings.notify.testFailed')} />}
      {test.data && <TestResults results={test.data} />}
      <Group>
        <Button onClick={submit} loading={save.isPending}>
          {t('settings.save')}
        </Button>
        <Button
          variant="default"
          leftSection={<IconSend size={16} aria-hidden />}
          onClick={() => test.mutate(undefined)}
          loading={test.isPending && test.variables === undefined}
        >
          {t('settings.notify.testAll')}
        </Button>
        {saved && (
          <Text size="sm" c="teal" role="status">
            {t('settings.notify.saved')}
          </Text>
        )}
      </Group>
      <Text size="xs" c="dimmed">
        {t('settings.notify.testNote')}
      </Text>
    </Stack>
  );
}

function ChannelEditor({
  channel,
  onChange,
  onRemove,
  onTest,
  testing,
}: {
  channel: ChannelForm;
  onChange: (patch: Partial<ChannelForm>) => void;
  onRemove: () => void;
  onTest: () => void;
  testing: boolean;
}) {
  const { t } = useTranslation();
  const targetLabel = t(`settings.notify.targets.${channel.kind}`);
  return (
    <Paper withBorder radius="md" p="sm">
      <Stack gap="xs">
        <Group justify="space-between">
          <Text fw={600} size="sm">
            {t(`settings.notify.kinds.${channel.kind}`)}
          </Text>
          <Group gap={4}>
            <Button size="compact-xs" variant="subtle" onClick={onTest} loading={testing}>
              {t('settings.notify.test')}
            </Button>
            <ActionIcon
              variant="subtle"
              color="red"
              onClick={onRemove}
              aria-label={t('settings.notify.remove', { kind: t(`settings.notify.kinds.${channel.kind}`) })}
            >
              <IconTrash size={16} aria-hidden />
            </ActionIcon>
          </Group>
        </Group>
        {channel.kind === 'email' ? (
          <Textarea
            label={targetLabel}
            description={t('settings.notify.emailHint')}
            autosize
            minRows={1}
            value={channel.target}
            onChange={(e) => onChange({ target: e.currentTarget.value })}
          />
        ) : (
          <TextInput
            label={targetLabel}
            description={channel.kind === 'telegram' ? t('settings.notify.chatHint') : undefined}
            placeholder={channel.kind === 'webhook' ? 'https://hooks.example.com/…' : undefined}
            value={channel.target}
            onChange={(e) => onChange({ target: e.currentTarget.value })}
          />
        )}
        {channel.kind === 'webhook' && (
          <Group grow align="flex-start">
            <NativeSelect
              label={t('settings.notify.auth')}
              value={channel.auth}
              data={(['none', 'bearer', 'hmac'] as const).map((a) => ({
                value: a,
                label: t(`settings.notify.auths.${a}`),
              }))}
              onChange={(e) => onChange({ auth: e.currentTarget.value as ChannelForm['auth'] })}
            />
            {channel.auth !== 'none' && (
              <SecretField
                label={t('settings.notify.webhookSecret')}
                saved={channel.secretSaved}
                edit={channel.secret}
                onChange={(secret) => onChange({ secret })}
              />
            )}
          </Group>
        )}
        <Group gap="lg">
          <Checkbox
            size="xs"
            label={t('settings.jobs.onFailure')}
            checked={channel.onFailure}
            onChange={(e) => onChange({ onFailure: e.currentTarget.checked })}
          />
          <Checkbox
            size="xs"
            label={t('settings.jobs.onWarning')}
            checked={channel.onWarning}
            onChange={(e) => onChange({ onWarning: e.currentTarget.checked })}
          />
          <Checkbox
            size="xs"
            label={t('settings.jobs.onSuccess')}
            checked={channel.onSuccess}
            onChange={(e) => onChange({ onSuccess: e.currentTarget.checked })}
          />
        </Group>
      </Stack>
    </Paper>
  );
}

function TestResults({ results }: { results: ChannelResultInfo[] }) {
  const { t } = useTranslation();
  if (results.length === 0) return <Alert variant="light">{t('settings.notify.nothingToTest')}</Alert>;
  return (
    <Stack gap={4} role="status">
      {results.map((r) => (
        <Alert key={r.channel} variant="light" color={r.ok ? 'teal' : r.skipped ? 'gray' : 'red'} p="xs">
          {r.ok
            ? t('settings.notify.testOk', { channel: r.channel })
            : r.skipped
              ? t('settings.notify.testSkipped', { channel: r.channel })
              : t('settings.notify.testError', {
                  channel: r.channel,
                  message: r.error ? t(`errors.${r.error.code}`) : '',
                })}
        </Alert>
      ))}
    </Stack>
  );
}
