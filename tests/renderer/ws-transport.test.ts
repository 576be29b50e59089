import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClientError, type ConnectionState } from '../../src/renderer/api/client.ts';
import { headlessSocketUrl } from '../../src/renderer/api/browser-socket.ts';
import { WsClient, type SocketHandlers, type SocketLike } from '../../src/renderer/api/ws-client.ts';

/** A socket the test drives by hand: it records frames and lets the test open, answer and drop it. */
class FakeSocket implements SocketLike {
  readonly sent: { id: number; op: string; input?: unknown }[] = [];
  closedByClient = false;
  readonly handlers: SocketHandlers;
  constructor(handlers: SocketHandlers) {
    this.handlers = handlers;
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.closedByClient = true;
  }
  open(): void {
    this.handlers.onOpen();
  }
  reply(id: number, result: unknown): void {
    this.handlers.onMessage(JSON.stringify({ id, result }));
  }
  push(event: string, payload: unknown): void {
    this.handlers.onMessage(JSON.stringify({ event, payload }));
  }
  raw(data: string): void {
    this.handlers.onMessage(data);
  }
  drop(): void {
    this.handlers.onClose();
  }
}

function setup(options: { queueTimeoutMs?: number } = {}) {
  const sockets: FakeSocket[] = [];
  const client = new WsClient({
    connect: (handlers) => {
      const socket = new FakeSocket(handlers);
      sockets.push(socket);
      return socket;
    },
    backoff: (attempt) => attempt * 100,
    ...options,
  });
  const states: ConnectionState[] = [];
  client.onConnectionState((s) => states.push(s));
  const last = () => sockets.at(-1)!;
  return { client, sockets, last, states };
}

