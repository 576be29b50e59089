/** The browser transport refuses a request larger than the host accepts, with a typed error, and sends nothing. */
import { describe, expect, it } from 'vitest';
import { WsClient, type SocketHandlers, type SocketLike } from '../../src/renderer/api/ws-client.ts';
import { maxRequestBytes } from '../../src/shared/contract.ts';

describe('WsClient request size', () => {
  it('rejects an oversized call with REQUEST_TOO_LARGE and still sends normal ones', async () => {
    const sent: string[] = [];
    let handlers: SocketHandlers | undefined;
    const client = new WsClient({
      connect: (h): SocketLike => {
        handlers = h;
        return { send: (data) => sent.push(data), close: () => {} };
      },
    });
    handlers!.onOpen();
    // Multi-byte text: under the limit in characters, over it in UTF-8 bytes.
    const big = 'я'.repeat(maxRequestBytes / 2 + 1);
    await expect(client.call('updateSettings', { theme: big as 'dark' })).rejects.toMatchObject({
      code: 'REQUEST_TOO_LARGE',
    });
    expect(sent).toEqual([]);
    const pending = client.call('getSettings');
    expect(sent).toHaveLength(1);
    client.dispose();
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
