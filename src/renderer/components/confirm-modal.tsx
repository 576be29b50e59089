import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from './error-alert.tsx';

interface ConfirmModalProps {
  title: string;
  /** What will happen, in plain words. */
  text: ReactNode;
  /** The red button's label: the action itself ("Delete the job"), never a bare "OK". */
  confirmLabel: string;
  /** The mutation the confirmation runs: its progress shows on the button, its error in the dialog. */
  action: { isPending: boolean; error: unknown };
  onConfirm: () => void;
  onClose: () => void;
}

/** A dialog that asks before something that cannot be undone (deleting, disconnecting, forgetting). */
export function ConfirmModal({ title, text, confirmLabel, action, onConfirm, onClose }: ConfirmModalProps) {
  const { t } = useTranslation();
  return (
    <Modal opened onClose={onClose} centered title={title}>
      <Stack gap="md">
        <Text size="sm">{text}</Text>
        {action.error != null && <ErrorAlert error={action.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color="red" loading={action.isPending} onClick={onConfirm}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
