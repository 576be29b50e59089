import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../mocks/electron.ts'));

import { Notification, resetElectronMock } from '../mocks/electron.ts';
import { FakeService, summary } from '../mocks/fake-service.ts';
import { jobDefaults } from '../../src/engine/jobs/job-draft.ts';
import type { JobSummary } from '../../src/shared/contract.ts';
import { JobTracker } from '../../src/main/job-tracker.ts';
import { watchLanguage, type LanguageWatch } from '../../src/main/language.ts';
import { showNotice } from '../../src/main/notifications.ts';
import { finishedOutcome, notifyRunResults, runNoticeText } from '../../src/main/run-notifications.ts';

const flush = async () => {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
};

const failed = (over: Partial<JobSummary> = {}) =>
  summary('a', 'failed', {
    name: 'CRM',
    lastRunStatus: 'failed',
    lastError: { code: 'WRONG_PASSWORD', message: 'The repository password is wrong.', hint: 'Check it.' },
    ...over,
  });

describe('run notifications', () => {
  let service: FakeService & { getJob: ReturnType<typeof vi.fn> };
  let tracker: JobTracker;
  let language: LanguageWatch;
  let openDashboard: ReturnType<typeof vi.fn<() => void>>;
  let notifications = { ...jobDefaults.notifications };

  beforeEach(async () => {
    resetElectronMock();
    notifications = { ...jobDefaults.notifications };
    service = Object.assign(new FakeService(), {
      getJob: vi.fn(async ({ id }: { id: string }) => ({
        job: { id, notifications },
        summary: summary(id, 'ok'),
      })),
    });
    service.list = [summary('a', 'ok', { name: 'CRM' })];
    tracker = new JobTracker(service);
    await tracker.start();
    language = await watchLanguage(service);
    openDashboard = vi.fn();
    notifyRunResults({
      jobs: tracker,
      service: service as never,
      language: () => language.current(),
      notify: (notice) => void showNotice(notice),
      openDashboard,
    });
  });
  afterEach(() => {
    tracker.dispose();
    vi.restoreAllMocks();
  });

  /** A run of job a: running, then how it ended. */
  async function run(end: JobSummary, runId = 'run-1'): Promise<void> {
    service.state(summary('a', 'running', { name: 'CRM', runId }));
    service.state(end);
    await flush();
  }

  it('tells about a failed run, in Russian when the user chose Russian', async () => {
    service.settings = { language: 'ru', theme: 'auto' };
    service.emit('settingsChanged', service.settings);
    await run(failed());
    expect(Notification.instances).toHaveLength(1);
    const [notification] = Notification.instances;
    expect(notification?.title).toBe('Резервная копия не создана: CRM');
    // The engine's English message is replaced by the Russian text of its error code.
    expect(notification?.body).toBe(
      'Пароль хранилища не подошёл. Проверьте пароль хранилища в настройках задания.',
    );
    expect(notification?.show).toHaveBeenCalled();
  });

  it('in English, shows the engine message; a click opens the window on the dashboard', async () => {
    await run(failed());
    const [notification] = Notification.instances;
    expect(notification?.title).toBe('Backup failed: CRM');
    expect(notification?.body).toBe('The repository password is wrong. Check it.');
    notification?.emit('click');
    expect(openDashboard).toHaveBeenCalledTimes(1);
  });

  it('tells about warnings too', async () => {
    await run(summary('a', 'warning', { name: 'CRM', lastRunStatus: 'warning' }));
    expect(Notification.instances.map((n) => [n.title, n.body])).toEqual([
      ['Backup finished with warnings: CRM', 'Some data could not be saved. Open Lifeboat for details.'],
    ]);
  });

  it('stays quiet about successes, cancelled runs and states that did not come from a run', async () => {
    await run(summary('a', 'ok', { name: 'CRM', lastRunStatus: 'ok' }), 'run-1');
    // Cancelled: the summary falls back to an older failure, which is not news.
    await run(failed({ lastRunStatus: 'cancelled' }), 'run-2');
    // A failed job paused or edited (no run in between).
    service.state(failed());
    await flush();
    expect(Notification.instances).toHaveLength(0);
  });

  it("follows the job's own rules: desktop notifications and failures can be switched off", async () => {
    notifications = { ...notifications, desktop: false };
    await run(failed(), 'run-1');
    notifications = { ...notifications, desktop: true, onWarning: false };
    await run(summary('a', 'warning', { name: 'CRM', lastRunStatus: 'warning' }), 'run-2');
    notifications = { ...notifications, onFailure: false };
    await run(failed(), 'run-3');
    expect(Notification.instances).toHaveLength(0);
    notifications = { ...notifications, onFailure: true };
    await run(failed(), 'run-4');
    expect(Notification.instances).toHaveLength(1);
  });

  it('notifies once per run', async () => {
    service.state(summary('a', 'running', { name: 'CRM', runId: 'run-1' }));
    service.state(failed());
    service.state(summary('a', 'running', { name: 'CRM', runId: 'run-1' }));
    service.state(failed());
    await flush();
    expect(Notification.instances).toHaveLength(1);
  });
});

describe('notification texts', () => {
  it('decides from the transition whether a run just ended badly', () => {
    const running = summary('a', 'running');
    expect(finishedOutcome({ previous: running, current: failed() })).toBe('failed');
    expect(finishedOutcome({ previous: summary('a', 'ok'), current: failed() })).toBeNull();
    expect(finishedOutcome({ previous: undefined, current: failed() })).toBeNull();
    expect(
      finishedOutcome({
        previous: running,
        current: summary('a', 'warning', { lastRunStatus: 'interrupted' }),
      }),
    ).toBe('warning');
  });

  it('has a body even without an error message, in both languages', () => {
    const bare = failed({ lastError: null });
    expect(runNoticeText(bare, 'failed', 'en').body).toBe('Open Lifeboat to see what went wrong.');
    expect(runNoticeText(bare, 'failed', 'ru').body).toBe(
      'Откройте Lifeboat, чтобы узнать, что пошло не так.',
    );
    const interrupted = summary('a', 'warning', { name: 'CRM', lastRunStatus: 'interrupted' });
    expect(runNoticeText(interrupted, 'warning', 'ru')).toEqual({
      title: 'Резервная копия создана с предупреждениями: CRM',
      body: 'Резервное копирование прервалось. Lifeboat скоро повторит его.',
    });
  });

  it('keeps the English message when a code has no Russian text', () => {
    const odd = failed({ lastError: { code: 'SOMETHING_NEW' as never, message: 'Odd failure.' } });
    expect(runNoticeText(odd, 'failed', 'ru').body).toBe('Odd failure.');
  });
});

describe('showNotice', () => {
  beforeEach(() => resetElectronMock());

  it('reports a system without notifications, so the caller can fall back', () => {
    Notification.isSupported.mockReturnValue(false);
    expect(showNotice({ title: 't', body: 'b' })).toBe(false);
    expect(Notification.instances).toHaveLength(0);
  });

  it('calls the click handler', () => {
    const onClick = vi.fn();
    expect(showNotice({ title: 't', body: 'b', onClick })).toBe(true);
    Notification.instances[0]?.emit('click');
    expect(onClick).toHaveBeenCalledTimes(1);
  });
});
