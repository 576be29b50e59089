import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../mocks/electron.ts'));

import { app, resetElectronMock } from '../mocks/electron.ts';
import { DesktopState } from '../../src/main/desktop-state.ts';
import {
  applyLaunchAtLoginDefault,
  autostartDir,
  isLaunchAtLoginEnabled,
  launchCommand,
  quoteExecArg,
  renderAutostartEntry,
  setLaunchAtLogin,
  type LoginItemContext,
} from '../../src/main/login-item.ts';
import { startsHidden } from '../../src/main/start-options.ts';
import { loginContext } from './login-context.ts';

let tmp: string;
let configHome: string;
let dataDir: string;

beforeEach(() => {
  resetElectronMock();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-login-'));
  configHome = path.join(tmp, 'config');
  dataDir = path.join(tmp, 'data');
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  vi.restoreAllMocks();
});

const context = (over: Partial<LoginItemContext> = {}) => loginContext(tmp, over);
const autostart = () => path.join(configHome, 'autostart', 'lifeboat.desktop');

describe('the Linux autostart entry', () => {
  it('renders a desktop entry that starts Lifeboat hidden, with a Russian comment too', () => {
    expect(renderAutostartEntry({ exec: '/opt/Lifeboat/lifeboat', args: ['--hidden'] })).toBe(
      [
        '[Desktop Entry]',
        'Type=Application',
        'Version=1.0',
        'Name=Lifeboat',
        'Comment=Encrypted backups of your CRM, on schedule',
        'Comment[ru]=Зашифрованные резервные копии вашей CRM по расписанию',
        'Exec=/opt/Lifeboat/lifeboat --hidden',
        'Icon=lifeboat',
        'Terminal=false',
        'X-GNOME-Autostart-enabled=true',
        '',
      ].join('\n'),
    );
  });

  it('quotes and escapes Exec= arguments as the Desktop Entry spec says', () => {
    expect(quoteExecArg('/usr/bin/lifeboat')).toBe('/usr/bin/lifeboat');
    expect(quoteExecArg('/home/anna/My Apps/Lifeboat.AppImage')).toBe(
      '"/home/anna/My Apps/Lifeboat.AppImage"',
    );
    // Inside quotes: \" \` \$ \\ ; then the string escaping doubles every backslash.
    expect(quoteExecArg('/a/$HOME"x`')).toBe('"/a/\\\\$HOME\\\\"x\\\\`"');
    expect(quoteExecArg('/a\\b')).toBe('"/a\\\\\\\\b"');
    expect(quoteExecArg('/opt/100%/lifeboat')).toBe('/opt/100%%/lifeboat');
    expect(() => quoteExecArg('/opt/a\nb')).toThrow();
    expect(() => quoteExecArg('')).toThrow();
  });

  it('lives in $XDG_CONFIG_HOME/autostart, or ~/.config/autostart when that is unset or relative', () => {
    expect(autostartDir({ XDG_CONFIG_HOME: '/x/cfg' }, '/home/anna')).toBe('/x/cfg/autostart');
    expect(autostartDir({}, '/home/anna')).toBe('/home/anna/.config/autostart');
    expect(autostartDir({ XDG_CONFIG_HOME: '' }, '/home/anna')).toBe('/home/anna/.config/autostart');
    expect(autostartDir({ XDG_CONFIG_HOME: 'cfg' }, '/home/anna')).toBe('/home/anna/.config/autostart');
  });

  it('starts the AppImage file, not its temporary mount, and the app folder when run from source', () => {
    const base = context();
    expect(launchCommand(base)).toEqual({ exec: '/opt/Lifeboat/lifeboat', args: ['--hidden'] });
    expect(
      launchCommand({
        ...base,
        execPath: '/tmp/.mount_LifebXYZ/lifeboat',
        env: { APPIMAGE: '/home/a/Lifeboat.AppImage' },
      }),
    ).toEqual({ exec: '/home/a/Lifeboat.AppImage', args: ['--hidden'] });
    expect(
      launchCommand({ ...base, isPackaged: false, execPath: '/repo/node_modules/electron/dist/electron' }),
    ).toEqual({
      exec: '/repo/node_modules/electron/dist/electron',
      args: ['/opt/Lifeboat/resources/app.asar', '--hidden'],
    });
  });

  it('is written when switched on and removed when switched off', async () => {
    const ctx = context();
    expect(isLaunchAtLoginEnabled(ctx)).toBe(false);
    await setLaunchAtLogin(true, ctx);
    expect(isLaunchAtLoginEnabled(ctx)).toBe(true);
    const text = fs.readFileSync(autostart(), 'utf8');
    expect(text).toContain('Exec=/opt/Lifeboat/lifeboat --hidden\n');
    expect(fs.statSync(autostart()).mode & 0o777).toBe(0o644);

    await setLaunchAtLogin(false, ctx);
    expect(fs.existsSync(autostart())).toBe(false);
    expect(isLaunchAtLoginEnabled(ctx)).toBe(false);
    await setLaunchAtLogin(false, ctx); // already off: fine
    expect(app.setLoginItemSettings).not.toHaveBeenCalled();
  });
});

