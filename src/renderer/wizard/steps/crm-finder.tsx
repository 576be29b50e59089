import { Alert, Button, Group, List, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CrmDetectionInfo } from '../../../shared/sources.ts';
import { useClient } from '../../api/client-context.tsx';
import { BrowseButton, besideInput } from '../../components/browse-button.tsx';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { isAbsolutePath } from '../wizard-data.ts';

const warningCodes = [
  'db-settings-missing',
  'db-host-remote',
  'db-name-missing',
  'db-socket-login',
  'filestore-missing',
  'files-missing',
  'files-in-s3',
  'db-type-unsupported',
  'db-url-mismatch',
  'docker-port-unpublished',
] as const;

/**
 * EspoCRM, SuiteCRM, Odoo or Twenty from their install folder: the engine reads the CRM's settings and
 * answers with its database and folders, which join the list.
 */
export function CrmFinder({
  onFound,
  onClose,
}: {
  onFound: (d: CrmDetectionInfo) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const client = useClient();
  const [dir, setDir] = useState('');
  const [tried, setTried] = useState(false);
  const detect = useMutation({
    mutationFn: () => client.call('detectCrm', { installDir: dir.trim() }),
    onSuccess: (found) => found && onFound(found),
  });
  const problem = tried && (!dir.trim() ? 'emptyPath' : !isAbsolutePath(dir.trim()) ? 'relativePath' : null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTried(true);
    if (dir.trim() && isAbsolutePath(dir.trim())) detect.mutate();
  };
  return (
    <Paper withBorder radius="md" p="md" component="form" onSubmit={submit} noValidate>
      <Stack gap="sm">
        <Title order={3} size="h5">
          {t('wizard.crm.title')}
        </Title>
        <Text size="sm">{t('wizard.crm.intro')}</Text>
        <Group align="flex-end" gap="xs">
          <TextInput
            style={{ flex: 1 }}
            label={t('wizard.crm.dirLabel')}
            description={t('wizard.crm.dirExamples')}
            value={dir}
            onChange={(e) => setDir(e.currentTarget.value)}
            error={problem ? t(`wizard.problems.${problem}`) : undefined}
            spellCheck={false}
            autoComplete="off"
            inputContainer={besideInput(
              <BrowseButton label={t('wizard.crm.dirLabel')} defaultPath={dir} onPick={setDir} />,
            )}
          />
          <Button type="submit" loading={detect.isPending}>
            {t('wizard.crm.find')}
          </Button>
          <Button variant="subtle" onClick={onClose}>
            {t('wizard.crm.close')}
          </Button>
        </Group>
        {detect.isError && <ErrorAlert title={t('wizard.crm.failed')} error={detect.error} />}
        {detect.isSuccess && detect.data === null && (
          <Alert color="yellow" variant="light" icon={<IconAlertTriangle aria-hidden />}>
            {t('wizard.crm.notFound')}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}

/** What a detection added, with the CRM's warnings in the user's language. */
export function CrmFound({ detection, onClose }: { detection: CrmDetectionInfo; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  // English users get the engine's own, more specific text; others a translation by code.
  const warningText = (w: CrmDetectionInfo['warnings'][number]) =>
    i18n.resolvedLanguage === 'en' || !(warningCodes as readonly string[]).includes(w.code)
      ? w.message
      : t(`wizard.crm.warnings.${w.code as (typeof warningCodes)[number]}`);
  return (
    <Alert
      color="green"
      variant="light"
      icon={<IconCircleCheck aria-hidden />}
      title={t('wizard.crm.found', { name: detection.name })}
      withCloseButton
      closeButtonLabel={t('wizard.crm.close')}
      onClose={onClose}
    >
      <Stack gap="xs">
        <Text size="sm">{t('wizard.crm.added', { n: detection.sources.length })}</Text>
        {detection.warnings.length > 0 && (
          <List size="sm">
            {detection.warnings.map((w) => (
              <List.Item key={w.code + w.message}>{warningText(w)}</List.Item>
            ))}
          </List>
        )}
      </Stack>
    </Alert>
  );
}
