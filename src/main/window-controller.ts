import type { BrowserWindow } from 'electron';
import type { AppOrigin } from './app-origin.ts';
import { focusWindow } from './window.ts';

/** Screens of the renderer's hash router that the main process opens (a notification click). */
export type WindowRoute = 'dashboard';

export interface WindowControllerOptions {
  origin: AppOrigin;
  /** Makes the window (loading the route when given) and sets it up (close to tray, …). */
  create: (route: WindowRoute | undefined) => BrowserWindow;
}

/**
 * The one main window, made on demand: a start at login stays in the tray without loading the page
 * at all, and the tray, a second launch or a notification bring the window (back) later.
 */
export class WindowController {
  readonly #options: WindowControllerOptions;
  #window: BrowserWindow | null = null;

  constructor(options: WindowControllerOptions) {
    this.#options = options;
  }

  get window(): BrowserWindow | null {
    return this.#window && !this.#window.isDestroyed() ? this.#window : null;
  }

  /** Shows the window, creating it if needed; with a route, on that screen. */
  show(route?: WindowRoute): void {
    const existing = this.window;
    if (existing) {
      // Only the hash changes: Chromium treats that as a same-document navigation, no reload.
      if (route) void existing.loadURL(routeUrl(this.#options.origin, route)).catch(() => undefined);
      focusWindow(existing);
      return;
    }
    const win = this.#options.create(route);
    win.on('closed', () => {
      if (this.#window === win) this.#window = null;
    });
    this.#window = win;
  }
}

/** Our page's URL on a screen of the hash router (`#/dashboard`). */
export function routeUrl(origin: AppOrigin, route: WindowRoute): string {
  const url = new URL(origin.entryUrl);
  url.hash = `/${route}`;
  return url.href;
}
