import { Notification } from 'electron';
import { log } from './log.ts';

export interface Notice {
  title: string;
  body: string;
  onClick?: () => void;
}

/**
 * Notifications still on screen. Electron forgets the click handler of a Notification object that was
 * garbage-collected, so each is kept here until it is clicked or closed.
 */
const shown = new Set<Notification>();

/** Shows an OS notification; false when this system has none (the caller may fall back). */
export function showNotice(notice: Notice): boolean {
  if (!Notification.isSupported()) return false;
  try {
    const notification = new Notification({ title: notice.title, body: notice.body });
    shown.add(notification);
    const forget = (): void => void shown.delete(notification);
    notification.on('click', () => {
      forget();
      notice.onClick?.();
    });
    notification.on('close', forget);
    notification.on('failed', forget);
    notification.show();
    return true;
  } catch (err) {
    log.warn('Could not show a notification:', err);
    return false;
  }
}
