/**
 * Who gets told what: per-channel rules, the watchdog's once-per-episode alert, the texts in both
 * languages, and the adapters from the job model.
 */
import { describe, expect, it } from 'vitest';
import {
  channelsForJob,
  checkWatchdog,
  outcomeFromError,
  outcomeFromJobRun,
  renderMessage,
  shouldNotify,
} from '../../../src/engine/jobs/notify/index.ts';
import type { RunOutcome, WatchdogState } from '../../../src/engine/jobs/notify/index.ts';
import { LifeboatError } from '../../../src/shared/errors.ts';
import type { Job, JobRun } from '../../../src/shared/jobs.ts';

const base: RunOutcome = {
  jobName: 'CRM',
  status: 'ok',
  startedAt: new Date('2025-05-15T02:00:00Z'),
  finishedAt: new Date('2025-05-15T02:02:00Z'),
};

describe('rules', () => {
  it('default to failures and warnings only', () => {
    const at = (status: RunOutcome['status']) => shouldNotify({ ...base, status });
    expect([at('ok'), at('warning'), at('failed'), at('interrupted')]).toEqual([false, true, true, false]);
    expect(shouldNotify({ ...base, status: 'ok' }, { onSuccess: true })).toBe(true);
    expect(shouldNotify({ ...base, status: 'failed' }, { onFailure: false })).toBe(false);
    expect(shouldNotify({ ...base, status: 'interrupted' }, { onInterrupted: true })).toBe(true);
    expect(shouldNotify({ ...base, kind: 'watchdog', status: 'failed' }, { onFailure: false })).toBe(false);
    expect(shouldNotify({ ...base, kind: 'test' }, { onFailure: false })).toBe(true);
  });
});

