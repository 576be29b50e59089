/** The argument the login item passes, so a start at login goes straight to the tray. */
export const hiddenArg = '--hidden';

export interface StartContext {
  argv: readonly string[];
  platform: NodeJS.Platform;
  /** macOS login items take no arguments; Electron tells us instead that the login item opened us. */
  openedAtLogin?: () => boolean;
}

/** Whether this launch should stay in the tray without opening the window. */
export function startsHidden(context: StartContext): boolean {
  if (context.argv.includes(hiddenArg)) return true;
  if (context.platform === 'darwin' && context.openedAtLogin) {
    try {
      return context.openedAtLogin();
    } catch {
      return false;
    }
  }
  return false;
}
