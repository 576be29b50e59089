import { SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useCallback, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowseButton, besideInput } from '../components/browse-button.tsx';
import { CloudSignIn } from './cloud-sign-in.tsx';
import { destinationKinds, type DestinationChoice, type DestinationKind } from './wizard-data.ts';

/**
 * Where backups are (or will be): a folder (also a NAS share or a USB disk), or a folder in Google
 * Drive / Dropbox with the account to use. Shared by the wizard and "Restore on a new computer".
 */
export function LocationFields({
  value,
  onChange,
  error,
  kindLabel,
}: {
  value: DestinationChoice;
  onChange: (next: DestinationChoice) => void;
  /** The question above the choice of place (the wizard asks where to keep, "new computer" where they are). */
  kindLabel?: string;
  /** A problem with the folder field, already translated. */
  error?: string | undefined;
}) {
  const { t } = useTranslation();
  const kindId = useId();
  const setAccount = useCallback((account: string) => onChange({ ...value, account }), [onChange, value]);

  return (
    <Stack gap="md">
      <div>
        <Text component="label" id={kindId} fw={500} size="sm" mb={4} display="block">
          {kindLabel ?? t('wizard.destination.kindLabel')}
        </Text>
        <SegmentedControl
          aria-labelledby={kindId}
          value={value.kind}
          onChange={(kind) => onChange({ ...value, kind: kind as DestinationKind, account: '' })}
          data={destinationKinds.map((kind) => ({
            value: kind,
            label: t(`wizard.destination.kinds.${kind}`),
          }))}
        />
      </div>
      {value.kind === 'local' ? (
        <TextInput
          label={t('wizard.destination.pathLabel')}
          description={t('wizard.destination.pathExamples')}
          placeholder={t('wizard.destination.pathPlaceholder')}
          value={value.path}
          error={error}
          onChange={(event) => onChange({ ...value, path: event.currentTarget.value })}
          spellCheck={false}
          autoComplete="off"
          inputContainer={besideInput(
            <BrowseButton
              label={t('wizard.destination.pathLabel')}
              defaultPath={value.path}
              onPick={(path) => onChange({ ...value, path })}
            />,
          )}
        />
      ) : (
        <>
          <CloudSignIn provider={value.kind} account={value.account} onAccount={setAccount} />
          <TextInput
            label={t('wizard.destination.cloudFolderLabel', {
              provider: t(`wizard.destination.kinds.${value.kind}`),
            })}
            description={t('wizard.destination.cloudFolderHint')}
            value={value.folder}
            error={error}
            onChange={(event) => onChange({ ...value, folder: event.currentTarget.value })}
            spellCheck={false}
            autoComplete="off"
          />
        </>
      )}
    </Stack>
  );
}
