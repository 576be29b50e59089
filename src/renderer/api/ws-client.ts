import { maxRequestBytes } from '../../shared/contract.ts';
import type { EventName, EventPayload, OperationName, OperationOutput } from '../../shared/contract.ts';
import type { ErrorInfo } from '../../shared/errors.ts';
import { ClientError, type CallArgs, type ConnectionState, type LifeboatClient } from './client.ts';
import { Listeners } from './listeners.ts';
import { unwrapResult } from './result.ts';

/** What the client needs from a socket; a real WebSocket is adapted in browser-socket.ts, tests pass a fake. */
export interface SocketLike {
  send(data: string): void;
  close(): void;
}

/** Each handler fires for the socket it was given to; `onClose` fires once, also after a failed connect. */
export interface SocketHandlers {
  onOpen(): void;
  onMessage(data: string): void;
  onClose(): void;
}

export type SocketFactory = (handlers: SocketHandlers) => SocketLike;

export interface WsClientOptions {
  connect: SocketFactory;
  /** Milliseconds to wait before reconnect attempt `attempt` (1, 2, …). */
  backoff?: (attempt: number) => number;
  /** A call queued while disconnected fails after this long rather than spinning forever. */
  queueTimeoutMs?: number;
}

export const defaultBackoff = (attempt: number): number => Math.min(10_000, 500 * 2 ** (attempt - 1));

interface Waiter {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

interface Queued extends Waiter {
  frame: string;
  timer: ReturnType<typeof setTimeout>;
}

const lostConnection: ErrorInfo = {
  code: 'NETWORK',
  message: 'The connection to Lifeboat was lost before it answered.',
  hint: 'Check that Lifeboat is still running; the page reconnects by itself.',
};

/**
 * The browser transport for the headless host, over one WebSocket:
 * client → `{id, op, input}`, server → `{id, result}` or `{event, payload}`.
 * Calls made while (re)connecting wait in a queue; calls already sent fail when the socket dies, because
 * we cannot know whether the Service ran them.
 */
export class WsClient implements LifeboatClient {
  readonly #connect: SocketFactory;
  readonly #backoff: (attempt: number) => number;
  readonly #queueTimeoutMs: number;

  #socket: SocketLike | null = null;
  #isOpen = false;
  #attempt = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  #disposed = false;
  #nextId = 1;
  #state: ConnectionState = 'connecting';

  readonly #queue = new Map<number, Queued>();
  readonly #inFlight = new Map<number, Waiter>();
  readonly #events = new Map<string, Listeners<unknown>>();
  readonly #stateListeners = new Listeners<ConnectionState>();

  constructor(options: WsClientOptions) {
    this.#connect = options.connect;
    this.#backoff = options.backoff ?? defaultBackoff;
    this.#queueTimeoutMs = options.queueTimeoutMs ?? 30_000;
    this.#open();
  }

