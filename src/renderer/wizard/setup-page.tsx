import { Button, Group, Paper, Stack, Stepper, Text, Title } from '@mantine/core';
import { IconArrowLeft, IconArrowRight } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { scheduleSchema } from '../../shared/jobs.ts';
import { formatLocation } from '../../shared/locations.ts';
import type { DestinationCheck, SetupDraft } from '../../shared/repositories.ts';
import { ClientError } from '../api/client.ts';
import { useClient } from '../api/client-context.tsx';
import { ErrorAlert } from '../components/error-alert.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { QueryContent } from '../components/query-content.tsx';
import { useAccounts } from './cloud-sign-in.tsx';
import { FirstBackup } from './first-backup.tsx';
import { mergeNotifySettings, notifyProblems, smtpOf, wizardChannelIds } from './notify-settings.ts';
import { generatePassword } from './password.ts';
import { DestinationStep } from './steps/destination-step.tsx';
import { NotifyStep } from './steps/notify-step.tsx';
import { chosenPassword, passwordProblem, ProtectStep, type PasswordState } from './steps/protect-step.tsx';
import { describeDestination, ReviewStep } from './steps/review-step.tsx';
import { ScheduleStep } from './steps/schedule-step.tsx';
import { SourcesStep } from './steps/sources-step.tsx';
import { WelcomeStep } from './steps/welcome-step.tsx';
import {
  currentRepositoryId,
  defaultJobName,
  destinationProblems,
  fromDraft,
  jobDraftOf,
  locationKey,
  locationOf,
  sourceProblems,
  stepIds,
  toDraft,
  type WizardData,
} from './wizard-data.ts';

/** An engine without drafts yet (UNSUPPORTED) still gets a wizard, just not a resumable one. */
async function orNull<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof ClientError && err.code === 'UNSUPPORTED') return null;
    throw err;
  }
}

export function SetupPage() {
  const { t } = useTranslation();
  const client = useClient();
  const draft = useQuery<SetupDraft | null>({
    queryKey: ['getSetupDraft'],
    queryFn: () => orNull(client.call('getSetupDraft')),
    staleTime: 0,
    gcTime: 0,
  });
  return (
    <Stack gap="lg">
      <PageHeader title={t('wizard.title')} intro={t('wizard.intro')} />
      <QueryContent query={draft}>{(saved) => <Wizard initial={fromDraft(saved)} />}</QueryContent>
    </Stack>
  );
}

function newPasswords(): PasswordState {
  return {
    generated: generatePassword(),
    own: false,
    ownValue: '',
    ownConfirm: '',
    kitSaved: false,
    existing: '',
  };
}

