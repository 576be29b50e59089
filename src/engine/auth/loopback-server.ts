/**
 * The one-shot HTTP server on 127.0.0.1 that receives an OAuth redirect (RFC 8252 §7.3: loopback
 * IP, any port). It accepts exactly one callback whose `state` matches, answers with a small
 * bilingual page, and closes. A request with a wrong or missing state (a stale tab, a forged link)
 * gets an error page and does not end the wait. Shared by the Google and Dropbox sign-ins.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LifeboatError } from '../../shared/errors.ts';

export interface LoopbackServerOptions {
  /** 0 (default) picks a free port; Dropbox needs the fixed port registered for the app. */
  port?: number;
  /** Callback path (default "/"). */
  path?: string;
  /** Host name put in the redirect URI: 127.0.0.1 (default) or localhost (some providers register that). */
  redirectHost?: '127.0.0.1' | 'localhost';
  /** Product name shown on the page. */
  appName?: string;
}

export interface LoopbackServer {
  readonly redirectUri: string;
  /** Resolves with the callback's query parameters (code, state, scope…); closes the server. */
  waitForCallback(options: {
    state: string;
    signal?: AbortSignal;
    timeoutMs?: number;
  }): Promise<URLSearchParams>;
  close(): Promise<void>;
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(title: string, en: string, ru: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:5rem auto;padding:0 1rem;color:#1b1b1f;line-height:1.5}
h1{font-size:1.4rem}p{margin:.5rem 0}.ru{color:#55575e}</style></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(en)}</p><p class="ru" lang="ru">${escapeHtml(ru)}</p></body></html>`;
}

export async function startLoopbackServer(options: LoopbackServerOptions = {}): Promise<LoopbackServer> {
  const callbackPath = options.path ?? '/';
  const app = options.appName ?? 'Lifeboat';
  let expectedState: string | undefined;
  let settle: { resolve: (p: URLSearchParams) => void; reject: (e: unknown) => void } | undefined;
  let done = false;

  const send = (res: ServerResponse, status: number, html: string): void => {
    res.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      'referrer-policy': 'no-referrer',
      connection: 'close',
    });
    res.end(html);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' || url.pathname !== callbackPath) {
      send(res, 404, page('Not found', 'Nothing here.', 'Здесь ничего нет.'));
      return;
    }
    const params = url.searchParams;
    if (done || !expectedState || params.get('state') !== expectedState) {
      send(
        res,
        400,
        page(
          `${app}: sign-in link expired`,
          'This sign-in link is not valid any more. Start the sign-in again in Lifeboat.',
          'Эта ссылка для входа больше не действительна. Начните вход в Lifeboat заново.',
        ),
      );
      return;
    }
    done = true;
    res.on('finish', () => void closeServer());
    const error = params.get('error');
    if (error) {
      send(
        res,
        200,
        page(
          `${app}: sign-in cancelled`,
          'Sign-in was cancelled. You can close this tab and try again in Lifeboat.',
          'Вход отменён. Можно закрыть эту вкладку и попробовать снова в Lifeboat.',
        ),
      );
      settle?.reject(
        error === 'access_denied'
          ? new LifeboatError('CANCELLED', 'Sign-in was cancelled in the browser.')
          : new LifeboatError('AUTH_REQUIRED', 'Sign-in failed.', {
              details: `${error}${params.get('error_description') ? `: ${params.get('error_description')}` : ''}`,
              hint: 'Try signing in again.',
            }),
      );
    } else if (!params.get('code')) {
      send(
        res,
        400,
        page(
          `${app}: sign-in failed`,
          'The answer had no authorization code.',
          'В ответе нет кода авторизации.',
        ),
      );
      settle?.reject(new LifeboatError('AUTH_REQUIRED', 'Sign-in failed: no authorization code came back.'));
    } else {
      send(
        res,
        200,
        page(
          `${app}: signed in`,
          'You are signed in. You can close this tab and return to Lifeboat.',
          'Вход выполнен. Можно закрыть эту вкладку и вернуться в Lifeboat.',
        ),
      );
      settle?.resolve(params);
    }
  });

  const closeServer = async (): Promise<void> => {
    if (!server.listening) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new LifeboatError('NETWORK', 'Cannot start the sign-in helper on this computer.', {
          details: err.message,
          hint:
            err.code === 'EADDRINUSE'
              ? 'Another program uses the sign-in port; close it and try again.'
              : undefined,
        }),
      ),
    );
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const redirectUri = `http://${options.redirectHost ?? '127.0.0.1'}:${port}${callbackPath}`;

  return {
    redirectUri,
    waitForCallback({ state, signal, timeoutMs = 5 * 60_000 }) {
      expectedState = state;
      return new Promise<URLSearchParams>((resolve, reject) => {
        const timer = setTimeout(() => {
          finish(true);
          reject(
            new LifeboatError('AUTH_REQUIRED', 'Sign-in timed out.', {
              hint: 'Finish the sign-in in the browser within a few minutes, or start again.',
            }),
          );
        }, timeoutMs);
        const onAbort = (): void => {
          finish(true);
          reject(new LifeboatError('CANCELLED', 'Sign-in was cancelled.'));
        };
        // after a callback the server closes once its page is sent (see the request handler)
        const finish = (closeNow: boolean): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          settle = undefined;
          done = true;
          if (closeNow) void closeServer();
        };
        settle = {
          resolve: (p) => {
            finish(false);
            resolve(p);
          },
          reject: (e) => {
            finish(false);
            reject(e);
          },
        };
        if (signal?.aborted) onAbort();
        else signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    close: closeServer,
  };
}
