import { Alert, Button, Group, List, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconDatabase, IconInfoCircle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { DestinationCheck } from '../../../shared/repositories.ts';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { useFormat } from '../../i18n/format.ts';
import { LocationFields } from '../location-fields.tsx';
import type { DestinationChoice } from '../wizard-data.ts';

export function DestinationStep({
  choice,
  onChange,
  problem,
  check,
  checking,
  checkError,
  onCheck,
}: {
  choice: DestinationChoice;
  onChange: (choice: DestinationChoice) => void;
  problem: string | undefined;
  /** The check of the destination as it is now (null: not checked yet, or changed since). */
  check: DestinationCheck | null;
  checking: boolean;
  checkError: unknown;
  onCheck: () => void;
}) {
  const { t } = useTranslation();
  return (
    <Stack gap="md">
      <Text>{t('wizard.destination.intro')}</Text>
      <LocationFields value={choice} onChange={onChange} error={problem} />
      <Group>
        <Button variant="default" loading={checking} onClick={onCheck}>
          {t('wizard.destination.check')}
        </Button>
      </Group>
      {checkError != null && <ErrorAlert title={t('wizard.destination.checkFailed')} error={checkError} />}
      {check && <CheckResult check={check} />}
    </Stack>
  );
}

function CheckResult({ check }: { check: DestinationCheck }) {
  const { t } = useTranslation();
  const format = useFormat();
  const space =
    check.freeBytes === null
      ? t('wizard.destination.spaceUnknown')
      : check.totalBytes === null
        ? t('wizard.destination.spaceFree', { free: format.bytes(check.freeBytes) })
        : t('wizard.destination.spaceFreeOf', {
            free: format.bytes(check.freeBytes),
            total: format.bytes(check.totalBytes),
          });
  return (
    <Stack gap="sm" aria-live="polite">
      {check.state === 'repository' ? (
        <Alert
          color="blue"
          variant="light"
          icon={<IconDatabase aria-hidden />}
          title={t('wizard.destination.existingTitle')}
        >
          {t('wizard.destination.existingText')}
        </Alert>
      ) : (
        <Alert
          color="green"
          variant="light"
          icon={<IconCircleCheck aria-hidden />}
          title={t('wizard.destination.okTitle')}
        >
          {space}
        </Alert>
      )}
      {check.state === 'repository' && <Text size="sm">{space}</Text>}
      {check.state === 'other' && (
        <Alert color="yellow" variant="light" icon={<IconInfoCircle aria-hidden />}>
          {t('wizard.destination.otherFiles')}
        </Alert>
      )}
      {check.sameDiskAs.length > 0 && (
        <Alert
          color="orange"
          variant="light"
          icon={<IconAlertTriangle aria-hidden />}
          title={t('wizard.destination.sameDiskTitle')}
        >
          <Text size="sm">{t('wizard.destination.sameDiskText')}</Text>
          <List size="sm" mt="xs">
            {check.sameDiskAs.map((p) => (
              <List.Item key={p}>{p}</List.Item>
            ))}
          </List>
        </Alert>
      )}
    </Stack>
  );
}
