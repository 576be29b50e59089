import { Alert, Loader } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useConnectionState } from '../api/client-context.tsx';

/** Shown only while the headless link is down; in Electron the state is always `open`. */
export function ConnectionBanner() {
  const { t } = useTranslation();
  const state = useConnectionState();
  if (state !== 'reconnecting') return null;
  return (
    <Alert
      role="status"
      color="yellow"
      variant="light"
      mb="md"
      py={6}
      icon={<Loader size={14} color="yellow" aria-hidden />}
      styles={{ icon: { marginTop: 0 }, wrapper: { alignItems: 'center' } }}
    >
      {t('connection.reconnecting')}
    </Alert>
  );
}
