import type { SocketFactory } from './ws-client.ts';

/** The headless host's WebSocket endpoint on the origin that served this page (its cookie authenticates us). */
export function headlessSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/ws`;
}

/** Adapts the browser's WebSocket to the small interface WsClient needs. */
export function browserSocketFactory(url: string): SocketFactory {
  return (handlers) => {
    const ws = new WebSocket(url);
    ws.addEventListener('open', () => handlers.onOpen());
    ws.addEventListener('message', (event: MessageEvent) => {
      if (typeof event.data === 'string') handlers.onMessage(event.data);
    });
    // A failed connect fires 'error' and then 'close'; 'close' alone is enough.
    ws.addEventListener('close', () => handlers.onClose());
    return {
      send: (data) => ws.send(data),
      close: () => ws.close(),
    };
  };
}
