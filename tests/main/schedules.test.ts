import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../mocks/electron.ts'));

import { powerMonitor, resetElectronMock } from '../mocks/electron.ts';
import { runSchedules } from '../../src/main/schedules.ts';

const fakeScheduler = () => ({
  startScheduler: vi.fn(),
  resumeScheduler: vi.fn(async () => {}),
  stopScheduler: vi.fn(async () => {}),
});

beforeEach(() => resetElectronMock());

describe('scheduler lifecycle', () => {
  it('starts the scheduler once and catches up when the computer wakes or is unlocked', () => {
    const service = fakeScheduler();
    runSchedules(service);
    expect(service.startScheduler).toHaveBeenCalledTimes(1);
    powerMonitor.emit('resume');
    powerMonitor.emit('unlock-screen');
    expect(service.resumeScheduler).toHaveBeenCalledTimes(2);
    powerMonitor.emit('lock-screen');
    powerMonitor.emit('suspend');
    expect(service.resumeScheduler).toHaveBeenCalledTimes(2);
  });

  it('stops the scheduler and the OS listeners on quit', async () => {
    const service = fakeScheduler();
    const schedules = runSchedules(service);
    await schedules.stop();
    expect(service.stopScheduler).toHaveBeenCalledTimes(1);
    expect(powerMonitor.listenerCount('resume')).toBe(0);
    expect(powerMonitor.listenerCount('unlock-screen')).toBe(0);
  });

  it('logs a failed catch-up instead of crashing the main process', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const service = fakeScheduler();
    service.resumeScheduler.mockRejectedValueOnce(new Error('disk gone'));
    runSchedules(service);
    powerMonitor.emit('resume');
    await new Promise((resolve) => setImmediate(resolve));
    expect(warn).toHaveBeenCalledWith(
      expect.any(String),
      expect.stringMatching(/catch up/),
      expect.any(Error),
    );
  });
});
