import { Accordion, Chip, Group, NativeSelect, NumberInput, Paper, Radio, Stack, Text } from '@mantine/core';
import { IconCalendarTime } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Retention, Schedule } from '../../../shared/jobs.ts';
import {
  describePlan,
  describeRetention,
  describeSchedule,
  schedulePresets,
  weekdayName,
} from '../wording.ts';

const retentionChoices = ['standard', 'compact', 'long', 'keep-all'] as const;
type RetentionChoice = (typeof retentionChoices)[number];

function retentionOf(choice: RetentionChoice): Retention {
  return choice === 'keep-all' ? { kind: 'keep-all' } : { kind: 'preset', preset: choice };
}
function choiceOf(retention: Retention): RetentionChoice {
  return retention.kind === 'keep-all'
    ? 'keep-all'
    : retention.kind === 'preset'
      ? retention.preset
      : 'standard';
}

const sameSchedule = (a: Schedule, b: Schedule) => JSON.stringify(a) === JSON.stringify(b);
const timeOf = (s: Schedule) => ('at' in s ? s.at : '19:00');

export function ScheduleStep({
  schedule,
  retention,
  onChange,
}: {
  schedule: Schedule;
  retention: Retention;
  onChange: (schedule: Schedule, retention: Retention) => void;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const preset = schedulePresets.find((p) => sameSchedule(p.schedule, schedule));
  const setSchedule = (next: Schedule) => onChange(next, retention);

  return (
    <Stack gap="md">
      <Text>{t('wizard.schedule.intro')}</Text>
      <Paper withBorder radius="md" p="md" bg="var(--mantine-color-blue-light)">
        <Group gap="sm" wrap="nowrap">
          <IconCalendarTime aria-hidden />
          <Text fw={600} data-testid="plan-summary" aria-live="polite">
            {describePlan(schedule, retention, t, locale)}
          </Text>
        </Group>
      </Paper>

      <Radio.Group
        label={t('wizard.schedule.whenLabel')}
        value={preset?.id ?? 'custom'}
        onChange={(id) => {
          const chosen = schedulePresets.find((p) => p.id === id);
          if (chosen) setSchedule(chosen.schedule);
        }}
      >
        <Stack gap="xs" mt="xs">
          {schedulePresets.map((p) => (
            <Radio
              key={p.id}
              value={p.id}
              label={describeSchedule(p.schedule, t, locale)}
              description={p.id === 'evening' ? t('wizard.schedule.recommended') : undefined}
            />
          ))}
          {!preset && <Radio value="custom" label={describeSchedule(schedule, t, locale)} />}
        </Stack>
      </Radio.Group>

      <Accordion variant="contained">
        <Accordion.Item value="advanced">
          <Accordion.Control>{t('wizard.schedule.advanced')}</Accordion.Control>
          <Accordion.Panel>
            <Stack gap="md">
              <AdvancedSchedule schedule={schedule} onChange={setSchedule} />
              <Radio.Group
                label={t('wizard.schedule.keepLabel')}
                value={choiceOf(retention)}
                onChange={(value) => onChange(schedule, retentionOf(value as RetentionChoice))}
              >
                <Stack gap="xs" mt="xs">
                  {retentionChoices.map((choice) => (
                    <Radio
                      key={choice}
                      value={choice}
                      label={t(`wizard.schedule.retention.${choice}`)}
                      description={describeRetention(retentionOf(choice), t, locale)}
                    />
                  ))}
                </Stack>
              </Radio.Group>
            </Stack>
          </Accordion.Panel>
        </Accordion.Item>
      </Accordion>
    </Stack>
  );
}

const kinds = ['daily', 'weekly', 'hourly', 'manual'] as const;

/** Every half hour on the 24-hour clock (a native time field would follow the browser's locale, not the app's). */
const halfHours = Array.from(
  { length: 48 },
  (_, i) => `${String(Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`,
);
const timesWith = (at: string) => (halfHours.includes(at) ? halfHours : [...halfHours, at].sort());

function AdvancedSchedule({ schedule, onChange }: { schedule: Schedule; onChange: (s: Schedule) => void }) {
  const { t, i18n } = useTranslation();
  const kind = schedule.kind === 'cron' ? 'daily' : schedule.kind;
  const at = timeOf(schedule);
  const change = (next: (typeof kinds)[number]) => {
    if (next === 'daily') onChange({ kind: 'daily', at });
    else if (next === 'weekly') onChange({ kind: 'weekly', days: [1, 2, 3, 4, 5], at });
    else if (next === 'hourly') onChange({ kind: 'hourly', every: 4 });
    else onChange({ kind: 'manual' });
  };
  return (
    <Stack gap="sm">
      <Group align="flex-end" gap="md">
        <NativeSelect
          label={t('wizard.schedule.howOften')}
          value={kind}
          data={kinds.map((k) => ({ value: k, label: t(`wizard.schedule.kinds.${k}`) }))}
          onChange={(event) => change(event.currentTarget.value as (typeof kinds)[number])}
        />
        {(schedule.kind === 'daily' || schedule.kind === 'weekly') && (
          <NativeSelect
            label={t('wizard.schedule.time')}
            value={schedule.at}
            data={timesWith(schedule.at)}
            onChange={(event) => onChange({ ...schedule, at: event.currentTarget.value })}
          />
        )}
        {schedule.kind === 'hourly' && (
          <NumberInput
            label={t('wizard.schedule.everyHours')}
            min={1}
            max={24}
            value={schedule.every}
            onChange={(value) => {
              const every = Number(value);
              if (Number.isInteger(every) && every >= 1 && every <= 24) onChange({ kind: 'hourly', every });
            }}
            w={160}
          />
        )}
      </Group>
      {schedule.kind === 'weekly' && (
        <Chip.Group
          multiple
          value={schedule.days.map(String)}
          onChange={(values) => {
            const days = values.map(Number).sort((a, b) => a - b);
            if (days.length > 0) onChange({ ...schedule, days });
          }}
        >
          <Group gap="xs" role="group" aria-label={t('wizard.schedule.days')}>
            {[1, 2, 3, 4, 5, 6, 7].map((day) => (
              <Chip key={day} value={String(day)} size="sm">
                {weekdayName(day, i18n.language)}
              </Chip>
            ))}
          </Group>
        </Chip.Group>
      )}
    </Stack>
  );
}
