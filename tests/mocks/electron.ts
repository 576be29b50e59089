/**
 * Hand-written stand-ins for the parts of electron that src/main and src/preload use. Tests load them
 * with `vi.mock('electron', () => import('../mocks/electron.ts'))`: the real package would try to
 * download Electron's binary on import. State is module-level, so call resetElectronMock() per test.
 */
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';
import { vi } from 'vitest';

type Listener = (...args: unknown[]) => unknown;

export class MockWebFrameMain {
  url: string;
  parent: MockWebFrameMain | null;
  constructor(url: string, parent: MockWebFrameMain | null = null) {
    this.url = url;
    this.parent = parent;
  }
}

let nextWebContentsId = 1;

export class MockWebContents extends EventEmitter {
  readonly id = nextWebContentsId++;
  readonly mainFrame = new MockWebFrameMain('about:blank');
  readonly send = vi.fn();
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  readonly setWindowOpenHandler = vi.fn((handler: (details: { url: string }) => { action: string }) => {
    this.windowOpenHandler = handler;
  });
  #destroyed = false;

  getURL(): string {
    return this.mainFrame.url;
  }
  isDestroyed(): boolean {
    return this.#destroyed;
  }
  /** Test helper: what Electron does when a page finishes loading. */
  navigateTo(url: string): void {
    this.mainFrame.url = url;
  }
  destroy(): void {
    this.#destroyed = true;
    this.emit('destroyed');
  }
  /** Test helper: fires a will-navigate-style event and says whether a listener prevented it. */
  attempt(eventName: string, url: string): boolean {
    let prevented = false;
    const event = { url, isMainFrame: true, preventDefault: () => (prevented = true) };
    this.emit(eventName, event, url);
    return prevented;
  }
}

export class BrowserWindow extends EventEmitter {
  static readonly instances: BrowserWindow[] = [];
  static getAllWindows(): BrowserWindow[] {
    return BrowserWindow.instances.filter((win) => !win.isDestroyed());
  }

  readonly options: Record<string, unknown>;
  readonly webContents = new MockWebContents();
  readonly show = vi.fn();
  readonly focus = vi.fn();
  readonly restore = vi.fn();
  readonly loadURL = vi.fn(async (url: string) => this.webContents.navigateTo(url));
  readonly loadFile = vi.fn(async (file: string) => this.webContents.navigateTo(pathToFileURL(file).href));
  #destroyed = false;

  constructor(options: Record<string, unknown> = {}) {
    super();
    this.options = options;
    BrowserWindow.instances.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  isDestroyed(): boolean {
    return this.#destroyed;
  }
  isMinimized(): boolean {
    return false;
  }
  isVisible(): boolean {
    return this.show.mock.calls.length > 0;
  }
  close(): void {
    this.#destroyed = true;
    this.webContents.destroy();
    this.emit('closed');
  }
}

/** An invoke event as Electron builds it for ipcMain.handle listeners. */
export function invokeEvent(
  sender: MockWebContents,
  frame: MockWebFrameMain | null = sender.mainFrame,
): { sender: MockWebContents; senderFrame: MockWebFrameMain | null; frameId: number; processId: number } {
  return { sender, senderFrame: frame, frameId: 1, processId: 1 };
}

class MockIpcMain extends EventEmitter {
  readonly handlers = new Map<string, Listener>();
  readonly handle = vi.fn((channel: string, listener: Listener) => {
    // Electron refuses a second handler for the same channel.
    if (this.handlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  });
  readonly removeHandler = vi.fn((channel: string) => {
    this.handlers.delete(channel);
  });
  /** Test helper: what ipcRenderer.invoke from a page amounts to on the main side. */
  async invoke(channel: string, event: unknown, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    // Electron's own answer when nothing handles a channel: the renderer's promise rejects.
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, ...args);
  }
}
export const ipcMain = new MockIpcMain();

class MockIpcRenderer extends EventEmitter {
  readonly invoke = vi.fn(async (_channel: string, ..._args: unknown[]): Promise<unknown> => undefined);
  /** Test helper: a message from main, delivered with an event object the page must never see. */
  deliver(channel: string, payload: unknown): void {
    this.emit(channel, { sender: this, senderId: 0, ports: [] }, payload);
  }
}
export const ipcRenderer = new MockIpcRenderer();

export const contextBridge = {
  exposed: {} as Record<string, unknown>,
  exposeInMainWorld: vi.fn((key: string, api: unknown) => {
    contextBridge.exposed[key] = api;
  }),
};

class MockApp extends EventEmitter {
  isPackaged = false;
  userDataDir = '/tmp/lifeboat-mock-user-data';
  #ready = false;
  readonly requestSingleInstanceLock = vi.fn(() => true);
  readonly enableSandbox = vi.fn();
  readonly setAppUserModelId = vi.fn();
  readonly getPath = vi.fn((_name: string) => this.userDataDir);
  readonly quit = vi.fn();
  readonly exit = vi.fn();
  isReady(): boolean {
    return this.#ready;
  }
  whenReady(): Promise<void> {
    this.#ready = true;
    return Promise.resolve();
  }
}
export const app = new MockApp();

type HeadersListener = (
  details: { url: string; responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
) => void;

export const session = {
  defaultSession: {
    headersListener: null as HeadersListener | null,
    permissionRequestHandler: null as Listener | null,
    permissionCheckHandler: null as Listener | null,
    webRequest: {
      onHeadersReceived: vi.fn((listener: HeadersListener) => {
        session.defaultSession.headersListener = listener;
      }),
    },
    setPermissionRequestHandler: vi.fn((handler: Listener) => {
      session.defaultSession.permissionRequestHandler = handler;
    }),
    setPermissionCheckHandler: vi.fn((handler: Listener) => {
      session.defaultSession.permissionCheckHandler = handler;
    }),
  },
};

export const shell = { openExternal: vi.fn(async (_url: string) => {}) };

export function resetElectronMock(): void {
  vi.resetAllMocks(); // also restores the vi.fn implementations above after a test overrode them
  for (const emitter of [ipcMain, ipcRenderer, app]) emitter.removeAllListeners();
  ipcMain.handlers.clear();
  contextBridge.exposed = {};
  app.isPackaged = false;
  BrowserWindow.instances.length = 0;
  const ses = session.defaultSession;
  ses.headersListener = null;
  ses.permissionRequestHandler = null;
  ses.permissionCheckHandler = null;
}

export default { app, BrowserWindow, contextBridge, ipcMain, ipcRenderer, session, shell };