  call<N extends OperationName>(name: N, ...args: CallArgs<N>): Promise<OperationOutput<N>> {
    if (this.#disposed)
      return Promise.reject(new ClientError({ code: 'CANCELLED', message: 'The client was closed.' }));
    const id = this.#nextId++;
    const frame = JSON.stringify({ id, op: name, input: args[0] });
    // The host would refuse it (REQUEST_TOO_LARGE); say so here rather than send megabytes for nothing.
    if (frame.length * 3 > maxRequestBytes && new TextEncoder().encode(frame).length > maxRequestBytes) {
      return Promise.reject(
        new ClientError({
          code: 'REQUEST_TOO_LARGE',
          message: 'The request is too large to send to Lifeboat.',
        }),
      );
    }
    return new Promise<OperationOutput<N>>((resolve, reject) => {
      const waiter: Waiter = { resolve: resolve as (value: unknown) => void, reject };
      if (this.#isOpen) this.#send(id, frame, waiter);
      else this.#enqueue(id, frame, waiter);
    });
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.#events.get(event);
    if (!set) this.#events.set(event, (set = new Listeners()));
    return set.add(listener as (payload: unknown) => void);
  }

  connectionState(): ConnectionState {
    return this.#state;
  }

  onConnectionState(listener: (state: ConnectionState) => void): () => void {
    return this.#stateListeners.add(listener);
  }

  /** Stops reconnecting and fails everything still waiting. */
  dispose(): void {
    this.#disposed = true;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    const socket = this.#socket;
    this.#socket = null;
    this.#isOpen = false;
    socket?.close();
    const error = new ClientError({ code: 'CANCELLED', message: 'The client was closed.' });
    this.#failInFlight(error);
    for (const [id, queued] of this.#queue) {
      clearTimeout(queued.timer);
      this.#queue.delete(id);
      queued.reject(error);
    }
  }

  #open(): void {
    this.#reconnectTimer = null;
    let socket: SocketLike | null = null;
    // Handlers ignore a socket that is no longer current (a late event from a replaced socket).
    const current = () => socket !== null && socket === this.#socket;
    const handlers: SocketHandlers = {
      onOpen: () => {
        if (current()) this.#handleOpen();
      },
      onMessage: (data) => {
        if (current()) this.#handleMessage(data);
      },
      onClose: () => {
        if (current()) this.#handleClose();
      },
    };
    try {
      socket = this.#connect(handlers);
      this.#socket = socket;
    } catch (err) {
      console.warn('Lifeboat: could not open the connection', err);
      this.#socket = null;
      this.#scheduleReconnect();
    }
  }

  #handleOpen(): void {
    this.#isOpen = true;
    this.#attempt = 0;
    this.#setState('open');
    for (const [id, queued] of this.#queue) {
      clearTimeout(queued.timer);
      this.#queue.delete(id);
      this.#send(id, queued.frame, queued);
    }
  }

  #handleClose(): void {
    this.#socket = null;
    this.#isOpen = false;
    this.#failInFlight(new ClientError(lostConnection));
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#disposed) return;
    // After a drop, and also when the very first attempt fails: the user should see that we retry.
    this.#attempt += 1;
    this.#setState('reconnecting');
    this.#reconnectTimer = setTimeout(() => this.#open(), this.#backoff(this.#attempt));
  }

  #handleMessage(data: string): void {
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      console.warn('Lifeboat: ignored a message that is not JSON');
      return;
    }
    if (typeof message !== 'object' || message === null) return;
    const m = message as { id?: unknown; result?: unknown; event?: unknown; payload?: unknown };
    if (typeof m.id === 'number') {
      const waiter = this.#inFlight.get(m.id);
      if (!waiter) return;
      this.#inFlight.delete(m.id);
      try {
        waiter.resolve(unwrapResult(m.result));
      } catch (err) {
        waiter.reject(err);
      }
    } else if (typeof m.event === 'string') {
      this.#events.get(m.event)?.emit(m.payload);
    }
  }

  #send(id: number, frame: string, waiter: Waiter): void {
    try {
      this.#socket?.send(frame);
      this.#inFlight.set(id, waiter);
    } catch (err) {
      waiter.reject(
        new ClientError({ ...lostConnection, details: err instanceof Error ? err.message : String(err) }),
      );
    }
  }

  #enqueue(id: number, frame: string, waiter: Waiter): void {
    const timer = setTimeout(() => {
      this.#queue.delete(id);
      waiter.reject(
        new ClientError({
          code: 'NETWORK',
          message: 'Could not reach Lifeboat.',
          hint: 'Check that Lifeboat is running on this computer or server.',
        }),
      );
    }, this.#queueTimeoutMs);
    this.#queue.set(id, { ...waiter, frame, timer });
  }

  #failInFlight(error: ClientError): void {
    const waiters = [...this.#inFlight.values()];
    this.#inFlight.clear();
    for (const waiter of waiters) waiter.reject(error);
  }

  #setState(state: ConnectionState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#stateListeners.emit(state);
  }
}