const settings = { language: 'ru', theme: 'dark' } as const;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('WsClient', () => {
  it('queues calls made while connecting and sends them, in order, once open', async () => {
    const { client, last } = setup();
    const info = client.call('getAppInfo');
    const updated = client.call('updateSettings', { theme: 'dark' });
    expect(last().sent).toEqual([]);
    expect(client.connectionState()).toBe('connecting');

    last().open();
    expect(last().sent).toEqual([
      { id: 1, op: 'getAppInfo' },
      { id: 2, op: 'updateSettings', input: { theme: 'dark' } },
    ]);

    // Replies may come in any order; each resolves its own call.
    last().reply(2, { ok: true, value: settings });
    last().reply(1, { ok: true, value: { name: 'Lifeboat', version: '1.2.3' } });
    await expect(updated).resolves.toEqual(settings);
    await expect(info).resolves.toMatchObject({ version: '1.2.3' });
  });

  it('sends at once when already open', async () => {
    const { client, last } = setup();
    last().open();
    const jobs = client.call('listJobs');
    expect(last().sent).toEqual([{ id: 1, op: 'listJobs' }]);
    last().reply(1, { ok: true, value: [] });
    await expect(jobs).resolves.toEqual([]);
  });

  it('throws ClientError with the ErrorInfo when the result is ok:false', async () => {
    const { client, last } = setup();
    last().open();
    const call = client.call('getSettings');
    const error = {
      code: 'PERMISSION_DENIED',
      message: 'No access',
      hint: 'Ask an admin',
      details: 'EACCES',
    };
    last().reply(1, { ok: false, error });
    const thrown = await call.catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(ClientError);
    expect((thrown as ClientError).info).toEqual(error);
    expect((thrown as ClientError).code).toBe('PERMISSION_DENIED');
    expect((thrown as ClientError).hint).toBe('Ask an admin');
    expect((thrown as ClientError).message).toBe('No access');
  });

  it('turns an unreadable reply into an INTERNAL ClientError, and unknown codes into INTERNAL', async () => {
    const { client, last } = setup();
    last().open();
    const a = client.call('getSettings');
    const b = client.call('getSettings');
    last().reply(1, { nonsense: true });
    last().reply(2, { ok: false, error: { code: 'NO_SUCH_CODE', message: 'x' } });
    await expect(a).rejects.toMatchObject({ info: { code: 'INTERNAL' } });
    await expect(b).rejects.toMatchObject({ info: { code: 'INTERNAL', message: 'x' } });
  });

  it('ignores non-JSON frames and replies to ids it does not know', async () => {
    const { client, last } = setup();
    last().open();
    const call = client.call('listJobs');
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    last().raw('not json');
    last().reply(99, { ok: true, value: 'stray' });
    last().reply(1, { ok: true, value: [] });
    await expect(call).resolves.toEqual([]);
  });

  it('dispatches pushed events to the listeners of that event until they unsubscribe', () => {
    const { client, last } = setup();
    last().open();
    const changed = vi.fn();
    const logs = vi.fn();
    const off = client.on('settingsChanged', changed);
    client.on('log', logs);

    last().push('settingsChanged', settings);
    expect(changed).toHaveBeenCalledExactlyOnceWith(settings);
    expect(logs).not.toHaveBeenCalled();

    off();
    last().push('settingsChanged', settings);
    expect(changed).toHaveBeenCalledTimes(1);
  });

  it('keeps dispatching to other listeners when one throws', () => {
    const { client, last } = setup();
    last().open();
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const good = vi.fn();
    client.on('log', () => {
      throw new Error('bad listener');
    });
    client.on('log', good);
    last().push('log', { message: 'hi' });
    expect(good).toHaveBeenCalledOnce();
  });

  it('rejects calls in flight with NETWORK when the socket dies, then reconnects with backoff', async () => {
    const { client, sockets, last, states } = setup();
    last().open();
    const inFlight = client.call('getAppInfo');
    last().drop();
    await expect(inFlight).rejects.toMatchObject({ info: { code: 'NETWORK' } });
    expect(client.connectionState()).toBe('reconnecting');

    // A call made while reconnecting waits for the new socket.
    const queued = client.call('getSettings');
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(99);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);

    // The second attempt fails too: the next wait is longer.
    last().drop();
    vi.advanceTimersByTime(199);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);

    last().open();
    expect(last().sent).toEqual([{ id: 2, op: 'getSettings' }]);
    last().reply(2, { ok: true, value: settings });
    await expect(queued).resolves.toEqual(settings);
    expect(states).toEqual(['open', 'reconnecting', 'open']);

    // A successful open resets the backoff.
    last().drop();
    vi.advanceTimersByTime(100);
    expect(sockets).toHaveLength(4);
  });

  it('ignores events from a socket it has already replaced', () => {
    const { client, sockets, last } = setup();
    last().open();
    const listener = vi.fn();
    client.on('log', listener);
    const old = last();
    old.drop();
    vi.advanceTimersByTime(100);
    expect(sockets).toHaveLength(2);
    old.push('log', { late: true });
    old.open();
    expect(listener).not.toHaveBeenCalled();
    expect(client.connectionState()).toBe('reconnecting');
  });

  it('fails a queued call after the queue timeout when the host never comes back', async () => {
    const { client } = setup({ queueTimeoutMs: 5_000 });
    const call = client.call('getSettings');
    const settled = call.catch((e: unknown) => e);
    vi.advanceTimersByTime(5_000);
    const error = await settled;
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).code).toBe('NETWORK');
  });

  it('retries when the socket factory itself throws', () => {
    let attempts = 0;
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const client = new WsClient({
      connect: () => {
        attempts += 1;
        throw new Error('bad url');
      },
      backoff: () => 10,
    });
    expect(client.connectionState()).toBe('reconnecting');
    vi.advanceTimersByTime(10);
    expect(attempts).toBe(2);
    client.dispose();
    vi.advanceTimersByTime(1_000);
    expect(attempts).toBe(2);
  });

  it('dispose() closes the socket and fails everything waiting', async () => {
    const { client, last } = setup();
    last().open();
    const inFlight = client.call('getAppInfo');
    client.dispose();
    expect(last().closedByClient).toBe(true);
    await expect(inFlight).rejects.toMatchObject({ info: { code: 'CANCELLED' } });
    await expect(client.call('listJobs')).rejects.toMatchObject({ info: { code: 'CANCELLED' } });
  });
});

describe('headlessSocketUrl', () => {
  it('uses the page origin with the matching WebSocket scheme', () => {
    expect(headlessSocketUrl({ protocol: 'http:', host: '127.0.0.1:8123' })).toBe(
      'ws://127.0.0.1:8123/api/ws',
    );
    expect(headlessSocketUrl({ protocol: 'https:', host: 'backup.local' })).toBe('wss://backup.local/api/ws');
  });
});
