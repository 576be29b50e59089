import { describe, expect, it } from 'vitest';
import type { JobSummary, ProgressEvent } from '../../src/shared/contract.ts';
import { progressPercent, trayState, trayTooltip } from '../../src/main/tray-state.ts';
import { ruPlural, texts } from '../../src/main/texts.ts';

type Status = JobSummary['status'];
const jobs = (...statuses: Status[]) => statuses.map((status, i) => ({ id: `job${i}`, status }));
const none = new Map<string, number>();

function progress(over: Partial<ProgressEvent>): ProgressEvent {
  return {
    jobId: 'job0',
    operation: 'backup',
    phase: 'files',
    filesDone: 0,
    filesTotal: null,
    bytesDone: 0,
    bytesTotal: null,
    currentItem: null,
    etaSeconds: null,
    ...over,
  };
}

describe('tray state', () => {
  it('is the worst news of all jobs: failed > warning > running > ok', () => {
    expect(trayState([])).toBe('ok');
    expect(trayState(jobs('ok', 'idle', 'paused'))).toBe('ok');
    expect(trayState(jobs('ok', 'running'))).toBe('running');
    expect(trayState(jobs('running', 'warning'))).toBe('warning');
    expect(trayState(jobs('warning', 'running', 'failed', 'ok'))).toBe('error');
  });
});

describe('tray tooltip', () => {
  it('says in words what the icon shows', () => {
    expect(trayTooltip(jobs('ok', 'idle'), none, 'en')).toBe('Lifeboat — all backups OK');
    expect(trayTooltip(jobs('ok', 'running'), new Map([['job1', 42]]), 'en')).toBe(
      'Lifeboat — backup running… 42%',
    );
    expect(trayTooltip(jobs('running'), none, 'en')).toBe('Lifeboat — backup running…');
    expect(trayTooltip(jobs('running', 'running'), none, 'en')).toBe('Lifeboat — 2 backups running…');
    expect(trayTooltip(jobs('failed', 'ok'), none, 'en')).toBe('Lifeboat — 1 backup failed');
    expect(trayTooltip(jobs('failed', 'failed', 'running'), none, 'en')).toBe('Lifeboat — 2 backups failed');
    expect(trayTooltip(jobs('warning'), none, 'en')).toBe('Lifeboat — 1 backup finished with warnings');
    expect(trayTooltip(jobs('paused', 'paused'), none, 'en')).toBe('Lifeboat — schedules paused');
    expect(trayTooltip([], none, 'en')).toBe('Lifeboat — no backups set up yet');
  });

  it('speaks Russian with the right plural forms', () => {
    expect(trayTooltip(jobs('ok'), none, 'ru')).toBe('Lifeboat — все резервные копии в порядке');
    expect(trayTooltip(jobs('running'), new Map([['job0', 7]]), 'ru')).toBe(
      'Lifeboat — идёт резервное копирование… 7%',
    );
    expect(trayTooltip(jobs('failed'), none, 'ru')).toBe('Lifeboat — 1 резервная копия не создана');
    expect(trayTooltip(jobs('failed', 'failed', 'failed'), none, 'ru')).toBe(
      'Lifeboat — 3 резервные копии не созданы',
    );
    expect(trayTooltip(jobs(...Array<Status>(5).fill('failed')), none, 'ru')).toBe(
      'Lifeboat — 5 резервных копий не создано',
    );
    expect(trayTooltip(jobs('warning', 'warning'), none, 'ru')).toBe(
      'Lifeboat — 2 резервные копии созданы с предупреждениями',
    );
    expect(trayTooltip(jobs('paused'), none, 'ru')).toBe('Lifeboat — расписания приостановлены');
  });

  it('chooses Russian plural forms like a Russian speaker', () => {
    const form = (n: number) => ruPlural(n, 'one', 'few', 'many');
    expect([1, 21, 101].map(form)).toEqual(['one', 'one', 'one']);
    expect([2, 3, 4, 22, 104].map(form)).toEqual(['few', 'few', 'few', 'few', 'few']);
    expect([0, 5, 11, 12, 14, 19, 111, 112].map(form)).toEqual(Array(8).fill('many'));
  });

  it('has every text in both languages', () => {
    expect(Object.keys(texts.ru).sort()).toEqual(Object.keys(texts.en).sort());
    for (const [key, value] of Object.entries(texts.ru)) {
      const english = texts.en[key as keyof typeof texts.en];
      // Every string is translated, except the product name itself.
      if (typeof value === 'string' && english !== 'Lifeboat') expect(value, key).not.toBe(english);
    }
  });
});

describe('progress percent', () => {
  it('uses bytes when the total is known, files otherwise, and nothing while scanning', () => {
    expect(progressPercent(progress({ bytesDone: 420, bytesTotal: 1000, filesDone: 1, filesTotal: 2 }))).toBe(
      42,
    );
    expect(progressPercent(progress({ filesDone: 1, filesTotal: 4 }))).toBe(25);
    expect(progressPercent(progress({ bytesDone: 5, bytesTotal: 0 }))).toBeNull();
    expect(progressPercent(progress({}))).toBeNull();
  });

  it('never rounds up to 100% before the end, and stays within 0..100', () => {
    expect(progressPercent(progress({ bytesDone: 999, bytesTotal: 1000 }))).toBe(99);
    expect(progressPercent(progress({ bytesDone: 1000, bytesTotal: 1000 }))).toBe(100);
    expect(progressPercent(progress({ bytesDone: 1500, bytesTotal: 1000 }))).toBe(100);
  });
});