function Wizard({ initial }: { initial: { step: number; data: WizardData } }) {
  const { t } = useTranslation();
  const client = useClient();
  const [step, setStep] = useState(initial.step);
  const [data, setData] = useState(initial.data);
  const [showErrors, setShowErrors] = useState(false);
  // Secrets live only here, in memory: never in the draft.
  const [passwords, setPasswords] = useState(newPasswords);
  const [smtpPassword, setSmtpPassword] = useState('');
  const [sourcePasswords, setSourcePasswords] = useState<string[]>([]);
  // Resumed past the sources step: database passwords typed before the restart are gone.
  const [resumed] = useState(initial.step > 1);
  const [check, setCheck] = useState<{ key: string; result: DestinationCheck } | null>(null);
  const [busy, setBusy] = useState(false);
  const [stepError, setStepError] = useState<unknown>(null);
  const [draftFailed, setDraftFailed] = useState(false);
  const [finished, setFinished] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const firstRender = useRef(true);

  const notifySettings = useQuery({
    queryKey: ['getNotificationSettings'],
    queryFn: () => client.call('getNotificationSettings'),
  });
  const smtpConfigured = !!notifySettings.data?.settings.smtp;
  const accounts = useAccounts();

  const id = stepIds[step]!;
  const key = locationKey(data.destination);
  const currentCheck = check?.key === key ? check.result : null;
  const repositoryId = currentRepositoryId(data);
  const locationText = formatLocation(locationOf(data.destination));

  const update = useCallback((patch: Partial<WizardData>) => setData((d) => ({ ...d, ...patch })), []);

  const saveDraft = useCallback(
    async (nextStep: number, nextData: WizardData) => {
      try {
        await orNull(client.call('saveSetupDraft', toDraft(nextStep, nextData)));
        setDraftFailed(false);
      } catch {
        setDraftFailed(true); // setup goes on; it just will not resume after a restart
      }
    },
    [client],
  );

  const goTo = (next: number, given: WizardData = data) => {
    // The name starts as the first folder's name, written in (an empty field would look required).
    const nextData =
      stepIds[next] === 'review' && !given.name ? { ...given, name: defaultJobName(given) } : given;
    setStep(next);
    setData(nextData);
    setShowErrors(false);
    setStepError(null);
    void saveDraft(next, nextData);
  };

  // What the user types is kept too (not only finished steps), so a reload loses nothing.
  useEffect(() => {
    if (finished) return;
    const timer = setTimeout(() => void saveDraft(step, data), 400);
    return () => clearTimeout(timer);
  }, [data, step, finished, saveDraft]);

  // Keyboard and screen-reader users land on the new step's title.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    headingRef.current?.focus();
  }, [step]);

  const runCheck = async (): Promise<DestinationCheck | null> => {
    setBusy(true);
    setStepError(null);
    try {
      const sourcePaths = data.sources.flatMap((s) =>
        s.kind === 'folder' || s.kind === 'sqlite' ? [s.path.trim()] : [],
      );
      const result = await client.call('checkDestination', {
        location: locationOf(data.destination),
        sourcePaths,
      });
      setCheck({ key, result });
      // The repository the wizard made here is "already there" too: that one keeps its mode.
      if (!repositoryId) update({ repositoryMode: result.state === 'repository' ? 'existing' : 'create' });
      return result;
    } catch (err) {
      setStepError(err);
      return null;
    } finally {
      setBusy(false);
    }
  };

  /** The work a step does when the user goes on; returns the data to go on with, or null to stay. */
  const completeStep = async (): Promise<WizardData | null> => {
    switch (id) {
      case 'welcome':
        return data;
      case 'sources':
        return sourceProblems(data.sources).length ? null : data;
      case 'destination': {
        if (destinationProblems(data.destination).length) return null;
        if (currentCheck || repositoryId) return data;
        const result = await runCheck();
        // Anything worth reading (a repository there, the same disk, other files) stops here once.
        if (!result || result.state !== 'empty' || result.sameDiskAs.length > 0) return null;
        return { ...data, repositoryMode: 'create' };
      }
      case 'protect': {
        if (repositoryId) return data;
        if (passwordProblem(passwords, data.repositoryMode)) return null;
        const location = locationOf(data.destination);
        const info =
          data.repositoryMode === 'existing'
            ? await client.call('connectRepository', { location, password: passwords.existing })
            : await client.call('createRepository', { location, password: chosenPassword(passwords) });
        return { ...data, repository: { repositoryId: info.repositoryId, location: key } };
      }
      case 'schedule':
        return scheduleSchema.safeParse(data.schedule).success ? data : null;
      case 'notify': {
        if (notifyProblems(data.notify, smtpConfigured).length) return null;
        if (wizardChannelIds(data.notify).length) await saveNotify();
        return data;
      }
      case 'review':
        return null;
    }
  };

  const next = async () => {
    setShowErrors(true);
    setStepError(null);
    setBusy(true);
    try {
      const done = await completeStep();
      if (done) goTo(step + 1, done);
    } catch (err) {
      setStepError(err);
    } finally {
      setBusy(false);
    }
  };

  const saveNotify = async () => {
    const current = notifySettings.data?.settings ?? { smtp: null, channels: [] };
    const settings = mergeNotifySettings(current, data.notify);
    const withPassword = data.notify.email.trim() && smtpPassword && smtpOf(data.notify.smtp);
    await client.call('saveNotificationSettings', { settings, ...(withPassword ? { smtpPassword } : {}) });
    await notifySettings.refetch();
  };

  const start = useMutation({
    mutationFn: async () => {
      if (!repositoryId)
        throw new ClientError({ code: 'REPO_NOT_FOUND', message: 'The backup storage is not set up yet.' });
      let jobId = data.jobId;
      if (!jobId) {
        const given = Object.fromEntries(
          sourcePasswords.flatMap((p, i) => (p && data.sources[i] ? [[String(i), p]] : [])),
        );
        const job = await client.call('saveJob', {
          job: jobDraftOf(data, repositoryId),
          ...(Object.keys(given).length ? { sourcePasswords: given } : {}),
        });
        jobId = job.id;
        const saved = { ...data, jobId };
        setData(saved);
        await saveDraft(step, saved);
      }
      await client.call('runJobNow', { id: jobId });
      return jobId;
    },
  });
  const retry = useCallback(() => start.mutate(), [start]);
  const onFinished = useCallback(
    (ok: boolean) => {
      setFinished(ok);
      if (ok) void orNull(client.call('saveSetupDraft', null)).catch(() => undefined);
    },
    [client],
  );

  const stepBody = () => {
    switch (id) {
      case 'welcome':
        return <WelcomeStep />;
      case 'sources':
        return (
          <SourcesStep
            sources={data.sources}
            passwords={sourcePasswords}
            onChange={(sources, passwords) => {
              update({ sources });
              setSourcePasswords(passwords);
            }}
            showErrors={showErrors}
          />
        );
      case 'destination': {
        const problem = destinationProblems(data.destination).find((p) => p !== 'notSignedIn');
        return (
          <DestinationStep
            choice={data.destination}
            onChange={(destination) => update({ destination })}
            problem={showErrors && problem ? t(`wizard.problems.${problem}`) : undefined}
            check={currentCheck}
            checking={busy}
            checkError={stepError}
            onCheck={() => {
              if (destinationProblems(data.destination).length === 0) void runCheck();
              else setShowErrors(true);
            }}
          />
        );
      }
      case 'protect':
        return (
          <ProtectStep
            mode={data.repositoryMode}
            state={passwords}
            onChange={setPasswords}
            onRegenerate={() =>
              setPasswords((p) => ({ ...p, generated: generatePassword(), kitSaved: false }))
            }
            created={!!repositoryId}
            location={describeDestination(data.destination, t, accounts.data) || locationText}
            repositoryId={repositoryId}
            showErrors={showErrors}
          />
        );
      case 'schedule':
        return (
          <ScheduleStep
            schedule={data.schedule}
            retention={data.retention}
            onChange={(schedule, retention) => update({ schedule, retention })}
          />
        );
      case 'notify':
        return (
          <NotifyStep
            notify={data.notify}
            onChange={(notify) => update({ notify })}
            smtpPassword={smtpPassword}
            onSmtpPassword={setSmtpPassword}
            smtpConfigured={smtpConfigured}
            onSave={saveNotify}
            showErrors={showErrors}
          />
        );
      case 'review':
        return (
          <ReviewStep
            data={data}
            onName={(name) => update({ name })}
            askPasswords={resumed && !data.jobId}
            passwords={sourcePasswords}
            onPassword={(index, password) =>
              setSourcePasswords(
                data.sources.map((_, i) => (i === index ? password : (sourcePasswords[i] ?? ''))),
              )
            }
            onStart={() => start.mutate()}
            starting={start.isPending}
            startError={start.error}
            started={
              data.jobId && repositoryId && !start.isPending ? (
                <FirstBackup
                  jobId={data.jobId}
                  repositoryId={repositoryId}
                  onFinished={onFinished}
                  onRetry={retry}
                />
              ) : null
            }
          />
        );
    }
  };

  const problemsMissing =
    id === 'destination' && showErrors && destinationProblems(data.destination).includes('notSignedIn');
  return (
    <Stack gap="lg">
      <Stepper
        active={finished ? stepIds.length : step}
        onStepClick={(index) => index < step && !busy && goTo(index)}
        allowNextStepsSelect={false}
        size="xs"
        iconSize={26}
        wrap={false}
        // Seven steps in the width left by the navigation at 1024 px: tight gaps, no wrapping.
        styles={{ separator: { marginInline: 6, minWidth: 8 }, stepBody: { marginInlineStart: 6 } }}
      >
        {stepIds.map((stepId) => (
          <Stepper.Step key={stepId} label={t(`wizard.steps.${stepId}.label`)} />
        ))}
      </Stepper>

      <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="wizard-step-title">
        <Stack gap="md">
          <div>
            <Text size="sm" c="dimmed">
              {t('wizard.stepOf', { n: step + 1, total: stepIds.length })}
            </Text>
            <Title
              order={2}
              size="h3"
              id="wizard-step-title"
              ref={headingRef}
              tabIndex={-1}
              style={{ outline: 'none' }}
            >
              {t(`wizard.steps.${id}.title`)}
            </Title>
          </div>
          {stepBody()}
          {problemsMissing && (
            <Text c="red" size="sm" role="alert">
              {t('wizard.problems.notSignedIn')}
            </Text>
          )}
          {stepError != null && id !== 'destination' && <ErrorAlert error={stepError} />}
          {draftFailed && (
            <Text size="sm" c="dimmed">
              {t('wizard.draftFailed')}
            </Text>
          )}
          {!(id === 'review' && (data.jobId || finished)) && (
            <Group justify="space-between" mt="sm">
              <Button
                variant="default"
                leftSection={<IconArrowLeft size={16} />}
                onClick={() => goTo(step - 1)}
                disabled={step === 0 || busy}
                style={{ visibility: step === 0 ? 'hidden' : undefined }}
              >
                {t('wizard.back')}
              </Button>
              <Group gap="sm">
                {id === 'notify' && (
                  <Button
                    variant="subtle"
                    disabled={busy}
                    onClick={() =>
                      goTo(step + 1, { ...data, notify: { ...data.notify, email: '', webhook: '' } })
                    }
                  >
                    {t('wizard.skip')}
                  </Button>
                )}
                {id !== 'review' && (
                  <Button
                    rightSection={<IconArrowRight size={16} />}
                    onClick={() => void next()}
                    loading={busy}
                  >
                    {id === 'welcome' ? t('wizard.begin') : t('wizard.next')}
                  </Button>
                )}
              </Group>
            </Group>
          )}
        </Stack>
      </Paper>
    </Stack>
  );
}
