import type { LifeboatClient } from './client.ts';
import { BridgeClient } from './bridge-client.ts';
import { browserSocketFactory, headlessSocketUrl } from './browser-socket.ts';
import { WsClient } from './ws-client.ts';

/**
 * Picks the transport once at start-up: the preload's `window.lifeboat` inside Electron, otherwise the
 * headless host's WebSocket on the page's own origin.
 */
export function createClient(win: Window = window): LifeboatClient {
  if (win.lifeboat) return new BridgeClient(win.lifeboat);
  const { protocol } = win.location;
  if (protocol !== 'http:' && protocol !== 'https:') {
    // A file:// page without the bridge means the preload did not load; a socket URL would be meaningless.
    throw new Error(
      `Lifeboat cannot reach its service: no desktop bridge, and the page was opened from ${protocol}`,
    );
  }
  return new WsClient({ connect: browserSocketFactory(headlessSocketUrl(win.location)) });
}
