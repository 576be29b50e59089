import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { dispatch } from '../engine/dispatch.ts';
import { eventChannel, eventNames, invokeChannel, operationNames } from '../shared/channels.ts';
import type { EventName, EventPayload, Result, ServiceApi } from '../shared/contract.ts';
import type { AppOrigin } from './app-origin.ts';
import { log } from './log.ts';
import type { TrustedSenders } from './trusted-senders.ts';

/** What the adapter needs from the engine's Service: the operations and the event subscription. */
export type HostedService = ServiceApi & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

export interface IpcAdapterOptions {
  service: HostedService;
  trusted: TrustedSenders;
  origin: AppOrigin;
}

export interface IpcAdapter {
  /** The invoke channels this adapter answers, in contract order. */
  readonly channels: readonly string[];
  dispose(): void;
}

const refusal = (): Result<never> => ({
  ok: false,
  error: { code: 'PERMISSION_DENIED', message: 'This window is not allowed to use Lifeboat.' },
});

/**
 * Why a message must be refused, or null if it comes from our own page: a webContents this app created,
 * its top frame (not a sub-frame), showing our own page (security checklist item 17).
 */
export function senderProblem(
  event: IpcMainInvokeEvent,
  trusted: TrustedSenders,
  origin: AppOrigin,
): string | null {
  if (!trusted.has(event.sender)) return `webContents ${event.sender.id} was not created by Lifeboat`;
  const frame = event.senderFrame;
  if (!frame) return 'the sending frame is gone';
  if (frame.parent !== null) return 'it came from a sub-frame';
  if (!origin.isAppUrl(frame.url)) return `the sending page is ${frame.url.slice(0, 200)}`;
  return null;
}

/**
 * The only module that touches ipcMain. One invoke handler per contract operation (so unknown channels
 * have no handler at all); each checks the sender, then dispatch() parses the argument with the
 * contract's schema before the Service sees it. Service events go to trusted windows only.
 */
export function registerIpc(options: IpcAdapterOptions): IpcAdapter {
  const { service, trusted, origin } = options;

  const channels = operationNames.map((name) => {
    const channel = invokeChannel(name);
    ipcMain.handle(channel, async (event, ...args: unknown[]): Promise<Result<unknown>> => {
      const problem = senderProblem(event, trusted, origin);
      if (problem) {
        log.warn(`Refused IPC call ${name}: ${problem}.`);
        return refusal();
      }
      // The preload sends one argument (the input); more did not come through it.
      if (args.length > 1) {
        return { ok: false, error: { code: 'INVALID_ARGUMENT', message: `Invalid argument for ${name}` } };
      }
      return dispatch(service, name, args[0]);
    });
    return channel;
  });

  const broadcast = (name: EventName, payload: unknown): void => {
    const channel = eventChannel(name);
    for (const contents of trusted.list()) {
      // A window that somehow left our page must not keep receiving backup progress and logs.
      if (!origin.isAppUrl(contents.getURL())) continue;
      try {
        contents.send(channel, payload);
      } catch (err) {
        log.warn(`Could not deliver the ${name} event to a window:`, err);
      }
    }
  };
  const unsubscribes = eventNames.map((name) => service.on(name, (payload) => broadcast(name, payload)));

  return {
    channels,
    dispose(): void {
      for (const channel of channels) ipcMain.removeHandler(channel);
      for (const unsubscribe of unsubscribes) unsubscribe();
    },
  };
}
