import type { App, Session, WebContents } from 'electron';
import type { AppOrigin } from './app-origin.ts';
import { contentSecurityPolicy } from './content-security-policy.ts';
import { log } from './log.ts';
import { openExternal } from './open-external.ts';

/**
 * Copying to the clipboard (e.g. a recovery key) is the one permission our own page gets; Chromium
 * routes navigator.clipboard.writeText through the permission handlers. Everything else is denied.
 */
const allowedForAppPage = new Set<string>(['clipboard-sanitized-write']);

function isAllowed(contents: WebContents | null, permission: string, origin: AppOrigin): boolean {
  return allowedForAppPage.has(permission) && contents !== null && origin.isAppUrl(contents.getURL());
}

/** CSP header on every response of the session (checklist item 7), on top of the renderer's meta tag. */
export function applyContentSecurityPolicy(session: Session, origin: AppOrigin): void {
  const policy = contentSecurityPolicy(origin.devServerUrl);
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== 'content-security-policy') headers[name] = value;
    }
    headers['Content-Security-Policy'] = [policy];
    callback({ responseHeaders: headers });
  });
}

/** Denies permission requests and checks (camera, geolocation, notifications...) (checklist item 5). */
export function denyPermissions(session: Session, origin: AppOrigin): void {
  session.setPermissionRequestHandler((contents, permission, callback) => {
    const allowed = isAllowed(contents, permission, origin);
    if (!allowed) log.warn('Denied a permission request:', permission);
    callback(allowed);
  });
  session.setPermissionCheckHandler((contents, permission) => isAllowed(contents, permission, origin));
}

/**
 * Per-webContents rules: no navigation or redirect away from our page (checklist item 13), no new
 * windows (links go to the checked openExternal instead, items 14-15), no <webview> (item 12).
 */
export function hardenWebContents(contents: WebContents, origin: AppOrigin): void {
  const guard = (kind: string) => (event: { url: string; preventDefault: () => void }) => {
    if (origin.isAppUrl(event.url)) return;
    event.preventDefault();
    log.warn(`Blocked ${kind} to a foreign page:`, event.url.slice(0, 200));
  };
  contents.on('will-navigate', guard('navigation'));
  contents.on('will-frame-navigate', guard('frame navigation'));
  contents.on('will-redirect', guard('redirect'));
  contents.setWindowOpenHandler(({ url }) => {
    void openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log.warn('Blocked an attempt to attach a <webview>.');
  });
}

/** Installs everything above; call before the first window is created. */
export function hardenApp(app: App, session: Session, origin: AppOrigin): void {
  applyContentSecurityPolicy(session, origin);
  denyPermissions(session, origin);
  // Covers every webContents, including ones a future feature might create.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, origin));
}
