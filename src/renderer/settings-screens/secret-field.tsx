import { Badge, Button, Group, Input, PasswordInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { SecretEdit } from './notify-form-model.ts';

/**
 * A password or token that is never shown back: "Saved" with Replace/Remove when one is stored,
 * otherwise an input. Empty input = keep what is saved.
 */
export function SecretField({
  label,
  saved,
  edit,
  onChange,
}: {
  label: string;
  saved: boolean;
  edit: SecretEdit;
  onChange: (edit: SecretEdit) => void;
}) {
  const { t } = useTranslation();
  if (saved && edit.kind !== 'set') {
    return (
      <Input.Wrapper label={label}>
        <Group gap="sm" mt={4}>
          {edit.kind === 'remove' ? (
            <Badge color="red" variant="light" tt="none">
              {t('settings.secret.willRemove')}
            </Badge>
          ) : (
            <Badge color="teal" variant="light" tt="none">
              {t('settings.secret.saved')}
            </Badge>
          )}
          <Button size="compact-xs" variant="default" onClick={() => onChange({ kind: 'set', value: '' })}>
            {t('settings.secret.replace')}
          </Button>
          {edit.kind === 'remove' ? (
            <Button size="compact-xs" variant="subtle" onClick={() => onChange({ kind: 'keep' })}>
              {t('settings.secret.keep')}
            </Button>
          ) : (
            <Button
              size="compact-xs"
              variant="subtle"
              color="red"
              onClick={() => onChange({ kind: 'remove' })}
            >
              {t('settings.secret.remove')}
            </Button>
          )}
        </Group>
      </Input.Wrapper>
    );
  }
  const value = edit.kind === 'set' ? edit.value : '';
  return (
    <PasswordInput
      label={label}
      description={saved ? t('settings.secret.replacing') : undefined}
      value={value}
      autoComplete="new-password"
      onChange={(e) => {
        const next = e.currentTarget.value;
        onChange(next ? { kind: 'set', value: next } : saved ? { kind: 'set', value: '' } : { kind: 'keep' });
      }}
    />
  );
}
