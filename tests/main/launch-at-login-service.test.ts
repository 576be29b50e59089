import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../mocks/electron.ts'));

import { app, resetElectronMock } from '../mocks/electron.ts';
import { dispatch } from '../../src/engine/dispatch.ts';
import { MemorySecretStore } from '../../src/engine/secrets/secret-store.ts';
import { Service } from '../../src/engine/service.ts';
import { MemorySettingsStore } from '../../src/engine/settings/settings-store.ts';
import { launchAtLoginControl, type LoginItemContext } from '../../src/main/login-item.ts';

let tmp: string;
beforeEach(() => {
  resetElectronMock();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-login-service-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function service(context: LoginItemContext): Service {
  return new Service({
    host: 'desktop',
    dataDir: path.join(tmp, 'data'),
    settings: new MemorySettingsStore(),
    secrets: async () => new MemorySecretStore(),
    notifications: { enabled: false },
    launchAtLogin: launchAtLoginControl(() => context),
  });
}

describe('launch at login through the Service (desktop host)', () => {
  it('switches the Linux autostart entry on and off', async () => {
    const configHome = path.join(tmp, 'config');
    const svc = service({
      platform: 'linux',
      env: { XDG_CONFIG_HOME: configHome },
      homeDir: path.join(tmp, 'home'),
      execPath: '/opt/Lifeboat/lifeboat',
      isPackaged: true,
      appPath: '/opt/Lifeboat/resources/app.asar',
      app: app as never,
    });
    const entry = path.join(configHome, 'autostart', 'lifeboat.desktop');
    expect(await dispatch(svc, 'getLaunchAtLogin', undefined)).toEqual({
      ok: true,
      value: { supported: true, enabled: false },
    });
    expect(await dispatch(svc, 'setLaunchAtLogin', { enabled: true })).toEqual({
      ok: true,
      value: { supported: true, enabled: true },
    });
    expect(fs.readFileSync(entry, 'utf8')).toContain('Exec=/opt/Lifeboat/lifeboat --hidden');
    expect(await dispatch(svc, 'setLaunchAtLogin', { enabled: false })).toEqual({
      ok: true,
      value: { supported: true, enabled: false },
    });
    expect(fs.existsSync(entry)).toBe(false);
    await svc.close();
  });

  it('uses the login item settings on Windows and macOS', async () => {
    const svc = service({
      platform: 'win32',
      env: {},
      homeDir: tmp,
      execPath: 'C:\\Program Files\\Lifeboat\\Lifeboat.exe',
      isPackaged: true,
      appPath: 'C:\\Program Files\\Lifeboat\\resources\\app.asar',
      app: app as never,
    });
    await dispatch(svc, 'setLaunchAtLogin', { enabled: true });
    expect(app.setLoginItemSettings).toHaveBeenCalledWith(
      expect.objectContaining({ openAtLogin: true, args: ['--hidden'] }),
    );
    await svc.close();
  });
});
