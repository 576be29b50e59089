import { Alert, Box, Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';
import { IconAlertCircle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { errorInfoOf } from '../api/client.ts';

interface ErrorAlertProps {
  error: unknown;
  /** What failed, in the user's words; the error's own message then moves into the body. */
  title?: string;
  onRetry?: () => void;
}

/**
 * A user-facing error: the message and hint in the user's language, chosen by the error's code. The
 * Service's own (English) text and details stay folded under "Details" for support. English users see
 * the Service's hint when it sent one, since it is more specific than the generic one.
 */
export function ErrorAlert({ error, title, onRetry }: ErrorAlertProps) {
  const { t, i18n } = useTranslation();
  const info = errorInfoOf(error);
  const message = t(`errors.${info.code}`);
  const hint = i18n.resolvedLanguage === 'en' && info.hint ? info.hint : t(`errorHints.${info.code}`);
  const technical = [info.code, info.message, info.hint, info.details].filter(Boolean).join('\n');

  return (
    <Alert color="red" variant="light" icon={<IconAlertCircle aria-hidden />} title={title ?? message}>
      <Stack gap="sm">
        {title && <Text size="sm">{message}</Text>}
        <Text size="sm">{hint}</Text>
        {onRetry && (
          <Group>
            <Button color="red" size="xs" onClick={onRetry}>
              {t('errorAlert.retry')}
            </Button>
          </Group>
        )}
        <Box component="details" fz="sm">
          <Box component="summary" style={{ cursor: 'pointer' }}>
            {t('errorAlert.details')}
          </Box>
          <Code block mt="xs" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
            {technical}
          </Code>
          <CopyButton value={technical}>
            {({ copied, copy }) => (
              <Button variant="default" size="compact-xs" mt="xs" onClick={copy}>
                {copied ? t('errorAlert.copied') : t('errorAlert.copy')}
              </Button>
            )}
          </CopyButton>
        </Box>
      </Stack>
    </Alert>
  );
}
