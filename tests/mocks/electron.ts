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
  /** Test helper: the window getFocusedWindow() returns (none by default). */
  static focused: BrowserWindow | null = null;
  static getFocusedWindow(): BrowserWindow | null {
    return BrowserWindow.focused && !BrowserWindow.focused.isDestroyed() ? BrowserWindow.focused : null;
  }

  readonly options: Record<string, unknown>;
  readonly webContents = new MockWebContents();
  readonly show = vi.fn(() => {
    this.#visible = true;
  });
  readonly hide = vi.fn(() => {
    this.#visible = false;
  });
  readonly focus = vi.fn();
  readonly restore = vi.fn();
  readonly setFullScreen = vi.fn((flag: boolean) => {
    this.fullScreen = flag;
    if (!flag) this.emit('leave-full-screen');
  });
  fullScreen = false;
  readonly loadURL = vi.fn(async (url: string) => this.webContents.navigateTo(url));
  readonly loadFile = vi.fn(async (file: string) => this.webContents.navigateTo(pathToFileURL(file).href));
  #destroyed = false;
  #visible = false;

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
    return this.#visible;
  }
  isFullScreen(): boolean {
    return this.fullScreen;
  }
  /** Like Electron: 'close' first (a listener may preventDefault to keep the window), then 'closed'. */
  close(): void {
    if (this.#destroyed) return;
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (!prevented) this.destroy();
  }
  /** Like Electron: gone at once, without a 'close' event. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#visible = false;
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
  readonly getAppPath = vi.fn(() => '/opt/Lifeboat/resources/app.asar');
  /** What setLoginItemSettings last stored; getLoginItemSettings reads it back (Windows/macOS). */
  loginItem: { openAtLogin: boolean; args: string[]; wasOpenedAtLogin: boolean } = {
    openAtLogin: false,
    args: [],
    wasOpenedAtLogin: false,
  };
  readonly setLoginItemSettings = vi.fn((settings: { openAtLogin?: boolean; args?: string[] }) => {
    this.loginItem = {
      ...this.loginItem,
      openAtLogin: settings.openAtLogin ?? false,
      args: settings.args ?? [],
    };
  });
  readonly getLoginItemSettings = vi.fn((_options?: { args?: string[] }) => ({ ...this.loginItem }));
  /** Test helper: what app.quit() sets off in Electron: before-quit, every window closes, will-quit. */
  simulateQuit(): { willQuit: { preventDefault: () => void; prevented: boolean } } {
    this.emit('before-quit', { preventDefault: () => {} });
    for (const win of BrowserWindow.getAllWindows()) win.close();
    const willQuit = {
      prevented: false,
      preventDefault(): void {
        willQuit.prevented = true;
      },
    };
    this.emit('will-quit', willQuit);
    return { willQuit };
  }
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

/** dialog.showOpenDialog([window,] options): cancelled unless a test says otherwise. */
export const dialog = {
  showOpenDialog: vi.fn(async (..._args: unknown[]): Promise<{ canceled: boolean; filePaths: string[] }> => ({
    canceled: true,
    filePaths: [],
  })),
};

/** nativeImage as the tray builds it: one bitmap per scale factor. */
export class MockNativeImage {
  readonly representations: { scaleFactor: number; bytes: number }[] = [];
  readonly source: string;
  constructor(source: string) {
    this.source = source;
  }
  addRepresentation(options: { scaleFactor?: number; buffer?: Buffer; dataURL?: string }): void {
    this.representations.push({
      scaleFactor: options.scaleFactor ?? 1,
      bytes: options.buffer?.length ?? options.dataURL?.length ?? 0,
    });
  }
  isEmpty(): boolean {
    return this.representations.length === 0;
  }
  getScaleFactors(): number[] {
    return this.representations.map((r) => r.scaleFactor);
  }
}

export const nativeImage = {
  createEmpty: vi.fn(() => new MockNativeImage('empty')),
  createFromBuffer: vi.fn((buffer: Buffer, options: { scaleFactor?: number } = {}) => {
    const image = new MockNativeImage('buffer');
    image.addRepresentation({ buffer, scaleFactor: options.scaleFactor ?? 1 });
    return image;
  }),
  createFromPath: vi.fn((file: string) => {
    const image = new MockNativeImage(file);
    image.addRepresentation({ dataURL: file, scaleFactor: 1 });
    return image;
  }),
};

export interface MockMenuItem {
  label?: string;
  type?: string;
  enabled?: boolean;
  submenu?: MockMenuItem[];
  click?: (...args: unknown[]) => unknown;
}

/** Menu.buildFromTemplate keeps the template, so tests can read labels and click items. */
export class MockMenu {
  readonly items: MockMenuItem[];
  constructor(items: MockMenuItem[]) {
    this.items = items;
  }
  /** Test helper: the item with this label, searched through submenus too. */
  find(label: string): MockMenuItem | undefined {
    const search = (items: MockMenuItem[]): MockMenuItem | undefined => {
      for (const item of items) {
        if (item.label === label) return item;
        const inner = item.submenu ? search(item.submenu) : undefined;
        if (inner) return inner;
      }
      return undefined;
    };
    return search(this.items);
  }
  labels(): (string | undefined)[] {
    return this.items.map((item) => (item.type === 'separator' ? '---' : item.label));
  }
}

export const Menu = {
  buildFromTemplate: vi.fn((template: MockMenuItem[]) => new MockMenu(template)),
};

export class Tray extends EventEmitter {
  static readonly instances: Tray[] = [];
  image: unknown;
  toolTip = '';
  contextMenu: MockMenu | null = null;
  #destroyed = false;
  readonly setImage = vi.fn((image: unknown) => {
    this.image = image;
  });
  readonly setToolTip = vi.fn((text: string) => {
    this.toolTip = text;
  });
  readonly setContextMenu = vi.fn((menu: MockMenu | null) => {
    this.contextMenu = menu;
  });
  readonly displayBalloon = vi.fn();
  readonly destroy = vi.fn(() => {
    this.#destroyed = true;
  });
  constructor(image: unknown) {
    super();
    this.image = image;
    Tray.instances.push(this);
  }
  isDestroyed(): boolean {
    return this.#destroyed;
  }
}

export class Notification extends EventEmitter {
  static readonly instances: Notification[] = [];
  static readonly isSupported = vi.fn(() => true);
  readonly options: { title?: string; body?: string };
  readonly show = vi.fn();
  readonly close = vi.fn();
  constructor(options: { title?: string; body?: string } = {}) {
    super();
    this.options = options;
    Notification.instances.push(this);
  }
  get title(): string {
    return this.options.title ?? '';
  }
  get body(): string {
    return this.options.body ?? '';
  }
}

/** powerMonitor is an EventEmitter in Electron too; tests emit 'resume', 'unlock-screen', 'shutdown'. */
export const powerMonitor = new EventEmitter();

let nextBlockerId = 1;
const activeBlockers = new Map<number, string>();
export const powerSaveBlocker = {
  start: vi.fn((type: string) => {
    const id = nextBlockerId++;
    activeBlockers.set(id, type);
    return id;
  }),
  stop: vi.fn((id: number) => {
    activeBlockers.delete(id);
  }),
  isStarted: vi.fn((id: number) => activeBlockers.has(id)),
  /** Test helper: the blockers now active, by type. */
  active(): string[] {
    return [...activeBlockers.values()];
  },
};

export function resetElectronMock(): void {
  vi.resetAllMocks(); // also restores the vi.fn implementations above after a test overrode them
  for (const emitter of [ipcMain, ipcRenderer, app, powerMonitor]) emitter.removeAllListeners();
  ipcMain.handlers.clear();
  contextBridge.exposed = {};
  app.isPackaged = false;
  app.loginItem = { openAtLogin: false, args: [], wasOpenedAtLogin: false };
  BrowserWindow.instances.length = 0;
  BrowserWindow.focused = null;
  Tray.instances.length = 0;
  Notification.instances.length = 0;
  activeBlockers.clear();
  const ses = session.defaultSession;
  ses.headersListener = null;
  ses.permissionRequestHandler = null;
  ses.permissionCheckHandler = null;
}

export default {
  app,
  BrowserWindow,
  contextBridge,
  dialog,
  ipcMain,
  ipcRenderer,
  Menu,
  nativeImage,
  Notification,
  powerMonitor,
  powerSaveBlocker,
  session,
  shell,
  Tray,
};
