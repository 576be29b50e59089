import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../mocks/electron.ts'));

import { BrowserWindow, MockWebContents, app, resetElectronMock, session, shell } from '../mocks/electron.ts';
import { createAppOrigin, pickDevServerUrl } from '../../src/main/app-origin.ts';
import { contentSecurityPolicy } from '../../src/main/content-security-policy.ts';
import {
  applyContentSecurityPolicy,
  denyPermissions,
  hardenApp,
  hardenWebContents,
} from '../../src/main/security.ts';

const origin = createAppOrigin({
  devServerUrl: undefined,
  indexFile: '/opt/Lifeboat/out/renderer/index.html',
});
const devOrigin = createAppOrigin({ devServerUrl: 'http://localhost:5173', indexFile: '/x/index.html' });
const ses = session.defaultSession;
const flush = () => new Promise((resolve) => setImmediate(resolve));

beforeEach(() => {
  resetElectronMock();
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});

describe('app origin', () => {
  it('matches only the exact built index file in production', () => {
    expect(origin.entryUrl).toBe('file:///opt/Lifeboat/out/renderer/index.html');
    expect(origin.isAppUrl('file:///opt/Lifeboat/out/renderer/index.html#/jobs')).toBe(true);
    expect(origin.isAppUrl('file:///opt/Lifeboat/out/renderer/other.html')).toBe(false);
    expect(origin.isAppUrl('file:///tmp/index.html')).toBe(false);
    expect(origin.isAppUrl('https://evil.example/opt/Lifeboat/out/renderer/index.html')).toBe(false);
    expect(origin.isAppUrl('not a url')).toBe(false);
  });

  it('compares parsed origins of the dev server, never prefixes', () => {
    expect(devOrigin.isAppUrl('http://localhost:5173/src/main.tsx')).toBe(true);
    expect(devOrigin.isAppUrl('http://localhost:5173.evil.example/')).toBe(false);
    expect(devOrigin.isAppUrl('http://localhost:5174/')).toBe(false);
    expect(devOrigin.isAppUrl('https://localhost:5173/')).toBe(false);
    expect(devOrigin.isAppUrl('file:///x/index.html')).toBe(false);
  });

  it('trusts a dev server URL only unpackaged and on loopback', () => {
    expect(pickDevServerUrl('http://localhost:5173', false)).toBe('http://localhost:5173/');
    expect(pickDevServerUrl('http://127.0.0.1:5173/', false)).toBe('http://127.0.0.1:5173/');
    expect(pickDevServerUrl('http://localhost:5173', true)).toBeUndefined();
    expect(pickDevServerUrl('https://evil.example/', false)).toBeUndefined();
    expect(pickDevServerUrl('file:///etc/passwd', false)).toBeUndefined();
    expect(pickDevServerUrl('garbage', false)).toBeUndefined();
    expect(pickDevServerUrl(undefined, false)).toBeUndefined();
  });
});

describe('navigation and new windows', () => {
  let contents: MockWebContents;
  beforeEach(() => {
    contents = new MockWebContents();
    hardenWebContents(contents as never, origin);
  });

  it('prevents navigation and redirects to a foreign URL', () => {
    expect(contents.attempt('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.attempt('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(contents.attempt('will-redirect', 'https://evil.example/')).toBe(true);
    expect(contents.attempt('will-frame-navigate', 'https://evil.example/')).toBe(true);
    expect(console.warn).toHaveBeenCalledWith(
      expect.any(String),
      expect.stringMatching(/Blocked navigation/),
      'https://evil.example/',
    );
  });

  it('lets our own page reload or change route', () => {
    expect(contents.attempt('will-navigate', `${origin.entryUrl}#/restore`)).toBe(false);
    expect(contents.attempt('will-redirect', origin.entryUrl)).toBe(false);
  });

  it('denies every new window and sends only safe links to the browser', async () => {
    const open = (url: string) => contents.windowOpenHandler?.({ url });
    expect(open('https://lifeboat.app/help')).toEqual({ action: 'deny' });
    expect(open('mailto:support@lifeboat.app')).toEqual({ action: 'deny' });
    expect(open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(open('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(open(origin.entryUrl)).toEqual({ action: 'deny' });
    await flush();
    expect(shell.openExternal.mock.calls).toEqual([
      ['https://lifeboat.app/help'],
      ['mailto:support@lifeboat.app'],
    ]);
  });

  it('refuses to attach a <webview>', () => {
    expect(contents.attempt('will-attach-webview', 'https://evil.example/')).toBe(true);
  });

  it('hardens every webContents the app creates later', () => {
    hardenApp(app as never, ses as never, origin);
    const later = new BrowserWindow();
    expect(later.webContents.attempt('will-navigate', 'https://evil.example/')).toBe(true);
    expect(later.webContents.setWindowOpenHandler).toHaveBeenCalledTimes(1);
  });
});

describe('content security policy', () => {
  const strict =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

  it('is the strict policy in production', () => {
    expect(contentSecurityPolicy()).toBe(strict);
  });

  it('adds only what the Vite dev server needs in development', () => {
    const dev = contentSecurityPolicy('http://localhost:5173/');
    expect(dev).toContain("script-src 'self' 'unsafe-inline';");
    expect(dev).toContain("connect-src 'self' ws://localhost:5173;");
    expect(dev).toContain("object-src 'none'");
  });

  it('is set as a response header, replacing any other CSP header', () => {
    applyContentSecurityPolicy(ses as never, origin);
    const callback = vi.fn();
    ses.headersListener?.(
      {
        url: origin.entryUrl,
        responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': ['1'] },
      },
      callback,
    );
    expect(callback).toHaveBeenCalledWith({
      responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': [strict] },
    });
  });
});

describe('permissions', () => {
  const page = (url: string) => {
    const contents = new MockWebContents();
    contents.navigateTo(url);
    return contents;
  };

  it('denies permission requests', () => {
    denyPermissions(ses as never, origin);
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'openExternal',
      'clipboard-read',
      'hid',
    ]) {
      const callback = vi.fn();
      ses.permissionRequestHandler?.(page(origin.entryUrl), permission, callback, {});
      expect(callback).toHaveBeenCalledWith(false);
      expect(ses.permissionCheckHandler?.(page(origin.entryUrl), permission, 'file:///', {})).toBe(false);
    }
  });

  it('lets only our own page write to the clipboard', () => {
    denyPermissions(ses as never, origin);
    const ours = vi.fn();
    const foreign = vi.fn();
    ses.permissionRequestHandler?.(page(origin.entryUrl), 'clipboard-sanitized-write', ours, {});
    ses.permissionRequestHandler?.(page('https://evil.example/'), 'clipboard-sanitized-write', foreign, {});
    expect(ours).toHaveBeenCalledWith(true);
    expect(foreign).toHaveBeenCalledWith(false);
    expect(ses.permissionCheckHandler?.(null, 'clipboard-sanitized-write', '', {})).toBe(false);
  });
});
