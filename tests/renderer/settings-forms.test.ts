import { describe, expect, it } from 'vitest';
import type { NotificationSettingsView } from '../../src/shared/contract.ts';
import { jobDraftSchema, notificationSettingsSchema, type Job } from '../../src/shared/jobs.ts';
import {
  draftFromForm,
  formFromJob,
  scheduleFromForm,
  validateJobForm,
} from '../../src/renderer/settings-screens/job-form-model.ts';
import {
  emptyChannel,
  formFromView,
  newChannelId,
  saveInputFromForm,
} from '../../src/renderer/settings-screens/notify-form-model.ts';
import { weekdayNames } from '../../src/renderer/settings-screens/schedule-text.ts';

const job: Job = {
  id: 'crm',
  name: 'CRM',
  sources: [
    { kind: 'folder', path: '/srv/crm', excludes: ['*.tmp', 'cache/'] },
    { kind: 'sqlite', path: '/srv/crm/db.sqlite' },
  ],
  destination: { location: { kind: 'local', path: '/mnt/nas' }, repositoryId: 'a'.repeat(64) },
  copyTo: null,
  schedule: { kind: 'daily', at: '19:00', timezone: 'Europe/Moscow' },
  retention: { kind: 'custom', keepDaily: 7, keepWithin: '14d' },
  pruneEvery: 'weekly',
  checks: { afterBackup: true, readData: { every: 'weekly', percent: 10 } },
  notifications: {
    desktop: true,
    email: ['boss@example.com'],
    onSuccess: false,
    onWarning: true,
    onFailure: true,
    noSuccessForHours: 48,
  },
  drill: { enabled: true, every: 'monthly', sampleFiles: 20 },
  enabled: true,
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
};

describe('the job form', () => {
  it('gives back the same job when nothing was changed', () => {
    const draft = draftFromForm(job, formFromJob(job));
    expect(jobDraftSchema.parse(draft)).toEqual(draft);
    const { createdAt: _c, updatedAt: _u, enabled: _e, ...rest } = job;
    expect(draft).toEqual(rest);
  });

  it('sends `enabled` only when the user switched it, so a pause made elsewhere survives', () => {
    expect(draftFromForm(job, formFromJob(job))).not.toHaveProperty('enabled');
    expect(draftFromForm(job, { ...formFromJob(job), enabled: false }).enabled).toBe(false);
    const paused = { ...job, enabled: false };
    expect(draftFromForm(paused, { ...formFromJob(paused), enabled: true }).enabled).toBe(true);
    // Paused elsewhere while the form was open: the refreshed job says paused, the form still "on".
    const opened = formFromJob(job);
    expect(draftFromForm(paused, { ...opened, name: 'CRM 2' }, opened)).not.toHaveProperty('enabled');
  });

  it('changes the schedule, keeping the time zone, and sorts the days', () => {
    const values = { ...formFromJob(job), scheduleKind: 'weekly' as const, days: [5, 1, 3], at: '06:30' };
    expect(scheduleFromForm(values)).toEqual({
      kind: 'weekly',
      days: [1, 3, 5],
      at: '06:30',
      timezone: 'Europe/Moscow',
    });
    expect(scheduleFromForm({ ...values, scheduleKind: 'manual' })).toEqual({ kind: 'manual' });
    expect(scheduleFromForm({ ...values, scheduleKind: 'hourly', every: 4 })).toEqual({
      kind: 'hourly',
      every: 4,
      timezone: 'Europe/Moscow',
    });
  });

  it('keeps database sources it does not edit, and drops empty folder rows', () => {
    const values = formFromJob(job);
    values.sources = [
      ...values.sources,
      { path: '  ', excludes: '' },
      { path: '/home/office/docs', excludes: '*.bak\n\n' },
    ];
    const draft = draftFromForm(job, values);
    expect(draft.sources).toEqual([
      { kind: 'folder', path: '/srv/crm', excludes: ['*.tmp', 'cache/'] },
      { kind: 'folder', path: '/home/office/docs', excludes: ['*.bak'] },
      { kind: 'sqlite', path: '/srv/crm/db.sqlite' },
    ]);
  });

  it('turns retention, checks and alerts back into the job model', () => {
    const values = {
      ...formFromJob(job),
      retentionKind: 'preset' as const,
      preset: 'long' as const,
      readDataEvery: 'monthly' as const,
      readDataPercent: 25,
      notifyEmails: 'a@example.com, b@example.com\nc@example.com',
      noSuccessForHours: '' as const,
    };
    const draft = draftFromForm(job, values);
    expect(draft.retention).toEqual({ kind: 'preset', preset: 'long' });
    expect(draft.checks).toEqual({ afterBackup: true, readData: { every: 'monthly', percent: 25 } });
    expect(draft.notifications?.email).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
    expect(draft.notifications?.noSuccessForHours).toBeNull();
    expect(jobDraftSchema.safeParse(draft).success).toBe(true);
  });

  it('edits the restore test: on/off, how often, and at most how many files', () => {
    const values = formFromJob(job);
    expect([values.drillEnabled, values.drillEvery, values.drillSampleFiles]).toEqual([true, 'monthly', 20]);
    const off = draftFromForm(job, {
      ...values,
      drillEnabled: false,
      drillEvery: 'quarterly',
      drillSampleFiles: 50,
    });
    expect(off.drill).toEqual({ enabled: false, every: 'quarterly', sampleFiles: 50 });
    // Out-of-range counts typed into the field are brought back to what the job model accepts.
    const many = draftFromForm(job, { ...values, drillSampleFiles: 99_999 });
    expect(many.drill?.sampleFiles).toBe(10_000);
    expect(draftFromForm(job, { ...values, drillSampleFiles: 0 }).drill?.sampleFiles).toBe(1);
    expect(jobDraftSchema.safeParse(many).success).toBe(true);
  });

  it('points at the fields a person got wrong', () => {
    const ok = formFromJob(job);
    expect(validateJobForm(ok)).toEqual({});
    expect(
      validateJobForm({
        ...ok,
        name: ' ',
        scheduleKind: 'weekly',
        days: [],
        at: '25:00',
        notifyEmails: 'not-an-address',
        retentionKind: 'custom',
        keep: {
          keepLast: '',
          keepHourly: '',
          keepDaily: '',
          keepWeekly: '',
          keepMonthly: '',
          keepYearly: '',
        },
        keepWithin: '',
      }),
    ).toEqual({ name: 'name', days: 'days', at: 'at', emails: 'emails', keep: 'keep' });
    expect(validateJobForm({ ...ok, scheduleKind: 'cron', expression: '* *' })).toEqual({
      expression: 'expression',
    });
    // A job of only a database has no folder rows, and that is fine.
    expect(validateJobForm({ ...ok, sources: [] })).toEqual({});
    expect(validateJobForm({ ...ok, sources: [], otherSources: [] })).toEqual({ sources: 'sources' });
  });
});

