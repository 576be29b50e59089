import os from 'node:os';
import path from 'node:path';

export const productName = 'Lifeboat';

/**
 * The one place that decides where Lifeboat keeps its settings, history and logs. LIFEBOAT_HOME wins
 * (tests, portable installs); otherwise the Electron host passes app.getPath('userData'), and CLI and
 * headless compute the same folder Electron would use, so all three hosts share one configuration.
 */
export function resolveDataDir(
  options: { env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform; homeDir?: string; electronUserData?: string } = {},
): string {
  const env = options.env ?? process.env;
  if (env.LIFEBOAT_HOME) return path.resolve(env.LIFEBOAT_HOME);
  if (options.electronUserData) return options.electronUserData;
  const platform = options.platform ?? process.platform;
  const home = options.homeDir ?? os.homedir();
  const join = platform === 'win32' ? path.win32.join : path.posix.join;
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), productName);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', productName);
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), productName);
}
