import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../mocks/electron.ts'));

import { BrowserWindow, resetElectronMock } from '../mocks/electron.ts';
import { hideOnClose, trayNoticeOnce } from '../../src/main/close-to-tray.ts';
import { DesktopState } from '../../src/main/desktop-state.ts';

let dataDir: string;
beforeEach(() => {
  resetElectronMock();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-desktop-state-'));
});
afterEach(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

function setup(options: { quitting?: boolean; tray?: boolean } = {}) {
  let quitting = options.quitting ?? false;
  const onHidden = vi.fn();
  const win = new BrowserWindow();
  win.show();
  hideOnClose(win as never, { isQuitting: () => quitting, canHide: () => options.tray ?? true, onHidden });
  return { win, onHidden, quit: () => (quitting = true) };
}

describe('closing the window', () => {
  it('hides it to the tray instead of closing', () => {
    const { win, onHidden } = setup();
    win.close();
    expect(win.isDestroyed()).toBe(false);
    expect(win.isVisible()).toBe(false);
    expect(onHidden).toHaveBeenCalledTimes(1);
  });

  it('really closes it once the app is quitting', () => {
    const { win, onHidden, quit } = setup();
    quit();
    win.close();
    expect(win.isDestroyed()).toBe(true);
    expect(onHidden).not.toHaveBeenCalled();
  });

  it('really closes it when there is no tray to come back from', () => {
    const { win } = setup({ tray: false });
    win.close();
    expect(win.isDestroyed()).toBe(true);
  });

  it('does not hold up a Windows logoff', () => {
    const { win } = setup();
    win.emit('session-end');
    win.close();
    expect(win.isDestroyed()).toBe(true);
  });

  it('leaves full screen first (macOS would keep a black space)', () => {
    const { win } = setup();
    win.fullScreen = true;
    win.close();
    expect(win.setFullScreen).toHaveBeenCalledWith(false);
    expect(win.hide).toHaveBeenCalledTimes(1);
    expect(win.hide.mock.invocationCallOrder[0]).toBeGreaterThan(
      win.setFullScreen.mock.invocationCallOrder[0]!,
    );
  });
});

describe('the one-time tray notice', () => {
  it('is shown the first time only, and remembered across restarts', async () => {
    const show = vi.fn();
    const first = new DesktopState(dataDir);
    const notice = trayNoticeOnce(first, show);
    notice();
    notice(); // a second close at once, before the file is written
    expect(show).toHaveBeenCalledTimes(1);
    await first.update({});
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'desktop-state.json'), 'utf8'))).toMatchObject({
      trayNoticeShown: true,
    });

    const restarted = new DesktopState(dataDir);
    trayNoticeOnce(restarted, show)();
    expect(show).toHaveBeenCalledTimes(1);
  });

  it('survives a damaged desktop-state.json (shown again rather than crashing)', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    fs.writeFileSync(path.join(dataDir, 'desktop-state.json'), '{not json');
    const show = vi.fn();
    const state = new DesktopState(dataDir);
    trayNoticeOnce(state, show)();
    expect(show).toHaveBeenCalledTimes(1);
    await state.update({});
    expect(new DesktopState(dataDir).get().trayNoticeShown).toBe(true);
  });

  it('keeps the other flags when one changes, and ignores fields of the wrong type', async () => {
    fs.writeFileSync(
      path.join(dataDir, 'desktop-state.json'),
      JSON.stringify({ launchAtLoginDefaulted: true, trayNoticeShown: 'yes' }),
    );
    const state = new DesktopState(dataDir);
    expect(state.get()).toEqual({ launchAtLoginDefaulted: true, trayNoticeShown: false });
    await state.update({ trayNoticeShown: true });
    expect(new DesktopState(dataDir).get()).toEqual({ launchAtLoginDefaulted: true, trayNoticeShown: true });
  });
});
