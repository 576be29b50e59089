import type { BrowserWindow } from 'electron';
import type { DesktopState } from './desktop-state.ts';

export interface CloseToTrayOptions {
  /** True once the app is quitting (tray Quit, Cmd+Q, OS shutdown): then closing really closes. */
  isQuitting: () => boolean;
  /** Whether a tray icon exists to come back from; without one, closing must close. */
  canHide: () => boolean;
  /** Called each time the window went to the tray instead of closing. */
  onHidden: () => void;
}

/**
 * A backup app that quits when its window is closed misses the night's backup, so closing the window
 * hides it and Lifeboat stays in the tray. Only quitting closes it for real.
 */
export function hideOnClose(win: BrowserWindow, options: CloseToTrayOptions): void {
  // Windows logoff or shutdown: neither before-quit nor will-quit is emitted, and a window that
  // refuses to close would hold the session up.
  let sessionEnding = false;
  win.on('session-end', () => {
    sessionEnding = true;
  });
  win.on('close', (event) => {
    if (sessionEnding || options.isQuitting() || !options.canHide()) return;
    event.preventDefault();
    if (win.isFullScreen()) {
      // macOS leaves a black full-screen space behind a window hidden while full screen.
      win.once('leave-full-screen', () => win.hide());
      win.setFullScreen(false);
    } else {
      win.hide();
    }
    options.onHidden();
  });
}

/**
 * The first time ever the window goes to the tray, say so once ("why is it still running?"); the flag
 * lives in desktop-state.json, so it stays said across restarts.
 */
export function trayNoticeOnce(state: DesktopState, show: () => void): () => void {
  return () => {
    if (state.get().trayNoticeShown) return;
    void state.update({ trayNoticeShown: true });
    show();
  };
}
