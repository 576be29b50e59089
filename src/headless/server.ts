import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import { eventNames } from '../shared/channels.ts';
import { maxRequestBytes, type Result } from '../shared/contract.ts';
import { LifeboatError } from '../shared/errors.ts';
import type { Service } from '../engine/service.ts';
import { dispatch } from '../engine/dispatch.ts';
import { isAuthorized, isSameOrigin, newToken, presentedToken, tokenCookie } from './auth.ts';
import { contentSecurityPolicy, serveStatic } from './static-files.ts';

/** The browser build (`npm run build:web`); LIFEBOAT_WEB_ROOT points elsewhere (parallel test builds). */
export const defaultStaticRoot =
  process.env.LIFEBOAT_WEB_ROOT ??
  path.resolve(fileURLToPath(new URL('../../out/renderer', import.meta.url)));

export interface HeadlessOptions {
  service: Service;
  port?: number;
  token?: string;
  staticRoot?: string;
}

export interface HeadlessServer {
  /** The URL to open: it carries the token once; the page then lives on an HttpOnly cookie. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

/**
 * WebSocket messages up to this size are read, so one over maxRequestBytes still gets a typed answer;
 * past it ws stops reading and closes the connection (1009), which only a foreign client can cause:
 * ours refuses to send an oversized request (ws-client.ts).
 */
const maxFrameBytes = 4 * maxRequestBytes;

function tooLarge(bytes: number): Result<never> {
  const mb = (n: number): string => `${Math.ceil(n / (1024 * 1024))} MB`;
  const error = new LifeboatError(
    'REQUEST_TOO_LARGE',
    `The request is too large (${mb(bytes)}; at most ${mb(maxRequestBytes)}).`,
  );
  return { ok: false, error: error.toInfo() };
}

class BodyTooLarge extends Error {
  readonly bytes: number;
  constructor(bytes: number) {
    super('body too large');
    this.bytes = bytes;
  }
}

/** The request id of a message too large to parse: our clients put it first (`{"id":7,"op":…`). */
function leadingId(data: Buffer): number | undefined {
  const m = /^\s*\{\s*"id"\s*:\s*(\d{1,15})\s*,/.exec(data.subarray(0, 64).toString('latin1'));
  return m ? Number(m[1]) : undefined;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function refuse(res: ServerResponse, status: 401 | 403, reason: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(
    status === 401
      ? 'Lifeboat: open the link printed by `lifeboat serve` (it carries the access token).\n' +
          'Lifeboat: откройте ссылку, которую напечатала команда `lifeboat serve` (в ней ключ доступа).\n'
      : `Lifeboat: request refused (${reason}).\nLifeboat: запрос отклонён (${reason}).\n`,
  );
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxRequestBytes) throw new BodyTooLarge(declared);
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxRequestBytes) throw new BodyTooLarge(size);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

/**
 * The Service over HTTP + WebSocket on 127.0.0.1, for office servers without a display and for browser
 * end-to-end tests. Every request needs the random token (from the printed URL, then a cookie) and, from
 * a browser, our own Origin.
 */
export async function startHeadless(options: HeadlessOptions): Promise<HeadlessServer> {
  const token = options.token ?? newToken();
  const staticRoot = options.staticRoot ?? defaultStaticRoot;
  const { service } = options;
  let port = 0;

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent)
        sendJson(res, 500, { ok: false, error: { code: 'INTERNAL', message: 'Internal error' } });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('x-frame-options', 'DENY');
    res.setHeader('content-security-policy', contentSecurityPolicy);
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (!isSameOrigin(req, port)) return refuse(res, 403, 'foreign origin');
    if (!isAuthorized(req, url, token)) return refuse(res, 401, 'no token');

    if (presentedToken(req, url)?.via === 'query' && req.method === 'GET') {
      // Trade the token in the URL for a cookie and drop it from the address bar and history.
      url.searchParams.delete('token');
      res.writeHead(303, {
        'set-cookie': `${tokenCookie}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        location: url.pathname + url.search + url.hash,
      });
      res.end();
      return;
    }

    const call = /^\/api\/call\/([A-Za-z]+)$/.exec(url.pathname);
    if (call) {
      if (req.method !== 'POST')
        return sendJson(res, 405, { ok: false, error: { code: 'INVALID_ARGUMENT', message: 'Use POST' } });
      let body: unknown;
      try {
        body = await readJsonBody(req);
      } catch (err) {
        if (err instanceof BodyTooLarge) {
          // Stop reading the rest of the upload: answer, then close the connection.
          res.setHeader('connection', 'close');
          return sendJson(res, 413, tooLarge(err.bytes));
        }
        return sendJson(res, 400, {
          ok: false,
          error: { code: 'INVALID_ARGUMENT', message: 'Body must be JSON: {"input": ...}' },
        });
      }
      const input = (body as { input?: unknown } | undefined)?.input;
      return sendJson(res, 200, await dispatch(service, call[1]!, input));
    }
    if (url.pathname.startsWith('/api/'))
      return sendJson(res, 404, { ok: false, error: { code: 'NOT_FOUND', message: 'No such endpoint' } });
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendJson(res, 405, { ok: false, error: { code: 'INVALID_ARGUMENT', message: 'Use GET' } });
    await serveStatic(staticRoot, url.pathname, res);
  }

  const sockets = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const allowed = url.pathname === '/api/ws' && isSameOrigin(req, port) && isAuthorized(req, url, token);
    if (!allowed) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  function attach(ws: WebSocket): void {
    const unsubscribe = eventNames.map((event) =>
      service.on(event, (payload: unknown) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }));
      }),
    );
    ws.on('close', () => unsubscribe.forEach((off) => off()));
    // ws reports a broken or oversized frame here, then closes the socket (1009 for size): without a
    // listener the 'error' event would be thrown and take the whole host down.
    ws.on('error', () => {});
    ws.on('message', (raw) => {
      const data = Buffer.isBuffer(raw) ? raw : Buffer.concat(Array.isArray(raw) ? raw : [Buffer.from(raw)]);
      if (data.length > maxRequestBytes) {
        const id = leadingId(data);
        if (id !== undefined && ws.readyState === ws.OPEN)
          ws.send(JSON.stringify({ id, result: tooLarge(data.length) }));
        return;
      }
      let message: { id?: unknown; op?: unknown; input?: unknown };
      try {
        message = JSON.parse(String(data)) as typeof message;
      } catch {
        return;
      }
      if (typeof message.id !== 'number' || typeof message.op !== 'string') return;
      const id = message.id;
      void dispatch(service, message.op, message.input).then((result) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, result }));
      });
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    async close() {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
