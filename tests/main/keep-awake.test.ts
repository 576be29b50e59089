import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../mocks/electron.ts'));

import { powerSaveBlocker, resetElectronMock } from '../mocks/electron.ts';
import { JobTracker } from '../../src/main/job-tracker.ts';
import { keepAwakeWhileRunning } from '../../src/main/keep-awake.ts';
import { FakeService, progressOf, summary } from '../mocks/fake-service.ts';

let service: FakeService;
let tracker: JobTracker;

beforeEach(async () => {
  resetElectronMock();
  service = new FakeService();
  service.list = [summary('a', 'ok'), summary('b', 'idle')];
  tracker = new JobTracker(service);
  await tracker.start();
});
afterEach(() => {
  tracker.dispose();
  vi.useRealTimers();
});

describe('keeping the computer awake during backups', () => {
  it('blocks app suspension while any job runs, and lifts the block when none does', () => {
    const stop = keepAwakeWhileRunning(tracker);
    expect(powerSaveBlocker.start).not.toHaveBeenCalled();

    service.state(summary('a', 'running'));
    expect(powerSaveBlocker.start).toHaveBeenCalledTimes(1);
    expect(powerSaveBlocker.start).toHaveBeenCalledWith('prevent-app-suspension');
    expect(powerSaveBlocker.active()).toEqual(['prevent-app-suspension']);

    // A second run and progress events do not stack blockers.
    service.state(summary('b', 'running'));
    service.emit('progress', progressOf('a', 1, 2));
    expect(powerSaveBlocker.start).toHaveBeenCalledTimes(1);

    service.state(summary('a', 'ok'));
    expect(powerSaveBlocker.stop).not.toHaveBeenCalled(); // b still runs
    service.state(summary('b', 'failed'));
    expect(powerSaveBlocker.stop).toHaveBeenCalledTimes(1);
    expect(powerSaveBlocker.active()).toEqual([]);

    service.state(summary('a', 'running'));
    expect(powerSaveBlocker.start).toHaveBeenCalledTimes(2);
    stop(); // quitting in the middle of a run lifts the block too
    expect(powerSaveBlocker.active()).toEqual([]);
    service.state(summary('b', 'running'));
    expect(powerSaveBlocker.start).toHaveBeenCalledTimes(2);
  });

  it('blocks at once when a backup is already running at start', async () => {
    service.list = [summary('a', 'running')];
    await tracker.refresh();
    keepAwakeWhileRunning(tracker);
    expect(powerSaveBlocker.active()).toEqual(['prevent-app-suspension']);
  });
});

describe('job tracker', () => {
  it('keeps the latest summary per job and reports transitions from events', () => {
    const transitions: string[] = [];
    tracker.onTransition(({ previous, current }) =>
      transitions.push(`${previous?.status}->${current.status}`),
    );
    service.state(summary('a', 'running'));
    service.state(summary('a', 'failed'));
    service.state(summary('c', 'idle'));
    expect(transitions).toEqual(['ok->running', 'running->failed', 'undefined->idle']);
    expect(tracker.jobs().map((j) => `${j.id}:${j.status}`)).toEqual(['a:failed', 'b:idle', 'c:idle']);
  });

  it("keeps a running job's percentage until the run ends", () => {
    service.emit('progress', progressOf('a', 1, 2)); // not running: ignored
    expect(tracker.percents().size).toBe(0);
    service.state(summary('a', 'running'));
    service.emit('progress', progressOf('a', 42, 100));
    service.emit('progress', { ...progressOf('a', 0, 0), jobId: null }); // not a job's run
    expect(tracker.percents().get('a')).toBe(42);
    service.state(summary('a', 'ok'));
    expect(tracker.percents().size).toBe(0);
  });

  it('learns about deleted jobs and runs of other processes from the periodic refresh', async () => {
    vi.useFakeTimers();
    const periodic = new JobTracker(service, { refreshMs: 1000 });
    await periodic.start();
    service.list = [summary('b', 'running')]; // a deleted, b run by `lifeboat job run`
    await vi.advanceTimersByTimeAsync(1000);
    expect(periodic.jobs().map((j) => `${j.id}:${j.status}`)).toEqual(['b:running']);
    periodic.dispose();
  });

  it('does not let a slow list read undo a newer event', async () => {
    let release!: () => void;
    const stale = [summary('a', 'running'), summary('b', 'idle')];
    service.listJobs.mockImplementationOnce(() => new Promise((resolve) => (release = () => resolve(stale))));
    const reading = tracker.refresh();
    service.state(summary('a', 'failed')); // arrives while the list is being read
    release();
    await reading;
    expect(tracker.jobs().find((j) => j.id === 'a')?.status).toBe('failed');
  });
});
