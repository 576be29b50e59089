/**
 * What the acceptance tests of the jobs capability receive notifications with: a real SMTP server
 * (smtp-server, with a login) and a local HTTP endpoint on 127.0.0.1 that record what arrives, a
 * small MIME reader (enough for nodemailer's output) and a wait-until helper without tight timing.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { Service } from '../../../src/engine/service.ts';
import type { SMTPServerAuthentication, SMTPServerOptions } from 'smtp-server';

export interface ReceivedMail {
  raw: string;
  from: string;
  to: string[];
  /** Whether the session was encrypted (STARTTLS) when the message came. */
  secure: boolean;
}

export interface MailServer {
  port: number;
  user: string;
  password: string;
  mails: ReceivedMail[];
  /** Every login attempt, right or wrong. */
  auths: SMTPServerAuthentication[];
  close(): Promise<void>;
}

/**
 * An SMTP server on 127.0.0.1 (plain, with AUTH PLAIN/LOGIN) that keeps every message and login
 * attempt; `opts` override the defaults (e.g. a certificate and `disabledCommands: []` for STARTTLS).
 */
export async function startMailServer(
  user: string,
  password: string,
  opts: Partial<SMTPServerOptions> = {},
): Promise<MailServer> {
  const mails: ReceivedMail[] = [];
  const auths: SMTPServerAuthentication[] = [];
  const server = new SMTPServer({
    logger: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, cb) {
      auths.push(auth);
      if (auth.username === user && auth.password === password) cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          raw: Buffer.concat(chunks).toString('utf8'),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          secure: session.secure,
        });
        cb();
      });
    },
    ...opts,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    user,
    password,
    mails,
    auths,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ReceivedPost {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: unknown;
}

export interface HookEndpoint {
  url: string;
  posts: ReceivedPost[];
  close(): Promise<void>;
}

/** An HTTP endpoint on 127.0.0.1 that answers 204 and keeps every JSON body it receives. */
export async function startHookEndpoint(): Promise<HookEndpoint> {
  const posts: ReceivedPost[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8').on('data', (c: string) => (raw += c));
    req.on('end', () => {
      posts.push({ path: req.url ?? '/', headers: req.headers, raw, body: JSON.parse(raw) as unknown });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    posts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Notification timeouts generous enough for a loaded machine; a webhook is posted once. */
export const patientNotifications = {
  tuning: {
    email: { connectionTimeoutMs: 10_000, greetingTimeoutMs: 10_000, socketTimeoutMs: 10_000 },
    http: { timeoutMs: 10_000, retries: 0 },
  },
};

/** Sets the app's notification channels to the two capture endpoints (plain SMTP and a webhook). */
export async function notifyCaptureEndpoints(
  service: Service,
  smtp: MailServer,
  hook: HookEndpoint,
): Promise<void> {
  await service.saveNotificationSettings({
    settings: {
      smtp: {
        host: '127.0.0.1',
        port: smtp.port,
        security: 'none',
        user: smtp.user,
        from: 'Lifeboat <backup@office.example>',
      },
      channels: [{ kind: 'webhook', id: 'office-hook', url: hook.url }],
    },
    smtpPassword: smtp.password,
  });
}

// ---- a small MIME reader: enough for nodemailer's output ----

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m, _cs: string, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8'),
    );
}

function headerBlock(block: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of block.replace(/\r\n[ \t]+/g, ' ').split(/\r\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
  }
  return out;
}

function decodeBody(body: string, encoding: string | undefined): string {
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes = body
      .replace(/=\r\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

export interface ParsedMail {
  headers: Map<string, string>;
  subject: string;
  text: string;
  html: string;
}

export function parseMail(raw: string): ParsedMail {
  const split = raw.indexOf('\r\n\r\n');
  const top = headerBlock(raw.slice(0, split));
  const boundary = /boundary="?([^";]+)"?/.exec(top.get('content-type') ?? '')?.[1];
  let text = '';
  let html = '';
  const parts = boundary ? raw.slice(split).split(`--${boundary}`).slice(1, -1) : [raw.slice(split)];
  for (const part of parts) {
    const p = part.replace(/^\r\n/, '');
    const s = p.indexOf('\r\n\r\n');
    const h = headerBlock(p.slice(0, s));
    const body = decodeBody(p.slice(s + 4).replace(/\r\n$/, ''), h.get('content-transfer-encoding'));
    if ((h.get('content-type') ?? '').startsWith('text/plain')) text = body;
    if ((h.get('content-type') ?? '').startsWith('text/html')) html = body;
  }
  // SMTP carries lines as CRLF; the bodies are compared with what Lifeboat rendered (LF).
  const lf = (s: string): string => s.replace(/\r\n/g, '\n');
  return { headers: top, subject: decodeWords(top.get('subject') ?? ''), text: lf(text), html: lf(html) };
}

export { until } from '../../helpers/until.ts';

/**
 * Signs of a programmer's error text in a message meant for people: a stack frame, a JavaScript
 * error class name, raw HTTP or library internals.
 */
export const internals =
  /\bat [^\s]+ \(|\bat file:|\.ts:\d+|\.js:\d+|\b[A-Z][A-Za-z]*Error\b|\bError: |HTTP \d{3}|backendError|gaxios|undefined|\[object /;
