import {
  Alert,
  Button,
  Checkbox,
  Code,
  CopyButton,
  Group,
  Paper,
  PasswordInput,
  Progress,
  Radio,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { IconCircleCheck, IconDownload, IconPrinter, IconRefresh } from '@tabler/icons-react';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { estimateStrength, type StrengthLevel } from '../password.ts';
import { downloadKit, printKit, recoveryKitHtml, type RecoveryKitText } from '../recovery-kit.ts';

export interface PasswordState {
  /** The generated password, or the user's own. */
  generated: string;
  own: boolean;
  ownValue: string;
  ownConfirm: string;
  kitSaved: boolean;
  /** The password of a repository that is already at the destination. */
  existing: string;
}

export function chosenPassword(state: PasswordState): string {
  return state.own ? state.ownValue : state.generated;
}

/** Why the step cannot go on yet (an i18n key under wizard.problems), or null. */
export function passwordProblem(state: PasswordState, mode: 'create' | 'existing'): string | null {
  if (mode === 'existing') return state.existing ? null : 'noExistingPassword';
  if (state.own) {
    if (!estimateStrength(state.ownValue).acceptable) return 'weakPassword';
    if (state.ownValue !== state.ownConfirm) return 'passwordMismatch';
  }
  return state.kitSaved ? null : 'kitNotSaved';
}

const meterColor: Record<StrengthLevel, string> = {
  tooWeak: 'red',
  weak: 'orange',
  fair: 'yellow',
  good: 'teal',
  strong: 'green',
};

export function kitText(t: TFunction, lang: string, location: string): RecoveryKitText {
  return {
    lang,
    title: t('wizard.kit.title'),
    intro: t('wizard.kit.intro'),
    locationLabel: t('wizard.kit.location'),
    passwordLabel: t('wizard.kit.password'),
    repositoryIdLabel: t('wizard.kit.repositoryId'),
    createdLabel: t('wizard.kit.created'),
    stepsTitle: t('wizard.kit.stepsTitle'),
    steps: [
      t('wizard.kit.step1'),
      t('wizard.kit.step2', { button: t('nav.connect') }),
      t('wizard.kit.step3', { location }),
      t('wizard.kit.step4'),
      t('wizard.kit.step5'),
    ],
    warning: t('wizard.kit.warning'),
  };
}

export function ProtectStep({
  mode,
  state,
  onChange,
  onRegenerate,
  created,
  location,
  repositoryId,
  showErrors,
}: {
  mode: 'create' | 'existing';
  state: PasswordState;
  onChange: (state: PasswordState) => void;
  onRegenerate: () => void;
  /** The repository was already created (or connected) for this destination. */
  created: boolean;
  /** The destination in words, for the kit. */
  location: string;
  repositoryId: string | null;
  showErrors: boolean;
}) {
  const { t } = useTranslation();
  const set = (patch: Partial<PasswordState>) => onChange({ ...state, ...patch });

  if (created) {
    return (
      <Stack gap="md">
        <Alert
          color="green"
          variant="light"
          icon={<IconCircleCheck aria-hidden />}
          title={t('wizard.protect.readyTitle')}
        >
          {mode === 'existing' ? t('wizard.protect.connectedText') : t('wizard.protect.readyText')}
        </Alert>
        {mode === 'create' && chosenPassword(state) && (
          <RecoveryKit
            state={state}
            location={location}
            repositoryId={repositoryId}
            onChange={onChange}
            showErrors={false}
          />
        )}
      </Stack>
    );
  }

  if (mode === 'existing') {
    return (
      <Stack gap="md">
        <Text>{t('wizard.protect.existingIntro')}</Text>
        <PasswordInput
          label={t('wizard.protect.existingLabel')}
          description={t('wizard.protect.existingHint')}
          value={state.existing}
          onChange={(event) => set({ existing: event.currentTarget.value })}
          error={showErrors && !state.existing ? t('wizard.problems.noExistingPassword') : undefined}
          maw={460}
        />
      </Stack>
    );
  }

  const strength = estimateStrength(state.ownValue);
  return (
    <Stack gap="md">
      <Text>{t('wizard.protect.intro')}</Text>
      <Radio.Group
        label={t('wizard.protect.choiceLabel')}
        value={state.own ? 'own' : 'generated'}
        onChange={(value) => set({ own: value === 'own', kitSaved: false })}
      >
        <Stack gap="xs" mt="xs">
          <Radio value="generated" label={t('wizard.protect.generated')} />
          <Radio value="own" label={t('wizard.protect.own')} />
        </Stack>
      </Radio.Group>

      {state.own ? (
        <Stack gap="xs" maw={460}>
          <PasswordInput
            label={t('wizard.protect.ownLabel')}
            description={t('wizard.protect.ownHint')}
            value={state.ownValue}
            onChange={(event) => set({ ownValue: event.currentTarget.value, kitSaved: false })}
            error={showErrors && !strength.acceptable ? t('wizard.problems.weakPassword') : undefined}
          />
          <Progress
            value={strength.percent}
            color={meterColor[strength.level]}
            size="sm"
            aria-label={t('wizard.protect.strengthLabel')}
          />
          <Text size="sm" c="dimmed" aria-live="polite">
            {t('wizard.protect.strength', { level: t(`wizard.protect.levels.${strength.level}`) })}
          </Text>
          <PasswordInput
            label={t('wizard.protect.confirmLabel')}
            value={state.ownConfirm}
            onChange={(event) => set({ ownConfirm: event.currentTarget.value })}
            error={
              state.ownConfirm && state.ownConfirm !== state.ownValue
                ? t('wizard.problems.passwordMismatch')
                : undefined
            }
          />
        </Stack>
      ) : (
        <Group gap="sm" align="center">
          <Code
            fz="lg"
            px="md"
            py={6}
            data-testid="generated-password"
            aria-label={t('wizard.protect.generatedLabel')}
          >
            {state.generated}
          </Code>
          <CopyButton value={state.generated}>
            {({ copied, copy }) => (
              <Button variant="default" size="xs" onClick={copy}>
                {copied ? t('wizard.protect.copied') : t('wizard.protect.copy')}
              </Button>
            )}
          </CopyButton>
          <Button variant="subtle" size="xs" leftSection={<IconRefresh size={14} />} onClick={onRegenerate}>
            {t('wizard.protect.another')}
          </Button>
        </Group>
      )}

      <RecoveryKit
        state={state}
        location={location}
        repositoryId={repositoryId}
        onChange={onChange}
        showErrors={showErrors}
      />
    </Stack>
  );
}

function RecoveryKit({
  state,
  location,
  repositoryId,
  onChange,
  showErrors,
}: {
  state: PasswordState;
  location: string;
  repositoryId: string | null;
  onChange: (state: PasswordState) => void;
  showErrors: boolean;
}) {
  const { t, i18n } = useTranslation();
  const [blocked, setBlocked] = useState(false);
  const password = chosenPassword(state);
  const usable = state.own
    ? estimateStrength(state.ownValue).acceptable && state.ownValue === state.ownConfirm
    : true;
  const html = () =>
    recoveryKitHtml(kitText(t, i18n.language, location), {
      location,
      password,
      repositoryId,
      created: new Date().toLocaleString(i18n.language),
    });

  return (
    <Paper withBorder radius="md" p="md">
      <Stack gap="sm">
        <Title order={2} size="h5">
          {t('wizard.kit.heading')}
        </Title>
        <Text size="sm">{t('wizard.kit.why')}</Text>
        <Group gap="sm">
          <Button
            variant="light"
            leftSection={<IconPrinter size={16} />}
            disabled={!usable}
            onClick={() => setBlocked(!printKit(html()))}
          >
            {t('wizard.kit.print')}
          </Button>
          <Button
            variant="light"
            leftSection={<IconDownload size={16} />}
            disabled={!usable}
            onClick={() => downloadKit(html(), t('wizard.kit.fileName'))}
          >
            {t('wizard.kit.download')}
          </Button>
        </Group>
        {blocked && (
          <Text size="sm" c="orange">
            {t('wizard.kit.popupBlocked')}
          </Text>
        )}
        <Checkbox
          label={t('wizard.kit.saved')}
          checked={state.kitSaved}
          disabled={!usable}
          onChange={(event) => onChange({ ...state, kitSaved: event.currentTarget.checked })}
          error={showErrors && !state.kitSaved ? t('wizard.problems.kitNotSaved') : undefined}
        />
      </Stack>
    </Paper>
  );
}
