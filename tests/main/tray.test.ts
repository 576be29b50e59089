import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../mocks/electron.ts'));

import { Menu, MockNativeImage, Tray, nativeImage, resetElectronMock } from '../mocks/electron.ts';
import { trayIconFilesForTests } from '../mocks/tray-icon-files.ts';
import type { JobSummary } from '../../src/shared/contract.ts';
import type { LanguageWatch } from '../../src/main/language.ts';
import type { Language } from '../../src/main/texts.ts';
import { jobLabel } from '../../src/main/tray-menu.ts';
import { loadTrayIcons } from '../../src/main/tray-icons.ts';
import { createAppTray, type AppTray } from '../../src/main/tray.ts';
import { trayStates } from '../../src/main/tray-state.ts';

function summary(id: string, status: JobSummary['status'], name = `Job ${id}`): JobSummary {
  return { id, name, status, lastSuccessAt: null, nextRunAt: null };
}

/** A JobTracker stand-in the test changes by hand. */
function fakeJobs(initial: JobSummary[]) {
  let list = initial;
  const percents = new Map<string, number>();
  const listeners = new Set<() => void>();
  return {
    jobs: () => list,
    percents: () => percents,
    onChange(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(next: JobSummary[]) {
      list = next;
      for (const listener of listeners) listener();
    },
    progress(id: string, percent: number) {
      percents.set(id, percent);
      for (const listener of listeners) listener();
    },
  };
}

function fakeLanguage(initial: Language): LanguageWatch & { set(language: Language): void } {
  let language = initial;
  const listeners = new Set<(language: Language) => void>();
  return {
    current: () => language,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose: () => listeners.clear(),
    set(next) {
      language = next;
      for (const listener of listeners) listener(next);
    },
  };
}

const fakeService = () => ({
  runJobNow: vi.fn(async ({ id }: { id: string }) => ({ runId: `run-${id}`, alreadyRunning: false })),
  pauseJob: vi.fn(async ({ id }: { id: string }) => summary(id, 'paused')),
  resumeJob: vi.fn(async ({ id }: { id: string }) => summary(id, 'ok')),
});

/** Icons the tests can tell apart. */
const icons = Object.fromEntries(trayStates.map((state) => [state, new MockNativeImage(state)])) as never;
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('tray', () => {
  let jobs: ReturnType<typeof fakeJobs>;
  let language: ReturnType<typeof fakeLanguage>;
  let service: ReturnType<typeof fakeService>;
  let openWindow: ReturnType<typeof vi.fn<() => void>>;
  let quit: ReturnType<typeof vi.fn<() => void>>;
  let appTray: AppTray;

  function start(initial: JobSummary[], platform: NodeJS.Platform = 'linux'): Tray {
    jobs = fakeJobs(initial);
    appTray = createAppTray({ jobs, service, language, icons, openWindow, quit, platform });
    return Tray.instances[0]!;
  }
  const iconName = (tray: Tray) => (tray.image as MockNativeImage).source;
  const click = (tray: Tray, label: string) => {
    const item = tray.contextMenu?.find(label);
    if (!item?.click) throw new Error(`no menu item ${label}`);
    item.click();
  };

  beforeEach(() => {
    resetElectronMock();
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    language = fakeLanguage('en');
    service = fakeService();
    openWindow = vi.fn();
    quit = vi.fn();
  });

  it('shows the state of the jobs as icon and tooltip, and follows it', () => {
    const tray = start([summary('a', 'ok'), summary('b', 'idle')]);
    expect(iconName(tray)).toBe('ok');
    expect(tray.toolTip).toBe('Lifeboat — all backups OK');

    jobs.set([summary('a', 'running'), summary('b', 'idle')]);
    expect(iconName(tray)).toBe('running');
    expect(tray.toolTip).toBe('Lifeboat — backup running…');
    jobs.progress('a', 42);
    expect(tray.toolTip).toBe('Lifeboat — backup running… 42%');

    jobs.set([summary('a', 'failed'), summary('b', 'idle')]);
    expect(iconName(tray)).toBe('error');
    expect(tray.toolTip).toBe('Lifeboat — 1 backup failed');

    jobs.set([summary('a', 'warning'), summary('b', 'ok')]);
    expect(iconName(tray)).toBe('warning');
  });

  it('tells the OS only what changed (progress comes many times a second)', () => {
    const tray = start([summary('a', 'running')]);
    const builds = Menu.buildFromTemplate.mock.calls.length;
    jobs.progress('a', 10);
    jobs.progress('a', 10);
    jobs.progress('a', 11);
    expect(tray.setToolTip.mock.calls.map(([text]) => text)).toEqual([
      'Lifeboat — backup running…',
      'Lifeboat — backup running… 10%',
      'Lifeboat — backup running… 11%',
    ]);
    expect(tray.setImage).not.toHaveBeenCalled();
    expect(Menu.buildFromTemplate.mock.calls.length).toBe(builds);
  });

  it('has Open, Back up now, Pause schedules and Quit for a single job', () => {
    const tray = start([summary('a', 'ok')]);
    expect(tray.contextMenu?.labels()).toEqual([
      'Open Lifeboat',
      '---',
      'Back up now',
      'Pause schedules',
      '---',
      'Quit Lifeboat',
    ]);
  });

  it('Back up now runs every enabled job', async () => {
    const tray = start([summary('a', 'ok')]);
    click(tray, 'Back up now');
    await flush();
    expect(service.runJobNow.mock.calls).toEqual([[{ id: 'a' }]]);
  });

  it('with several jobs, Back up now is a submenu: all enabled jobs, or one by name', async () => {
    const tray = start([
      summary('a', 'ok', 'CRM'),
      summary('b', 'paused', 'Files & mail'),
      summary('c', 'failed'),
    ]);
    const backUp = tray.contextMenu?.find('Back up now');
    expect(backUp?.submenu?.map((item) => item.label ?? '---')).toEqual([
      'All backups',
      '---',
      'CRM',
      'Files && mail', // "&" is a mnemonic marker on Windows and Linux
      'Job c',
    ]);
    click(tray, 'All backups');
    await flush();
    // The paused job is not part of "all"...
    expect(service.runJobNow.mock.calls).toEqual([[{ id: 'a' }], [{ id: 'c' }]]);
    // ...but can be started by name, like "Run now" in the window.
    click(tray, 'Files && mail');
    await flush();
    expect(service.runJobNow).toHaveBeenLastCalledWith({ id: 'b' });
  });

  it('disables the items of jobs already running', () => {
    const tray = start([summary('a', 'running'), summary('b', 'ok')]);
    expect(tray.contextMenu?.find('Job a')?.enabled).toBe(false);
    expect(tray.contextMenu?.find('Job b')?.enabled).toBe(true);
    jobs.set([summary('a', 'running')]);
    expect(tray.contextMenu?.find('Back up now')?.enabled).toBe(false);
  });

  it('pauses and resumes every job through the Service, and re-sets the menu after the change', async () => {
    const tray = start([summary('a', 'ok'), summary('b', 'idle')]);
    click(tray, 'Pause schedules');
    await flush();
    expect(service.pauseJob.mock.calls).toEqual([[{ id: 'a' }], [{ id: 'b' }]]);

    const setBefore = tray.setContextMenu.mock.calls.length;
    // The Service's jobState events reach the tray through the tracker.
    jobs.set([summary('a', 'paused'), summary('b', 'paused')]);
    expect(tray.setContextMenu.mock.calls.length).toBe(setBefore + 1);
    expect(tray.toolTip).toBe('Lifeboat — schedules paused');
    click(tray, 'Resume schedules');
    await flush();
    expect(service.resumeJob.mock.calls).toEqual([[{ id: 'a' }], [{ id: 'b' }]]);
  });

  it('keeps going when one job cannot be paused', async () => {
    service.pauseJob.mockRejectedValueOnce(new Error('busy'));
    const tray = start([summary('a', 'ok'), summary('b', 'ok')]);
    click(tray, 'Pause schedules');
    await flush();
    await flush();
    expect(service.pauseJob).toHaveBeenCalledTimes(2);
    expect(console.warn).toHaveBeenCalledWith(
      expect.any(String),
      expect.stringMatching(/pause job a/),
      expect.any(Error),
    );
  });

  it('opens the window and quits', () => {
    const tray = start([]);
    click(tray, 'Open Lifeboat');
    expect(openWindow).toHaveBeenCalledTimes(1);
    tray.emit('click');
    expect(openWindow).toHaveBeenCalledTimes(2);
    click(tray, 'Quit Lifeboat');
    expect(quit).toHaveBeenCalledTimes(1);
    expect(tray.contextMenu?.find('Back up now')?.enabled).toBe(false);
    expect(tray.contextMenu?.find('Pause schedules')?.enabled).toBe(false);
  });

  it('leaves a click on macOS to the menu', () => {
    const tray = start([], 'darwin');
    tray.emit('click');
    expect(openWindow).not.toHaveBeenCalled();
  });

  it('relabels itself when the user switches to Russian', () => {
    const tray = start([summary('a', 'failed'), summary('b', 'ok')]);
    language.set('ru');
    expect(tray.toolTip).toBe('Lifeboat — 1 резервная копия не создана');
    expect(tray.contextMenu?.labels()).toEqual([
      'Открыть Lifeboat',
      '---',
      'Создать копию сейчас',
      'Приостановить расписания',
      '---',
      'Выйти из Lifeboat',
    ]);
    expect(tray.contextMenu?.find('Все задания')).toBeDefined();
  });

  it('balloons only on Windows, and stops following the jobs once destroyed', () => {
    let tray = start([summary('a', 'ok')], 'win32');
    appTray.balloon('Lifeboat', 'hello');
    expect(tray.displayBalloon).toHaveBeenCalledWith({
      title: 'Lifeboat',
      content: 'hello',
      iconType: 'info',
    });
    appTray.destroy();
    expect(tray.destroy).toHaveBeenCalled();
    jobs.set([summary('a', 'failed')]);
    expect(tray.setImage).not.toHaveBeenCalled();

    resetElectronMock();
    tray = start([], 'linux');
    appTray.balloon('Lifeboat', 'hello');
    expect(tray.displayBalloon).not.toHaveBeenCalled();
  });
});

describe('tray icons', () => {
  beforeEach(() => resetElectronMock());

  it('loads the 16 px and the @2x 32 px bitmap of every state', () => {
    const loaded = loadTrayIcons(trayIconFilesForTests) as unknown as Record<string, MockNativeImage>;
    expect(Object.keys(loaded).sort()).toEqual([...trayStates].sort());
    for (const state of trayStates) {
      expect(loaded[state]?.getScaleFactors()).toEqual([1, 2]);
    }
  });

  it('falls back to an empty image rather than losing the tray', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const missing = {
      ...trayIconFilesForTests,
      error: { x1: '/nonexistent.png', x2: '/nonexistent@2x.png' },
    };
    const loaded = loadTrayIcons(missing) as unknown as Record<string, MockNativeImage>;
    expect(loaded.error?.isEmpty()).toBe(true);
    expect(loaded.ok?.isEmpty()).toBe(false);
    expect(nativeImage.createEmpty).toHaveBeenCalledTimes(1);
  });
});

describe('job labels', () => {
  it('escapes "&" except on macOS and cuts long names', () => {
    expect(jobLabel('A & B', 'win32')).toBe('A && B');
    expect(jobLabel('A & B', 'darwin')).toBe('A & B');
    expect(jobLabel('x'.repeat(80), 'linux')).toBe(`${'x'.repeat(59)}…`);
  });
});
