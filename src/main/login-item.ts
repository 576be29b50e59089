/**
 * Launch at login, so scheduled backups happen without anyone opening Lifeboat. Windows and macOS
 * have app.setLoginItemSettings; Linux has no Electron API, so an XDG autostart entry
 * (`$XDG_CONFIG_HOME/autostart/lifeboat.desktop`) is written or removed instead. Either way the app
 * starts with --hidden: straight to the tray, no window.
 */
import fs from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { app, type App } from 'electron';
import { writeFileAtomic } from '../engine/jobs/atomic-file.ts';
import type { LaunchAtLogin } from '../engine/repositories/deps.ts';
import type { DesktopState } from './desktop-state.ts';
import { log } from './log.ts';
import { hiddenArg } from './start-options.ts';
import { texts } from './texts.ts';

export interface LoginItemContext {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  homeDir: string;
  /** The running executable (the Electron binary itself when unpackaged). */
  execPath: string;
  isPackaged: boolean;
  /** The app folder the Electron binary needs as its first argument when unpackaged. */
  appPath: string;
  app: Pick<App, 'setLoginItemSettings' | 'getLoginItemSettings'>;
}

export function loginItemContext(): LoginItemContext {
  return {
    platform: process.platform,
    env: process.env,
    homeDir: os.homedir(),
    execPath: process.execPath,
    isPackaged: app.isPackaged,
    appPath: app.getAppPath(),
    app,
  };
}

// ---- Linux: XDG autostart ----

/** `$XDG_CONFIG_HOME/autostart`; the spec says to ignore an unset, empty or relative XDG_CONFIG_HOME. */
export function autostartDir(env: NodeJS.ProcessEnv, homeDir: string): string {
  const configHome = env.XDG_CONFIG_HOME;
  const base = configHome && path.isAbsolute(configHome) ? configHome : path.join(homeDir, '.config');
  return path.join(base, 'autostart');
}

export function autostartFile(env: NodeJS.ProcessEnv, homeDir: string): string {
  return path.join(autostartDir(env, homeDir), 'lifeboat.desktop');
}

/** The command that starts this Lifeboat at login, hidden. */
export function launchCommand(ctx: Omit<LoginItemContext, 'app'>): { exec: string; args: string[] } {
  // An AppImage runs from a fresh /tmp/.mount_* folder each time; the .AppImage file is what stays.
  if (ctx.platform === 'linux' && ctx.env.APPIMAGE) return { exec: ctx.env.APPIMAGE, args: [hiddenArg] };
  if (ctx.isPackaged) return { exec: ctx.execPath, args: [hiddenArg] };
  return { exec: ctx.execPath, args: [ctx.appPath, hiddenArg] };
}

// The Desktop Entry spec's reserved characters: an argument holding one must be quoted.
const reserved = /[\s"'\\><~|&;$*?#()`]/;

/**
 * One argument of an Exec= line, per the Desktop Entry spec: `%` doubled (field codes), quoted when it
 * holds a reserved character with `"` `` ` `` `$` `\` backslash-escaped inside the quotes, and then
 * every backslash doubled again by the general string escaping of .desktop values.
 */
export function quoteExecArg(arg: string): string {
  // eslint-disable-next-line no-control-regex
  if (arg === '' || /[\u0000-\u001f\u007f]/.test(arg)) {
    throw new Error(`Cannot put ${JSON.stringify(arg)} on an Exec= line.`);
  }
  const escaped = arg.replaceAll('%', '%%');
  const quoted = reserved.test(arg) ? `"${escaped.replace(/["`$\\]/g, (c) => `\\${c}`)}"` : escaped;
  return quoted.replaceAll('\\', '\\\\');
}

/** The autostart entry's text. Pure: tests read it as is. */
export function renderAutostartEntry(command: { exec: string; args: readonly string[] }): string {
  const exec = [command.exec, ...command.args].map(quoteExecArg).join(' ');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    'Name=Lifeboat',
    `Comment=${texts.en.autostartComment}`,
    `Comment[ru]=${texts.ru.autostartComment}`,
    `Exec=${exec}`,
    'Icon=lifeboat',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

// ---- every platform ----

export function isLaunchAtLoginEnabled(ctx: LoginItemContext = loginItemContext()): boolean {
  if (ctx.platform === 'linux') return fs.existsSync(autostartFile(ctx.env, ctx.homeDir));
  // Windows finds the Run entry by path and arguments, so ask with the ones we register.
  return ctx.app.getLoginItemSettings(loginItemQuery(ctx)).openAtLogin;
}

function loginItemQuery(ctx: LoginItemContext): { path?: string; args: string[] } {
  const { exec, args } = launchCommand(ctx);
  return ctx.isPackaged ? { args } : { path: exec, args };
}

/** Turns launch at login on or off. Exported for the settings screen's switch. */
export async function setLaunchAtLogin(
  enabled: boolean,
  ctx: LoginItemContext = loginItemContext(),
): Promise<void> {
  if (ctx.platform === 'linux') {
    const file = autostartFile(ctx.env, ctx.homeDir);
    if (enabled) await writeFileAtomic(file, renderAutostartEntry(launchCommand(ctx)), 0o644);
    else await rm(file, { force: true });
    return;
  }
  // macOS ignores args (it reports wasOpenedAtLogin instead, see start-options.ts).
  ctx.app.setLoginItemSettings({ openAtLogin: enabled, ...loginItemQuery(ctx) });
}

/** Launch at login as the Service offers it to the settings screen (read and set on each call). */
export function launchAtLoginControl(context: () => LoginItemContext = loginItemContext): LaunchAtLogin {
  return {
    get: () => isLaunchAtLoginEnabled(context()),
    set: (enabled) => setLaunchAtLogin(enabled, context()),
  };
}

/**
 * On the first run of an installed Lifeboat, launch at login is switched on: a backup app has to be
 * running to back up. It happens once (remembered in desktop-state.json), so a user who turned it off
 * keeps it off. Later runs on Linux rewrite an existing entry, so it follows an AppImage that moved.
 * Runs from source (unpackaged) leave the login items alone: they would start a development build.
 */
export async function applyLaunchAtLoginDefault(ctx: LoginItemContext, state: DesktopState): Promise<void> {
  if (!ctx.isPackaged) return;
  try {
    if (!state.get().launchAtLoginDefaulted) {
      await setLaunchAtLogin(true, ctx);
      await state.update({ launchAtLoginDefaulted: true });
    } else if (ctx.platform === 'linux' && isLaunchAtLoginEnabled(ctx)) {
      await setLaunchAtLogin(true, ctx);
    }
  } catch (err) {
    log.warn('Could not set up launch at login:', err);
  }
}