describe('Windows and macOS login items', () => {
  it('registers Lifeboat with --hidden through Electron', async () => {
    for (const platform of ['win32', 'darwin'] as const) {
      resetElectronMock();
      const ctx = context({ platform });
      await setLaunchAtLogin(true, ctx);
      expect(app.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: true, args: ['--hidden'] });
      expect(isLaunchAtLoginEnabled(ctx)).toBe(true);
      expect(app.getLoginItemSettings).toHaveBeenCalledWith({ args: ['--hidden'] });
      await setLaunchAtLogin(false, ctx);
      expect(app.setLoginItemSettings).toHaveBeenLastCalledWith({ openAtLogin: false, args: ['--hidden'] });
      expect(isLaunchAtLoginEnabled(ctx)).toBe(false);
      expect(fs.existsSync(path.join(configHome, 'autostart'))).toBe(false);
    }
  });
});

describe('launch at login by default', () => {
  it('is switched on by the first run only: a user who turned it off keeps it off', async () => {
    const ctx = context();
    await applyLaunchAtLoginDefault(ctx, new DesktopState(dataDir));
    expect(fs.existsSync(autostart())).toBe(true);
    expect(new DesktopState(dataDir).get().launchAtLoginDefaulted).toBe(true);

    await setLaunchAtLogin(false, ctx);
    await applyLaunchAtLoginDefault(ctx, new DesktopState(dataDir));
    expect(fs.existsSync(autostart())).toBe(false);
  });

  it('rewrites an existing entry at start, so it follows an AppImage that moved', async () => {
    const state = new DesktopState(dataDir);
    await applyLaunchAtLoginDefault(
      context({ env: { XDG_CONFIG_HOME: configHome, APPIMAGE: '/old/L.AppImage' } }),
      state,
    );
    await applyLaunchAtLoginDefault(
      context({ env: { XDG_CONFIG_HOME: configHome, APPIMAGE: '/new/L.AppImage' } }),
      state,
    );
    expect(fs.readFileSync(autostart(), 'utf8')).toContain('Exec=/new/L.AppImage --hidden\n');
  });

  it('uses the Electron login item on Windows', async () => {
    await applyLaunchAtLoginDefault(context({ platform: 'win32' }), new DesktopState(dataDir));
    expect(app.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: true, args: ['--hidden'] });
  });

  it('leaves login items alone when run from source', async () => {
    const state = new DesktopState(dataDir);
    await applyLaunchAtLoginDefault(context({ isPackaged: false }), state);
    await applyLaunchAtLoginDefault(context({ isPackaged: false, platform: 'win32' }), state);
    expect(fs.existsSync(autostart())).toBe(false);
    expect(app.setLoginItemSettings).not.toHaveBeenCalled();
    expect(state.get().launchAtLoginDefaulted).toBe(false);
  });

  it('logs a failure instead of stopping the start', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    app.setLoginItemSettings.mockImplementationOnce(() => {
      throw new Error('denied');
    });
    const state = new DesktopState(dataDir);
    await applyLaunchAtLoginDefault(context({ platform: 'darwin' }), state);
    expect(warn).toHaveBeenCalledWith(
      expect.any(String),
      expect.stringMatching(/launch at login/),
      expect.any(Error),
    );
    expect(state.get().launchAtLoginDefaulted).toBe(false); // tried again next start
  });
});

describe('starting hidden', () => {
  it('stays in the tray when started with --hidden, or by the macOS login item', () => {
    expect(startsHidden({ argv: ['/opt/Lifeboat/lifeboat', '--hidden'], platform: 'linux' })).toBe(true);
    expect(startsHidden({ argv: ['/opt/Lifeboat/lifeboat'], platform: 'win32' })).toBe(false);
    expect(
      startsHidden({ argv: ['/Applications/Lifeboat.app'], platform: 'darwin', openedAtLogin: () => true }),
    ).toBe(true);
    expect(
      startsHidden({ argv: ['/Applications/Lifeboat.app'], platform: 'darwin', openedAtLogin: () => false }),
    ).toBe(false);
    // Only macOS reports it; elsewhere the argument is what counts.
    expect(startsHidden({ argv: ['lifeboat'], platform: 'linux', openedAtLogin: () => true })).toBe(false);
  });
});
