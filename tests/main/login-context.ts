import path from 'node:path';
import type { LoginItemContext } from '../../src/main/login-item.ts';
import { app } from '../mocks/electron.ts';

/**
 * What the login item code sees in a packaged Linux install whose config and home folders are under
 * `tmp` (the autostart entry goes to <tmp>/config/autostart), with the mocked Electron app; `over`
 * changes a part (the platform, the environment).
 */
export function loginContext(tmp: string, over: Partial<LoginItemContext> = {}): LoginItemContext {
  return {
    platform: 'linux',
    env: { XDG_CONFIG_HOME: path.join(tmp, 'config') },
    homeDir: path.join(tmp, 'home'),
    execPath: '/opt/Lifeboat/lifeboat',
    isPackaged: true,
    appPath: '/opt/Lifeboat/resources/app.asar',
    app: app as never,
    ...over,
  };
}
