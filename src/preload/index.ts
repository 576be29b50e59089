/**
 * The sandboxed preload: exposes `window.lifeboat` with one named method per contract operation and an
 * `on` for contract events. Nothing else crosses the bridge — no ipcRenderer, no event objects
 * (security checklist item 20). Imports only the zod-free channel list so the bundle stays tiny.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { eventChannel, eventNames, invokeChannel, operationNames } from '../shared/channels.ts';
import type { LifeboatBridge } from '../shared/contract.ts';

const knownEvents = new Set<string>(eventNames);

function on(event: string, listener: (payload: unknown) => void): () => void {
  if (!knownEvents.has(event)) throw new TypeError(`Unknown Lifeboat event: ${String(event)}`);
  if (typeof listener !== 'function') throw new TypeError('A Lifeboat event listener must be a function');
  const channel = eventChannel(event);
  // The page gets the payload only; the IpcRendererEvent (with its sender) stays here.
  const forward = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
  ipcRenderer.on(channel, forward);
  return () => {
    ipcRenderer.removeListener(channel, forward);
  };
}

function createBridge(): LifeboatBridge {
  const bridge: Record<string, unknown> = { on };
  for (const name of operationNames) {
    const channel = invokeChannel(name);
    // Exactly one argument crosses, whatever the page passes (main refuses any other count).
    bridge[name] = (input?: unknown) => ipcRenderer.invoke(channel, input);
  }
  return Object.freeze(bridge) as LifeboatBridge;
}

contextBridge.exposeInMainWorld('lifeboat', createBridge());