describe('the notification settings form', () => {
  const view: NotificationSettingsView = {
    settings: {
      smtp: {
        host: 'smtp.example.com',
        port: 465,
        security: 'tls',
        user: 'me',
        from: 'Lifeboat <me@example.com>',
      },
      channels: [
        { kind: 'email', id: 'email-1', to: ['a@example.com', 'b@example.com'] },
        {
          kind: 'webhook',
          id: 'webhook-1',
          url: 'https://hooks.example.com/x',
          auth: 'hmac',
          rules: { onSuccess: true },
        },
        { kind: 'telegram', id: 'telegram-1', chatId: -100123 },
      ],
    },
    secrets: { smtpPassword: true, telegramTokens: ['telegram-1'], webhookSecrets: ['webhook-1'] },
  };

  it('saves what it showed unchanged, and keeps every saved secret', () => {
    const input = saveInputFromForm(formFromView(view));
    expect(notificationSettingsSchema.parse(input.settings)).toEqual(input.settings);
    expect(input.settings.smtp).toEqual(view.settings.smtp);
    expect(input.settings.channels[2]).toMatchObject({ kind: 'telegram', chatId: -100123 });
    expect(input.settings.channels[1]).toMatchObject({
      auth: 'hmac',
      rules: { onSuccess: true, onFailure: true, onWarning: true },
    });
    expect(input).not.toHaveProperty('smtpPassword');
    expect(input).not.toHaveProperty('telegramToken');
    expect(input).not.toHaveProperty('webhookSecrets');
  });

  it('stores a typed secret, deletes a removed one, and keeps a blank "replace"', () => {
    const values = formFromView(view);
    values.smtpPassword = { kind: 'set', value: 'new password' };
    values.telegramToken = { kind: 'remove' };
    values.channels[1]!.secret = { kind: 'set', value: '' };
    const input = saveInputFromForm(values);
    expect(input.smtpPassword).toBe('new password');
    expect(input.telegramToken).toBeNull();
    expect(input).not.toHaveProperty('webhookSecrets');
  });

  it('forgets the secrets nobody needs any more', () => {
    const values = formFromView(view);
    values.smtpEnabled = false;
    values.channels[1]!.auth = 'none';
    const input = saveInputFromForm(values);
    expect(input.settings.smtp).toBeNull();
    expect(input.smtpPassword).toBeNull();
    expect(input.webhookSecrets).toEqual({ 'webhook-1': null });
  });

  it('gives new channels ids that are free', () => {
    expect(newChannelId('webhook', ['webhook-1', 'webhook-2', 'email-3'])).toBe('webhook-3');
    const channel = emptyChannel('email', []);
    expect(channel).toMatchObject({ id: 'email-1', onFailure: true, onSuccess: false });
  });
});

describe('weekday names', () => {
  it('start on Monday, in the user’s language', () => {
    expect(weekdayNames('en')).toEqual(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);
    expect(weekdayNames('ru')[0]).toBe('пн');
  });
});
