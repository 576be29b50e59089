import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../mocks/electron.ts'));

import { app, resetElectronMock } from '../mocks/electron.ts';
import { dispatch } from '../../src/engine/dispatch.ts';
import type { Service } from '../../src/engine/service.ts';
import { launchAtLoginControl, type LoginItemContext } from '../../src/main/login-item.ts';
import { testService } from '../helpers/test-service.ts';
import { loginContext } from './login-context.ts';

let tmp: string;
beforeEach(() => {
  resetElectronMock();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-login-service-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function service(context: LoginItemContext): Service {
  return testService({
    host: 'desktop',
    dataDir: path.join(tmp, 'data'),
    launchAtLogin: launchAtLoginControl(() => context),
  }).service;
}

describe('launch at login through the Service (desktop host)', () => {
  it('switches the Linux autostart entry on and off', async () => {
    const svc = service(loginContext(tmp));
    const entry = path.join(tmp, 'config', 'autostart', 'lifeboat.desktop');
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
    const svc = service(
      loginContext(tmp, {
        platform: 'win32',
        env: {},
        execPath: 'C:\\Program Files\\Lifeboat\\Lifeboat.exe',
        appPath: 'C:\\Program Files\\Lifeboat\\resources\\app.asar',
      }),
    );
    await dispatch(svc, 'setLaunchAtLogin', { enabled: true });
    expect(app.setLoginItemSettings).toHaveBeenCalledWith(
      expect.objectContaining({ openAtLogin: true, args: ['--hidden'] }),
    );
    await svc.close();
  });
});
