/**
 * The loopback redirect for Dropbox sign-in, on the shared one-shot server (loopback-server.ts).
 *
 * Dropbox compares redirect URIs exactly, port and path included (it does not apply RFC 8252's
 * "any port" rule for loopback addresses), so a random port cannot work against the real service.
 * The app registers a few fixed URIs in the App Console,
 *   http://127.0.0.1:41951/dropbox/callback
 *   http://127.0.0.1:41952/dropbox/callback
 *   http://127.0.0.1:41953/dropbox/callback
 * (plain http is accepted for loopback hosts; `localhost` and `127.0.0.1` are different URIs to
 * Dropbox), and we listen on the first of those ports that is free. When none is, the caller falls
 * back to the pasted-code flow, which needs no redirect URI at all.
 */
import { LifeboatError } from '../../shared/errors.ts';
import { startLoopbackServer } from './loopback-server.ts';
import type { LoopbackServer } from './loopback-server.ts';

export const dropboxLoopbackPorts: readonly number[] = [41951, 41952, 41953];
export const dropboxCallbackPath = '/dropbox/callback';

export interface LoopbackRedirect {
  readonly redirectUri: string;
  /** The authorization code from the first callback with the right state. */
  readonly code: Promise<string>;
  close(): Promise<void>;
}

export interface LoopbackOptions {
  /** Registered ports to try in order (0 = any free port: only for servers that accept any port). */
  ports?: readonly number[];
  state: string;
  signal?: AbortSignal;
  /** How long to wait for the user (default 10 minutes). */
  timeoutMs?: number;
}

export async function startDropboxLoopback(opts: LoopbackOptions): Promise<LoopbackRedirect> {
  const ports = opts.ports ?? dropboxLoopbackPorts;
  let server: LoopbackServer | undefined;
  for (const port of ports) {
    try {
      server = await startLoopbackServer({ port, path: dropboxCallbackPath });
      break;
    } catch (err) {
      if (err instanceof LifeboatError && /EADDRINUSE/.test(err.details ?? '')) continue;
      throw err;
    }
  }
  if (!server) {
    throw new LifeboatError('UNSUPPORTED', 'The ports for the Dropbox sign-in redirect are all in use.', {
      hint: 'Sign in by pasting a code instead.',
      details: `tried ${ports.join(', ')}`,
    });
  }
  const code = server
    .waitForCallback({
      state: opts.state,
      timeoutMs: opts.timeoutMs ?? 10 * 60_000,
      ...(opts.signal ? { signal: opts.signal } : {}),
    })
    .then((params) => params.get('code')!);
  code.catch(() => undefined); // the caller may close before awaiting
  return { redirectUri: server.redirectUri, code, close: () => server.close() };
}