describe('watchdog', () => {
  const job = { jobName: 'CRM', createdAt: new Date('2025-05-01T00:00:00Z') };
  const h = (n: number) => new Date(Date.parse('2025-05-10T00:00:00Z') + n * 3_600_000);

  it('alerts once per episode, and again after a new success goes stale', () => {
    let state: WatchdogState = {};
    let lastSuccess: Date | null = h(0);
    const alerts: Array<{ at: number; hoursSince: number }> = [];
    // A tick every hour for four days; backups stop after hour 0, resume once at hour 50.
    for (let t = 1; t <= 96; t++) {
      if (t === 50) lastSuccess = h(50);
      const r = checkWatchdog(lastSuccess, 24, h(t), state, job);
      state = r.state;
      expect(r.overdue).toBe(t - (t >= 50 ? 50 : 0) >= 24);
      if (r.alert) alerts.push({ at: t, hoursSince: r.alert.watchdog!.hoursSince });
    }
    expect(alerts).toEqual([
      { at: 24, hoursSince: 24 },
      { at: 74, hoursSince: 24 },
    ]);
    // The state survives a round trip through JSON (the runner stores it with the job).
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it('describes the episode in the alert', () => {
    const r = checkWatchdog(
      h(0),
      24,
      h(30),
      {},
      { ...job, jobId: 'j1', destination: 'NAS', nextRunAt: null },
    );
    expect(r.alert).toMatchObject({
      kind: 'watchdog',
      jobId: 'j1',
      status: 'failed',
      destination: 'NAS',
      nextRunAt: null,
      watchdog: { hours: 24, lastSuccessAt: h(0), hoursSince: 30 },
    });
    expect(r.state).toEqual({ alertedFor: h(0).toISOString(), alertedAt: h(30).toISOString() });
    // The same state again: already said.
    expect(checkWatchdog(h(0), 24, h(31), r.state, job).alert).toBeNull();
  });

  it('counts from the job creation when there was never a success', () => {
    const created = { jobName: 'CRM', createdAt: h(0) };
    expect(checkWatchdog(null, 24, h(23), {}, created).alert).toBeNull();
    const first = checkWatchdog(null, 24, h(25), {}, created);
    expect(first.alert?.watchdog).toEqual({ hours: 24, lastSuccessAt: null, hoursSince: 25 });
    expect(checkWatchdog(null, 24, h(100), first.state, created).alert).toBeNull();
    const en = renderMessage(first.alert!, { language: 'en', timeZone: 'UTC', computer: 'PC' });
    expect(en.summary).toBe('⏰ “CRM” has not been backed up successfully yet (set up 25 hours ago)');
    const ru = renderMessage(first.alert!, { language: 'ru', timeZone: 'UTC', computer: 'PC' });
    expect(ru.summary).toBe(
      '⏰ Для «CRM» ещё не было ни одной успешной резервной копии (задание создано 25 часов назад)',
    );
    expect(ru.text).toContain('Последняя успешная копия: ещё не было');
  });

  it('is off for zero hours or without any reference time', () => {
    expect(checkWatchdog(h(0), 0, h(100), {}, job)).toEqual({ alert: null, state: {}, overdue: false });
    expect(checkWatchdog(null, 24, h(100), {}, { jobName: 'x' })).toEqual({
      alert: null,
      state: {},
      overdue: false,
    });
  });

  it('reads naturally in both languages', () => {
    const r = checkWatchdog(h(0), 24, h(26), {}, job);
    const en = renderMessage(r.alert!, { language: 'en', timeZone: 'UTC', computer: 'PC' });
    expect(en.subject).toBe('[Lifeboat] ⏰ No successful backup of “CRM” for 26 hours');
    expect(en.text).toContain('Lifeboat expects a successful backup at least every 24 hours.');
    const ru = renderMessage(r.alert!, { language: 'ru', timeZone: 'UTC', computer: 'PC' });
    expect(ru.subject).toBe('[Lifeboat] ⏰ Уже 26 часов нет успешной резервной копии «CRM»');
    expect(ru.text).toContain('не реже чем раз в 24 часа');
    const ru21 = renderMessage(checkWatchdog(h(0), 21, h(21), {}, job).alert!, {
      language: 'ru',
      computer: 'PC',
    });
    expect(ru21.subject).toContain('Уже 21 час нет');
  });
});

describe('texts', () => {
  const r = (o: Partial<RunOutcome>, language: 'en' | 'ru') =>
    renderMessage({ ...base, ...o }, { language, timeZone: 'UTC', computer: 'OFFICE-PC' });

  it('use the right Russian word forms', () => {
    expect(r({ filesAdded: 1, bytesAdded: 10 }, 'ru').summary).toBe(
      '✔ Резервная копия «CRM» создана за 2 мин: добавлен 1 файл (10 байт)',
    );
    expect(r({ filesAdded: 5, bytesAdded: 2048 }, 'ru').summary).toBe(
      '✔ Резервная копия «CRM» создана за 2 мин: добавлено 5 файлов (2 кБ)',
    );
    expect(r({ filesAdded: 0, bytesAdded: 0 }, 'ru').summary).toBe(
      '✔ Резервная копия «CRM» создана за 2 мин: с прошлого раза ничего не изменилось',
    );
    expect(r({ status: 'warning', warningCount: 3 }, 'ru').summary).toBe(
      '⚠ Резервная копия «CRM» создана за 2 мин, но есть 3 предупреждения',
    );
    expect(r({ status: 'interrupted' }, 'ru').summary).toBe(
      '⏹ Резервное копирование «CRM» прервано через 2 мин',
    );
  });

  it('read naturally in English', () => {
    expect(r({ filesAdded: 1234, bytesAdded: 35 * 1024 * 1024 }, 'en').summary).toBe(
      '✔ Backup of “CRM” finished: 1,234 files, 35 MB added, took 2 min',
    );
    expect(r({ filesAdded: 1, bytesAdded: 1 }, 'en').summary).toBe(
      '✔ Backup of “CRM” finished: 1 file, 1 byte added, took 2 min',
    );
    expect(r({ status: 'warning', warningCount: 1 }, 'en').summary).toBe(
      '⚠ Backup of “CRM” finished with 1 warning, took 2 min',
    );
  });

  it('list a few warnings and count the rest', () => {
    const warnings = Array.from({ length: 12 }, (_, i) => ({ path: `/crm/f${i}`, message: 'locked' }));
    const en = r({ status: 'warning', warnings, warningCount: 40 }, 'en');
    expect(en.text).toContain('• /crm/f9 — locked');
    expect(en.text).not.toContain('/crm/f10');
    expect(en.text).toContain("…and 30 more (see the job's log in Lifeboat)");
    const onlyCount = r({ status: 'warning', warningCount: 4 }, 'ru');
    expect(onlyCount.text).toContain('• 4 предупреждения: список — в журнале задания в Lifeboat');
  });

  it('escape names in HTML', () => {
    const m = r({ jobName: '<script>alert(1)</script> & Co' }, 'en');
    expect(m.html).not.toContain('<script>');
    expect(m.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
  });

  it('keep chat messages under Telegram’s limit', () => {
    const warnings = Array.from({ length: 5 }, () => ({ path: '/x', message: 'y'.repeat(2000) }));
    expect(r({ status: 'warning', warnings }, 'en').short.length).toBeLessThanOrEqual(4000);
  });
});

describe('adapters', () => {
  const job = {
    id: 'crm',
    name: 'CRM',
    destination: { location: { kind: 'gdrive', folder: 'Lifeboat/CRM' }, repositoryId: 'a'.repeat(64) },
    notifications: {
      desktop: true,
      email: ['boss@office.example'],
      onSuccess: false,
      onWarning: true,
      onFailure: true,
      noSuccessForHours: 48,
    },
  } as unknown as Job;

  const run = {
    runId: '20250515T020000Z-abcdef',
    jobId: 'crm',
    trigger: 'schedule',
    status: 'cancelled',
    scheduledFor: null,
    startedAt: '2025-05-15T02:00:00Z',
    finishedAt: '2025-05-15T02:05:00Z',
    hostname: 'PC',
    pid: 1,
    instance: 'x',
    snapshotId: null,
    forgotten: [],
    stats: {
      filesNew: 2,
      filesChanged: 3,
      filesUnmodified: 10,
      filesProcessed: 15,
      bytesProcessed: 1000,
      bytesAdded: 500,
      bytesStored: 300,
      warnings: 1,
    },
    steps: {},
    readDataPart: null,
    attempts: 1,
    error: { code: 'CANCELLED', message: 'The backup was cancelled.' },
  } as JobRun;

  it('turn a recorded run into an outcome', () => {
    const o = outcomeFromJobRun(run, job, { language: 'ru', nextRunAt: null })!;
    expect(o).toMatchObject({
      jobId: 'crm',
      status: 'interrupted',
      filesAdded: 5,
      bytesAdded: 500,
      totalFiles: 15,
      warningCount: 1,
      destination: 'Google Диск — Lifeboat/CRM',
      error: { code: 'CANCELLED' },
    });
    expect(o.finishedAt.toISOString()).toBe('2025-05-15T02:05:00.000Z');
    expect(outcomeFromJobRun({ ...run, status: 'running' }, job, { language: 'en' })).toBeNull();
  });

  it('build the job’s channels with its rules', () => {
    const smtp = {
      host: 'smtp.example.com',
      port: 587,
      security: 'starttls' as const,
      user: 'u',
      from: 'u@example.com',
    };
    const channels = channelsForJob(job, { smtp, channels: [{ kind: 'telegram', id: 'tg', chatId: 1 }] });
    expect(channels).toEqual([
      {
        ...smtp,
        kind: 'email',
        id: 'email:crm',
        to: ['boss@office.example'],
        rules: { onSuccess: false, onWarning: true, onFailure: true, onInterrupted: false },
      },
      {
        kind: 'telegram',
        id: 'tg',
        chatId: 1,
        rules: { onSuccess: false, onWarning: true, onFailure: true, onInterrupted: false },
      },
    ]);
  });

  it('make a cancel "interrupted" and anything else "failed"', () => {
    const times = { startedAt: base.startedAt, finishedAt: base.finishedAt };
    expect(outcomeFromError({ jobName: 'CRM' }, new LifeboatError('CANCELLED', 'stop'), times).status).toBe(
      'interrupted',
    );
    const f = outcomeFromError(
      { jobName: 'CRM' },
      new LifeboatError('DISK_FULL', 'full', { hint: 'free space' }),
      times,
    );
    expect(f).toMatchObject({
      status: 'failed',
      error: { code: 'DISK_FULL', message: 'full', hint: 'free space' },
    });
  });
});
