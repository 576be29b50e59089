import {
  ActionIcon,
  Button,
  Checkbox,
  Chip,
  Fieldset,
  Group,
  Modal,
  NativeSelect,
  NumberInput,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { TimeInput } from '@mantine/dates';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Job } from '../../shared/jobs.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { QueryContent } from '../components/query-content.tsx';
import {
  customKeepFields,
  draftFromForm,
  drillSampleLimits,
  formFromJob,
  validateJobForm,
  type JobFormValues,
  type RetentionKind,
  type RetentionPreset,
  type ScheduleKind,
} from './job-form-model.ts';
import { useJobDetails, useSaveJob } from './queries.ts';
import { weekdayNames } from './schedule-text.ts';

/** Everything the setup wizard asked, editable in one scrollable form. */
export function JobEditModal({ jobId, onClose }: { jobId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const details = useJobDetails(jobId);
  return (
    <Modal opened onClose={onClose} title={t('settings.jobs.editTitle')} size="xl">
      <QueryContent query={details}>{({ job }) => <JobForm job={job} onClose={onClose} />}</QueryContent>
    </Modal>
  );
}

const scheduleKinds: ScheduleKind[] = ['daily', 'weekly', 'hourly', 'manual', 'cron'];
const retentionKinds: RetentionKind[] = ['preset', 'custom', 'keep-all'];
const presets: RetentionPreset[] = ['standard', 'compact', 'long'];
const periods = ['never', 'daily', 'weekly', 'monthly'] as const;
const drillPeriods: JobFormValues['drillEvery'][] = ['weekly', 'monthly', 'quarterly'];

function JobForm({ job, onClose }: { job: Job; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const [opened] = useState<JobFormValues>(() => formFromJob(job));
  const [values, setValues] = useState<JobFormValues>(opened);
  const [showErrors, setShowErrors] = useState(false);
  const save = useSaveJob();
  const errors = showErrors ? validateJobForm(values) : {};
  const set = <K extends keyof JobFormValues>(key: K, value: JobFormValues[K]) =>
    setValues((v) => ({ ...v, [key]: value }));
  const err = (key: keyof typeof errors) =>
    errors[key] ? t(`settings.jobs.errors.${errors[key] as 'name'}`) : undefined;
  const days = weekdayNames(i18n.language);

  const submit = () => {
    if (Object.keys(validateJobForm(values)).length > 0) return setShowErrors(true);
    save.mutate({ job: draftFromForm(job, values, opened) }, { onSuccess: onClose });
  };

  return (
    <Stack gap="md">
      <TextInput
        label={t('settings.jobs.name')}
        value={values.name}
        onChange={(e) => set('name', e.currentTarget.value)}
        error={err('name')}
      />

      <Fieldset legend={t('settings.jobs.sources')}>
        <Stack gap="sm">
          {values.sources.map((src, i) => (
            <Group key={i} align="flex-start" gap="sm" wrap="nowrap">
              <TextInput
                style={{ flex: 1 }}
                label={t('settings.jobs.folder', { n: i + 1 })}
                value={src.path}
                onChange={(e) => {
                  const path = e.currentTarget.value;
                  set(
                    'sources',
                    values.sources.map((s, j) => (j === i ? { ...s, path } : s)),
                  );
                }}
              />
              <Textarea
                style={{ flex: 1 }}
                label={t('settings.jobs.excludes')}
                description={t('settings.jobs.excludesHint')}
                autosize
                minRows={1}
                maxRows={4}
                value={src.excludes}
                onChange={(e) => {
                  const excludes = e.currentTarget.value;
                  set(
                    'sources',
                    values.sources.map((s, j) => (j === i ? { ...s, excludes } : s)),
                  );
                }}
              />
              <ActionIcon
                mt={26}
                variant="subtle"
                color="red"
                aria-label={t('settings.jobs.removeFolder', { n: i + 1 })}
                disabled={values.sources.length === 1}
                onClick={() =>
                  set(
                    'sources',
                    values.sources.filter((_, j) => j !== i),
                  )
                }
              >
                <IconTrash size={16} aria-hidden />
              </ActionIcon>
            </Group>
          ))}
          {values.otherSources.map((src, i) => (
            <Text key={i} size="sm" c="dimmed">
              {t('settings.jobs.otherSource', {
                what:
                  src.kind === 'sqlite'
                    ? src.path
                    : src.kind === 'folder'
                      ? src.path
                      : `${src.kind} ${src.database}`,
              })}
            </Text>
          ))}
          {errors.sources && (
            <Text c="red" size="sm">
              {err('sources')}
            </Text>
          )}
          <Group>
            <Button
              variant="subtle"
              size="compact-sm"
              leftSection={<IconPlus size={14} aria-hidden />}
              onClick={() => set('sources', [...values.sources, { path: '', excludes: '' }])}
            >
              {t('settings.jobs.addFolder')}
            </Button>
          </Group>
        </Stack>
      </Fieldset>

      <Fieldset legend={t('settings.jobs.schedule')}>
        <Stack gap="sm">
          <NativeSelect
            label={t('settings.jobs.scheduleKind')}
            value={values.scheduleKind}
            data={scheduleKinds.map((k) => ({ value: k, label: t(`settings.jobs.scheduleKinds.${k}`) }))}
            onChange={(e) => set('scheduleKind', e.currentTarget.value as ScheduleKind)}
            maw={320}
          />
          {values.scheduleKind === 'weekly' && (
            <Stack gap={4}>
              <Text size="sm" fw={500} id="job-days-label">
                {t('settings.jobs.days')}
              </Text>
              <Chip.Group
                multiple
                value={values.days.map(String)}
                onChange={(v) => set('days', v.map(Number))}
              >
                <Group gap={6} role="group" aria-labelledby="job-days-label">
                  {days.map((name, i) => (
                    <Chip key={i} value={String(i + 1)} size="sm">
                      {name}
                    </Chip>
                  ))}
                </Group>
              </Chip.Group>
              {errors.days && (
                <Text c="red" size="sm">
                  {err('days')}
                </Text>
              )}
            </Stack>
          )}
          {(values.scheduleKind === 'daily' || values.scheduleKind === 'weekly') && (
            <TimeInput
              label={t('settings.jobs.at')}
              value={values.at}
              onChange={(e) => set('at', e.currentTarget.value)}
              error={err('at')}
              maw={160}
            />
          )}
          {values.scheduleKind === 'hourly' && (
            <NumberInput
              label={t('settings.jobs.everyHours')}
              min={1}
              max={24}
              value={values.every}
              onChange={(v) => set('every', Number(v) || 1)}
              maw={160}
            />
          )}
          {values.scheduleKind === 'cron' && (
            <TextInput
              label={t('settings.jobs.cron')}
              description={t('settings.jobs.cronHint')}
              value={values.expression}
              onChange={(e) => set('expression', e.currentTarget.value)}
              error={err('expression')}
              maw={320}
              ff="monospace"
            />
          )}
          <Switch
            label={t('settings.jobs.enabled')}
            description={t('settings.jobs.enabledHint')}
            checked={values.enabled}
            onChange={(e) => set('enabled', e.currentTarget.checked)}
          />
        </Stack>
      </Fieldset>

      <Fieldset legend={t('settings.jobs.retention')}>
        <Stack gap="sm">
          <SegmentedControl
            value={values.retentionKind}
            onChange={(v) => set('retentionKind', v as RetentionKind)}
            data={retentionKinds.map((k) => ({ value: k, label: t(`settings.jobs.retentionKinds.${k}`) }))}
          />
          {values.retentionKind === 'preset' && (
            <NativeSelect
              label={t('settings.jobs.preset')}
              value={values.preset}
              data={presets.map((p) => ({ value: p, label: t(`settings.jobs.presets.${p}`) }))}
              onChange={(e) => set('preset', e.currentTarget.value as RetentionPreset)}
            />
          )}
          {values.retentionKind === 'custom' && (
            <>
              <SimpleGrid cols={3} spacing="sm">
                {customKeepFields.map((f) => (
                  <NumberInput
                    key={f}
                    label={t(`settings.jobs.keep.${f}`)}
                    min={-1}
                    allowDecimal={false}
                    value={values.keep[f]}
                    onChange={(v) => set('keep', { ...values.keep, [f]: v === '' ? '' : Number(v) })}
                  />
                ))}
              </SimpleGrid>
              <TextInput
                label={t('settings.jobs.keepWithin')}
                description={t('settings.jobs.keepWithinHint')}
                value={values.keepWithin}
                onChange={(e) => set('keepWithin', e.currentTarget.value)}
                maw={240}
              />
              {errors.keep && (
                <Text c="red" size="sm">
                  {err('keep')}
                </Text>
              )}
            </>
          )}
          {values.retentionKind === 'keep-all' && <Text size="sm">{t('settings.jobs.keepAllHint')}</Text>}
          <NativeSelect
            label={t('settings.jobs.pruneEvery')}
            description={t('settings.jobs.pruneHint')}
            value={values.pruneEvery}
            data={periods.map((p) => ({ value: p, label: t(`settings.jobs.periods.${p}`) }))}
            onChange={(e) => set('pruneEvery', e.currentTarget.value as JobFormValues['pruneEvery'])}
            maw={320}
          />
        </Stack>
      </Fieldset>

      <Fieldset legend={t('settings.jobs.checks')}>
        <Stack gap="sm">
          <Switch
            label={t('settings.jobs.checkAfterBackup')}
            checked={values.checkAfterBackup}
            onChange={(e) => set('checkAfterBackup', e.currentTarget.checked)}
          />
          <Group gap="sm" align="flex-end">
            <NativeSelect
              label={t('settings.jobs.readDataEvery')}
              value={values.readDataEvery}
              data={periods.map((p) => ({ value: p, label: t(`settings.jobs.periods.${p}`) }))}
              onChange={(e) => set('readDataEvery', e.currentTarget.value as JobFormValues['readDataEvery'])}
              w={220}
            />
            <NumberInput
              label={t('settings.jobs.readDataPercent')}
              min={1}
              max={100}
              suffix="%"
              value={values.readDataPercent}
              onChange={(v) => set('readDataPercent', Math.min(100, Math.max(1, Number(v) || 1)))}
              w={160}
              disabled={values.readDataEvery === 'never'}
            />
          </Group>
        </Stack>
      </Fieldset>

      <Fieldset legend={t('settings.jobs.drill.title')}>
        <Stack gap="sm">
          <Switch
            label={t('settings.jobs.drill.enabled')}
            description={t('settings.jobs.drill.hint')}
            checked={values.drillEnabled}
            onChange={(e) => set('drillEnabled', e.currentTarget.checked)}
          />
          <Group gap="sm" align="flex-end">
            <NativeSelect
              label={t('settings.jobs.drill.every')}
              value={values.drillEvery}
              data={drillPeriods.map((p) => ({ value: p, label: t(`settings.jobs.drill.periods.${p}`) }))}
              onChange={(e) => set('drillEvery', e.currentTarget.value as JobFormValues['drillEvery'])}
              w={220}
              disabled={!values.drillEnabled}
            />
            <NumberInput
              label={t('settings.jobs.drill.sampleFiles')}
              min={drillSampleLimits.min}
              max={drillSampleLimits.max}
              allowDecimal={false}
              value={values.drillSampleFiles}
              onChange={(v) => set('drillSampleFiles', Number(v) || drillSampleLimits.min)}
              w={220}
              disabled={!values.drillEnabled}
            />
          </Group>
        </Stack>
      </Fieldset>

      <Fieldset legend={t('settings.jobs.notifications')}>
        <Stack gap="sm">
          <Group gap="lg">
            <Checkbox
              label={t('settings.jobs.onFailure')}
              checked={values.onFailure}
              onChange={(e) => set('onFailure', e.currentTarget.checked)}
            />
            <Checkbox
              label={t('settings.jobs.onWarning')}
              checked={values.onWarning}
              onChange={(e) => set('onWarning', e.currentTarget.checked)}
            />
            <Checkbox
              label={t('settings.jobs.onSuccess')}
              checked={values.onSuccess}
              onChange={(e) => set('onSuccess', e.currentTarget.checked)}
            />
          </Group>
          <Switch
            label={t('settings.jobs.desktop')}
            checked={values.notifyDesktop}
            onChange={(e) => set('notifyDesktop', e.currentTarget.checked)}
          />
          <Textarea
            label={t('settings.jobs.emails')}
            description={t('settings.jobs.emailsHint')}
            autosize
            minRows={1}
            maxRows={4}
            value={values.notifyEmails}
            onChange={(e) => set('notifyEmails', e.currentTarget.value)}
            error={err('emails')}
          />
          <NumberInput
            label={t('settings.jobs.noSuccessFor')}
            description={t('settings.jobs.noSuccessForHint')}
            min={1}
            max={8760}
            allowDecimal={false}
            value={values.noSuccessForHours}
            onChange={(v) => set('noSuccessForHours', v === '' ? '' : Number(v))}
            maw={320}
          />
        </Stack>
      </Fieldset>

      {save.isError && <ErrorAlert error={save.error} title={t('settings.jobs.saveFailed')} />}
      {showErrors && Object.keys(errors).length > 0 && (
        <Text c="red" size="sm" role="alert">
          {t('settings.jobs.fixErrors')}
        </Text>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          {t('settings.cancel')}
        </Button>
        <Button onClick={submit} loading={save.isPending}>
          {t('settings.save')}
        </Button>
      </Group>
    </Stack>
  );
}
