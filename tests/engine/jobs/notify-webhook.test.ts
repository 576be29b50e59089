/**
 * Webhook and Telegram notifications against local HTTP servers: the documented JSON, signing,
 * retries on 5xx (and none on 4xx), timeouts, redirects kept on the same host, the Telegram
 * sendMessage call with the token from the SecretStore, and results instead of exceptions.
 */
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../../src/engine/secrets/secret-store.ts';
import {
  notificationHook,
  notify,
  notifyAccounts,
  webhookSchema,
} from '../../../src/engine/jobs/notify/index.ts';
import type {
  ChannelResult,
  NotifyChannel,
  RunOutcome,
  WebhookPayload,
} from '../../../src/engine/jobs/notify/index.ts';
import type { Job, JobRun } from '../../../src/shared/jobs.ts';

interface Hit {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Handler = (hit: Hit, res: ServerResponse, n: number) => void;

interface TestHttp {
  base: string;
  hits: Hit[];
  handler: Handler;
  close(): Promise<void>;
}

async function startHttp(host = '127.0.0.1'): Promise<TestHttp> {
  const t: TestHttp = {
    base: '',
    hits: [],
    handler: (_h, res) => res.end('ok'),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const hit = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      t.hits.push(hit);
      t.handler(hit, res, t.hits.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  t.base = `http://${host}:${(server.address() as AddressInfo).port}`;
  const close = t.close;
  t.close = () => {
    server.closeAllConnections();
    return close();
  };
  return t;
}

const failed: RunOutcome = {
  kind: 'backup',
  jobId: 'crm-1',
  jobName: 'CRM',
  status: 'failed',
  startedAt: new Date('2025-05-15T02:00:00Z'),
  finishedAt: new Date('2025-05-15T02:00:30Z'),
  warnings: [{ path: '/srv/crm/locked.db', message: 'file is locked' }],
  error: {
    code: 'NETWORK',
    message: 'Could not reach www.googleapis.com.',
    hint: 'Check the internet connection.',
  },
  destination: 'Google Drive — Lifeboat/CRM',
  nextRunAt: new Date('2025-05-16T02:00:00Z'),
};

const ok: RunOutcome = {
  ...failed,
  status: 'ok',
  error: undefined,
  warnings: [],
  snapshotId: 'ab'.repeat(32),
  filesAdded: 3,
  bytesAdded: 4096,
};

const token = '123456789:AAE-test_token-XYZ';
const fastHttp = { baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 2000 };
let http: TestHttp;
let secrets: MemorySecretStore;

beforeAll(async () => {
  http = await startHttp();
  secrets = new MemorySecretStore();
  await secrets.set(notifyAccounts.webhookSecret('hook'), 'hook-secret-value');
  await secrets.set(notifyAccounts.telegramBotToken('tg'), token);
});

afterAll(async () => {
  await http.close();
});

afterEach(() => {
  http.hits.length = 0;
  http.handler = (_h, res) => res.end('ok');
  delete process.env.LIFEBOAT_TELEGRAM_API_URL;
});

function hook(extra: Partial<Extract<NotifyChannel, { kind: 'webhook' }>> = {}): NotifyChannel {
  return { kind: 'webhook', id: 'hook', url: `${http.base}/hooks/lifeboat`, ...extra };
}

describe('generic webhook', () => {
  it('POSTs the documented JSON, signed with HMAC-SHA256', async () => {
    const [r] = await notify(failed, [hook({ auth: 'hmac' })], {
      language: 'en',
      secrets,
      now: new Date('2025-05-15T02:00:31Z'),
      timeZone: 'UTC',
      computer: 'OFFICE-PC',
      http: fastHttp,
    });
    expect(r).toEqual({ channel: 'hook', kind: 'webhook', ok: true, skipped: false, attempts: 1 });
    expect(http.hits).toHaveLength(1);
    const hit = http.hits[0]!;
    expect(hit.method).toBe('POST');
    expect(hit.url).toBe('/hooks/lifeboat');
    expect(hit.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(hit.headers['x-lifeboat-event']).toBe('backup.finished');
    expect(hit.headers['user-agent']).toMatch(/^Lifeboat\//);
    const expected = createHmac('sha256', 'hook-secret-value').update(hit.body).digest('hex');
    expect(hit.headers['x-lifeboat-signature']).toBe(`sha256=${expected}`);
    const p = JSON.parse(hit.body) as WebhookPayload;
    expect(p).toMatchObject({
      schema: webhookSchema,
      event: 'backup.finished',
      status: 'failed',
      job: { id: 'crm-1', name: 'CRM' },
      startedAt: '2025-05-15T02:00:00.000Z',
      finishedAt: '2025-05-15T02:00:30.000Z',
      durationMs: 30_000,
      snapshotId: null,
      warnings: [{ path: '/srv/crm/locked.db', message: 'file is locked' }],
      warningCount: 1,
      error: {
        code: 'NETWORK',
        message: 'Could not reach www.googleapis.com.',
        hint: 'Check the internet connection.',
      },
      destination: 'Google Drive — Lifeboat/CRM',
      nextRunAt: '2025-05-16T02:00:00.000Z',
      overdue: null,
      language: 'en',
      title: '[Lifeboat] ✖ Backup of “CRM” failed',
      computer: 'OFFICE-PC',
      sentAt: '2025-05-15T02:00:31.000Z',
      app: { name: 'Lifeboat' },
    });
    expect(p.text).toContain('✖ Backup of “CRM” failed: Could not reach www.googleapis.com.');
  });

  it('sends a bearer secret and Russian text when asked', async () => {
    await notify(failed, [hook({ auth: 'bearer' })], { language: 'ru', secrets, http: fastHttp });
    const hit = http.hits[0]!;
    expect(hit.headers.authorization).toBe('Bearer hook-secret-value');
    const p = JSON.parse(hit.body) as WebhookPayload;
    expect(p.language).toBe('ru');
    expect(p.title).toBe('[Lifeboat] ✖ Не удалось создать резервную копию «CRM»');
    expect(p.text).toContain('Не удалось связаться с сервером.');
  });

  it('retries a 500 and succeeds on the next attempt', async () => {
    http.handler = (_h, res, n) => {
      res.statusCode = n === 1 ? 500 : 200;
      res.end(n === 1 ? 'temporarily broken' : 'ok');
    };
    const [r] = await notify(failed, [hook()], { language: 'en', secrets, http: fastHttp });
    expect(r).toMatchObject({ ok: true, attempts: 2 });
    expect(http.hits).toHaveLength(2);
    expect(http.hits[0]?.body).toBe(http.hits[1]?.body);
  });

  it('gives up after the retries, reporting the last answer', async () => {
    http.handler = (_h, res) => {
      res.statusCode = 503;
      res.end('down for maintenance');
    };
    const [r] = await notify(failed, [hook()], {
      language: 'en',
      secrets,
      http: { ...fastHttp, retries: 2 },
    });
    expect(r).toMatchObject({ ok: false, attempts: 3, error: { code: 'NETWORK' } });
    expect(r?.error?.message).toContain('HTTP 503');
    expect(http.hits).toHaveLength(3);
  });

  it('does not retry a 4xx', async () => {
    http.handler = (_h, res) => {
      res.statusCode = 400;
      res.end('bad payload');
    };
    const [r] = await notify(failed, [hook()], { language: 'en', secrets, http: fastHttp });
    expect(r).toMatchObject({ ok: false, attempts: 1 });
    expect(http.hits).toHaveLength(1);
  });

  it('times out an endpoint that never answers, and retries it', async () => {
    http.handler = () => undefined; // keep the request hanging
    const started = Date.now();
    const [r] = await notify(failed, [hook()], {
      language: 'en',
      secrets,
      http: { ...fastHttp, timeoutMs: 200, retries: 1 },
    });
    expect(r).toMatchObject({ ok: false, attempts: 2, error: { code: 'NETWORK' } });
    expect(r?.error?.message).toMatch(/no answer in time/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('follows a redirect on the same host but never to another host', async () => {
    http.handler = (hit, res) => {
      if (hit.url === '/old') {
        res.statusCode = 308;
        res.setHeader('location', '/hooks/new');
      }
      res.end();
    };
    const [same] = await notify(failed, [hook({ url: `${http.base}/old` })], {
      language: 'en',
      secrets,
      http: fastHttp,
    });
    expect(same?.ok).toBe(true);
    expect(http.hits.map((h) => [h.method, h.url])).toEqual([
      ['POST', '/old'],
      ['POST', '/hooks/new'],
    ]);

    const elsewhere = await startHttp('127.0.0.2').catch(() => undefined);
    const target = elsewhere ? `${elsewhere.base}/steal` : 'http://example.invalid/steal';
    try {
      http.hits.length = 0;
      http.handler = (_hit, res) => {
        res.statusCode = 307;
        res.setHeader('location', target);
        res.end();
      };
      const [other] = await notify(failed, [hook({ auth: 'bearer' })], {
        language: 'en',
        secrets,
        http: fastHttp,
      });
      expect(other).toMatchObject({ ok: false, attempts: 1, error: { code: 'INVALID_ARGUMENT' } });
      expect(other?.error?.message).toMatch(/another server/);
      expect(elsewhere?.hits ?? []).toHaveLength(0);
    } finally {
      await elsewhere?.close();
    }
  });

  it('a missing secret or a bad address is a result, not an exception', async () => {
    const results = await notify(
      failed,
      [
        hook({ id: 'no-secret', auth: 'hmac' }),
        hook({ id: 'bad-url', url: 'not a url' }),
        hook({ id: 'ftp', url: 'ftp://example.com/x' }),
        hook({ id: 'creds', url: `${http.base.replace('://', '://user:pw@')}/x` }),
      ],
      { language: 'en', secrets, http: fastHttp },
    );
    expect(results.map((r) => [r.channel, r.ok, r.attempts, r.error?.code])).toEqual([
      ['no-secret', false, 0, 'AUTH_REQUIRED'],
      ['bad-url', false, 0, 'INVALID_ARGUMENT'],
      ['ftp', false, 0, 'INVALID_ARGUMENT'],
      ['creds', false, 0, 'INVALID_ARGUMENT'],
    ]);
    expect(http.hits).toHaveLength(0);
  });
});

describe('Telegram', () => {
  const tg: NotifyChannel = {
    kind: 'telegram',
    id: 'tg',
    chatId: -1001234567890,
    rules: { onSuccess: true },
  };

  function telegramApi(answer: (n: number) => { status: number; body: unknown }): void {
    http.handler = (_hit, res, n) => {
      const a = answer(n);
      res.statusCode = a.status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(a.body));
    };
  }

  it('calls sendMessage with the chat id and the summary (API address from the environment)', async () => {
    process.env.LIFEBOAT_TELEGRAM_API_URL = `${http.base}/tg-api/`;
    telegramApi(() => ({ status: 200, body: { ok: true, result: { message_id: 7 } } }));
    const [r] = await notify(ok, [tg], { language: 'ru', secrets, timeZone: 'UTC', http: fastHttp });
    expect(r).toEqual({ channel: 'tg', kind: 'telegram', ok: true, skipped: false, attempts: 1 });
    const hit = http.hits[0]!;
    expect(hit.method).toBe('POST');
    expect(hit.url).toBe(`/tg-api/bot${token}/sendMessage`);
    const body = JSON.parse(hit.body) as { chat_id: number; text: string; parse_mode?: string };
    expect(body.chat_id).toBe(-1001234567890);
    expect(body.parse_mode).toBeUndefined();
    expect(body.text).toMatch(/^✔ Резервная копия «CRM» создана за 30 с: добавлено 3 файла \(4 кБ\)/u);
    expect(body.text).toContain('Где хранится: Google Drive — Lifeboat/CRM');
  });

  it('uses the explicit API address over the environment, in English', async () => {
    process.env.LIFEBOAT_TELEGRAM_API_URL = 'http://127.0.0.1:9/nowhere';
    telegramApi(() => ({ status: 200, body: { ok: true } }));
    const [r] = await notify(failed, [tg], {
      language: 'en',
      secrets,
      telegramApiUrl: `${http.base}/explicit`,
      http: fastHttp,
    });
    expect(r?.ok).toBe(true);
    expect(http.hits[0]?.url).toBe(`/explicit/bot${token}/sendMessage`);
    const body = JSON.parse(http.hits[0]!.body) as { text: string };
    expect(body.text).toContain('✖ Backup of “CRM” failed: Could not reach www.googleapis.com.');
    expect(body.text).toContain('What to do: Check the internet connection.');
  });

  it('waits as told by a 429 and retries', async () => {
    telegramApi((n) =>
      n === 1
        ? {
            status: 429,
            body: {
              ok: false,
              error_code: 429,
              description: 'Too Many Requests: retry after 1',
              parameters: { retry_after: 1 },
            },
          }
        : { status: 200, body: { ok: true } },
    );
    const started = Date.now();
    const [r] = await notify(failed, [tg], {
      language: 'en',
      secrets,
      telegramApiUrl: http.base,
      http: fastHttp,
    });
    expect(r).toMatchObject({ ok: true, attempts: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('explains a rejected token or chat, and never shows the token', async () => {
    telegramApi(() => ({ status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } }));
    const [bad] = await notify(failed, [tg], {
      language: 'en',
      secrets,
      telegramApiUrl: http.base,
      http: fastHttp,
    });
    expect(bad).toMatchObject({ ok: false, attempts: 1, error: { code: 'AUTH_REQUIRED' } });
    expect(bad?.error?.message).toContain('Unauthorized');

    telegramApi(() => ({
      status: 400,
      body: { ok: false, error_code: 400, description: 'Bad Request: chat not found' },
    }));
    const [chat] = await notify(failed, [tg], {
      language: 'en',
      secrets,
      telegramApiUrl: http.base,
      http: fastHttp,
    });
    expect(chat).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(chat?.error?.hint).toMatch(/\/start/);

    const dead = await startHttp();
    const deadBase = dead.base;
    await dead.close();
    const [down] = await notify(failed, [tg], {
      language: 'en',
      secrets,
      telegramApiUrl: deadBase,
      http: { ...fastHttp, retries: 1 },
    });
    expect(down).toMatchObject({ ok: false, attempts: 2, error: { code: 'NETWORK' } });
    for (const r of [bad, chat, down]) expect(JSON.stringify(r)).not.toContain(token.split(':')[1]);
  });

  it('without a saved token nothing is sent', async () => {
    const [r] = await notify(failed, [tg], {
      language: 'en',
      secrets: new MemorySecretStore(),
      telegramApiUrl: http.base,
      http: fastHttp,
    });
    expect(r).toMatchObject({ ok: false, attempts: 0, error: { code: 'AUTH_REQUIRED' } });
    expect(http.hits).toHaveLength(0);
  });
});

describe('several channels at once', () => {
  it('reports each channel separately; one failing does not stop the others', async () => {
    http.handler = (hit, res) => {
      if (hit.url.startsWith('/broken')) res.statusCode = 404;
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    };
    const results = await notify(
      failed,
      [
        hook({ id: 'good' }),
        hook({ id: 'broken', url: `${http.base}/broken` }),
        { kind: 'telegram', id: 'tg', chatId: 42 },
        hook({ id: 'success-only', rules: { onFailure: false, onSuccess: true } }),
      ],
      { language: 'en', secrets, telegramApiUrl: http.base, http: fastHttp },
    );
    expect(results.map((r) => [r.channel, r.ok, r.skipped])).toEqual([
      ['good', true, false],
      ['broken', false, false],
      ['tg', true, false],
      ['success-only', true, true],
    ]);
  });
});

describe('as the job manager’s run hook', () => {
  const job = {
    id: 'crm',
    name: 'CRM',
    destination: { location: { kind: 'local', path: '/mnt/nas/backups' }, repositoryId: 'a'.repeat(64) },
    notifications: {
      desktop: false,
      email: [],
      onSuccess: false,
      onWarning: true,
      onFailure: true,
      noSuccessForHours: null,
    },
  } as unknown as Job;
  const run = {
    runId: '20250515T020000Z-abcdef',
    jobId: 'crm',
    trigger: 'schedule',
    status: 'failed',
    scheduledFor: '2025-05-15T02:00:00Z',
    startedAt: '2025-05-15T02:00:00Z',
    finishedAt: '2025-05-15T02:00:09Z',
    hostname: 'PC',
    pid: 1,
    instance: 'x',
    snapshotId: null,
    forgotten: [],
    stats: null,
    steps: {},
    readDataPart: null,
    attempts: 1,
    error: { code: 'DISK_FULL', message: 'No space left on /mnt/nas.' },
  } as JobRun;

  it("notifies failed runs in the current language, and follows the job's rules", async () => {
    const seen: ChannelResult[][] = [];
    const hook = notificationHook({
      secrets,
      settings: () => ({ language: 'ru', channels: [hook_()] }),
      nextRunAt: () => new Date('2025-05-16T02:00:00Z'),
      onResults: (_run, results) => seen.push(results),
      notify: { http: fastHttp },
    });
    await hook.onRunFinished?.(run, { job });
    expect(seen).toEqual([[{ channel: 'hook', kind: 'webhook', ok: true, skipped: false, attempts: 1 }]]);
    const p = JSON.parse(http.hits[0]!.body) as WebhookPayload;
    expect(p).toMatchObject({
      status: 'failed',
      job: { id: 'crm', name: 'CRM' },
      destination: 'Папка — /mnt/nas/backups',
      language: 'ru',
    });
    expect(p.title).toBe('[Lifeboat] ✖ Не удалось создать резервную копию «CRM»');

    await hook.onRunFinished?.({ ...run, status: 'ok', error: null }, { job });
    expect(seen[1]?.[0]).toMatchObject({ ok: true, skipped: true });
    expect(http.hits).toHaveLength(1);
  });

  function hook_(): NotifyChannel {
    return { kind: 'webhook', id: 'hook', url: `${http.base}/hooks/lifeboat` };
  }
});
