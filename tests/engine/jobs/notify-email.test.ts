/**
 * E-mail notifications against a real SMTP server (smtp-server) on 127.0.0.1: authentication with
 * the password from the SecretStore, subject and bodies in both languages, STARTTLS with the
 * office's own certificate, and no password in any log line or result.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../../src/engine/secrets/secret-store.ts';
import { notify, notifyAccounts, sendTestNotification } from '../../../src/engine/jobs/notify/index.ts';
import type { EmailChannel, RunOutcome } from '../../../src/engine/jobs/notify/index.ts';
import { parseMail, startMailServer, type MailServer } from './acceptance-helpers.ts';

const user = 'backup@office.example';
const password = 'S3cret-pä55 word!';

// ---- fixtures ----

const outcome: RunOutcome = {
  kind: 'backup',
  jobName: 'CRM',
  status: 'ok',
  startedAt: new Date('2025-05-15T02:00:00Z'),
  finishedAt: new Date('2025-05-15T02:02:00Z'),
  snapshotId: '4f3c2b1a00000000000000000000000000000000000000000000000000000000',
  filesAdded: 1234,
  bytesAdded: 35 * 1024 * 1024,
  totalFiles: 50_000,
  totalBytes: 2 * 1024 ** 3,
  destination: 'Google Drive — Lifeboat/CRM',
  nextRunAt: new Date('2025-05-16T02:00:00Z'),
};

const failed: RunOutcome = {
  ...outcome,
  status: 'failed',
  snapshotId: null,
  filesAdded: undefined,
  bytesAdded: undefined,
  totalFiles: undefined,
  totalBytes: undefined,
  error: {
    code: 'REPO_LOCKED',
    message: 'The repository is locked: a lock held by PID 42 on NAS since 2025-05-15T01:00:00Z.',
    hint: 'Wait for the other backup or maintenance to finish.',
  },
};

let server: MailServer;
let secrets: MemorySecretStore;
const fast = { connectionTimeoutMs: 3000, greetingTimeoutMs: 3000, socketTimeoutMs: 5000 };

function channel(extra: Partial<EmailChannel> = {}): EmailChannel {
  return {
    kind: 'email',
    id: 'mail-1',
    host: '127.0.0.1',
    port: server.port,
    security: 'none',
    user,
    from: 'Lifeboat <backup@office.example>',
    to: ['boss@office.example', 'it@office.example'],
    rules: { onSuccess: true },
    ...extra,
  };
}

beforeAll(async () => {
  server = await startMailServer(user, password);
  secrets = new MemorySecretStore();
  await secrets.set(notifyAccounts.smtpPassword('127.0.0.1', user), password);
});

afterAll(async () => {
  await server.close();
});

afterEach(() => {
  server.mails.length = 0;
  server.auths.length = 0;
});

function secretForms(): string[] {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  return [password, b64(password), b64(`\0${user}\0${password}`), b64(`${user}\0${user}\0${password}`)];
}

describe('e-mail through SMTP with authentication', () => {
  it('delivers an English success summary as plain text and HTML, logging without the password', async () => {
    const log: string[] = [];
    const results = await notify(outcome, [channel()], {
      language: 'en',
      secrets,
      timeZone: 'UTC',
      computer: 'OFFICE-PC',
      log: (l) => log.push(l),
      email: fast,
    });
    expect(results).toEqual([{ channel: 'mail-1', kind: 'email', ok: true, skipped: false, attempts: 1 }]);
    expect(server.auths).toHaveLength(1);
    expect(server.auths[0]?.username).toBe(user);
    expect(server.auths[0]?.password).toBe(password);
    expect(server.mails).toHaveLength(1);
    const mail = server.mails[0]!;
    expect(mail.to).toEqual(['boss@office.example', 'it@office.example']);
    expect(mail.from).toBe('backup@office.example');
    const parsed = parseMail(mail.raw);
    expect(parsed.subject).toBe('[Lifeboat] ✔ Backup of “CRM” finished');
    expect(parsed.text).toContain('✔ Backup of “CRM” finished: 1,234 files, 35 MB added, took 2 min');
    expect(parsed.text).toContain('Snapshot: 4f3c2b1a');
    expect(parsed.text).toContain('Stored in: Google Drive — Lifeboat/CRM');
    expect(parsed.text).toContain('Next backup: May 16, 2025');
    expect(parsed.text).toContain('Backup size: 50,000 files, 2 GB');
    expect(parsed.html).toMatch(/^<!DOCTYPE html>/);
    expect(parsed.html).toContain('<html lang="en">');
    expect(parsed.html).toContain('Backup of “CRM” finished: 1,234 files, 35 MB added');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(parsed.headers.get('x-lifeboat-status')).toBe('ok');

    // The protocol log was on (debug) and shows the AUTH step, but never the secret.
    expect(log.some((l) => /AUTH/i.test(l))).toBe(true);
    const everything = [...log, JSON.stringify(results)].join('\n');
    for (const form of secretForms()) expect(everything).not.toContain(form);
  });

  it('writes the Russian failure mail naturally, with the hint translated', async () => {
    const results = await notify(failed, [channel()], {
      language: 'ru',
      secrets,
      timeZone: 'UTC',
      computer: 'OFFICE-PC',
      email: fast,
    });
    expect(results[0]?.ok).toBe(true);
    const parsed = parseMail(server.mails[0]!.raw);
    expect(parsed.subject).toBe('[Lifeboat] ✖ Не удалось создать резервную копию «CRM»');
    expect(parsed.text).toContain(
      '✖ Не удалось создать резервную копию «CRM»: Хранилище резервных копий занято другой операцией.',
    );
    expect(parsed.text).toContain('Подробности: The repository is locked');
    expect(parsed.text).toContain('Что сделать: Lifeboat попробует снова');
    expect(parsed.text).toContain('Код ошибки: REPO_LOCKED');
    expect(parsed.text).toContain('Где хранится: Google Drive — Lifeboat/CRM');
    expect(parsed.text).toContain('Следующая копия: 16 мая 2025 г.');
    expect(parsed.html).toContain('<html lang="ru">');
    expect(parsed.html).toContain('Не удалось создать резервную копию «CRM»');
    expect(parsed.headers.get('x-lifeboat-status')).toBe('failed');
  });

  it('writes the Russian success summary with Russian numbers and plurals', async () => {
    await notify(outcome, [channel()], { language: 'ru', secrets, timeZone: 'UTC', email: fast });
    const parsed = parseMail(server.mails[0]!.raw);
    expect(parsed.subject).toBe('[Lifeboat] ✔ Резервная копия «CRM» создана');
    expect(parsed.text).toMatch(
      /✔ Резервная копия «CRM» создана за 2 мин: добавлено 1\s234 файла \(35 МБ\)/u,
    );
  });

  it('uses LOGIN as well as PLAIN without leaking the password', async () => {
    const loginOnly = await startMailServer(user, password, { authMethods: ['LOGIN'] });
    try {
      const log: string[] = [];
      const [r] = await notify(outcome, [channel({ port: loginOnly.port })], {
        language: 'en',
        secrets,
        log: (l) => log.push(l),
        email: fast,
      });
      expect(r?.ok).toBe(true);
      expect(loginOnly.auths[0]?.method).toBe('LOGIN');
      for (const form of secretForms()) expect(log.join('\n')).not.toContain(form);
    } finally {
      await loginOnly.close();
    }
  });

  it('reports a wrong password as AUTH_REQUIRED, without the password in the result', async () => {
    const other = new MemorySecretStore();
    const wrong = 'wrong-password-123';
    await other.set(notifyAccounts.smtpPassword('127.0.0.1', user), wrong);
    const [r] = await notify(failed, [channel()], { language: 'en', secrets: other, email: fast });
    expect(r?.ok).toBe(false);
    expect(r?.error?.code).toBe('AUTH_REQUIRED');
    expect(r?.error?.hint).toMatch(/app password/);
    expect(JSON.stringify(r)).not.toContain(wrong);
    expect(server.mails).toHaveLength(0);
  });

  it('refuses to connect when the password is not in the SecretStore', async () => {
    const [r] = await notify(failed, [channel()], {
      language: 'en',
      secrets: new MemorySecretStore(),
      email: fast,
    });
    expect(r).toMatchObject({ ok: false, attempts: 0, error: { code: 'AUTH_REQUIRED' } });
    expect(server.auths).toHaveLength(0);
  });

  it('a dead mail server is a NETWORK result, not an exception', async () => {
    const dead = await startMailServer(user, password);
    const port = dead.port;
    await dead.close();
    const [r] = await notify(failed, [channel({ port })], { language: 'en', secrets, email: fast });
    expect(r).toMatchObject({ ok: false, error: { code: 'NETWORK' } });
  });

  it('skips success mails unless the rules ask for them', async () => {
    const [r] = await notify(outcome, [channel({ rules: {} })], { language: 'en', secrets, email: fast });
    expect(r).toMatchObject({ ok: true, skipped: true, attempts: 0 });
    expect(server.mails).toHaveLength(0);
  });

  it('sends a test message in either language', async () => {
    const en = await sendTestNotification(
      channel({ rules: {} }),
      { jobName: 'CRM' },
      { language: 'en', secrets, email: fast },
    );
    expect(en.ok).toBe(true);
    const ru = await sendTestNotification(
      channel({ rules: {} }),
      { jobName: 'CRM' },
      { language: 'ru', secrets, email: fast },
    );
    expect(ru.ok).toBe(true);
    const [a, b] = server.mails.map((m) => parseMail(m.raw));
    expect(a?.subject).toBe('[Lifeboat] Lifeboat test message');
    expect(a?.text).toContain('Lifeboat notifications reach you here.');
    expect(b?.subject).toBe('[Lifeboat] Проверочное сообщение Lifeboat');
    expect(b?.text).toContain('Уведомления Lifeboat доходят сюда.');
    expect(a?.headers.get('x-lifeboat-status')).toBe('test');
  });
});

// ---- STARTTLS with the office's own certificate ----

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasOpenssl) console.warn('openssl not found: STARTTLS tests skipped');

describe.skipIf(!hasOpenssl)('STARTTLS', () => {
  let dir: string;
  let cert: string;
  let tlsServer: MailServer;
  let noTlsServer: MailServer;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(tmpdir(), 'lifeboat-smtp-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { cwd: dir, stdio: 'ignore' },
    );
    cert = await fs.readFile(path.join(dir, 'cert.pem'), 'utf8');
    const key = await fs.readFile(path.join(dir, 'key.pem'), 'utf8');
    tlsServer = await startMailServer(user, password, {
      key,
      cert,
      allowInsecureAuth: false,
      disabledCommands: [],
    });
    noTlsServer = await startMailServer(user, password);
  });

  afterAll(async () => {
    await tlsServer.close();
    await noTlsServer.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('upgrades the connection and trusts the configured certificate', async () => {
    const [r] = await notify(failed, [channel({ port: tlsServer.port, security: 'starttls', caPem: cert })], {
      language: 'en',
      secrets,
      email: fast,
    });
    expect(r?.ok).toBe(true);
    expect(tlsServer.mails[0]?.secure).toBe(true);
    expect(tlsServer.auths).toHaveLength(1);
  });

  it('refuses an unknown certificate before logging in', async () => {
    tlsServer.auths.length = 0;
    const [r] = await notify(failed, [channel({ port: tlsServer.port, security: 'starttls' })], {
      language: 'en',
      secrets,
      email: fast,
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'NETWORK' } });
    expect(r?.error?.message).toMatch(/certificate/);
    expect(tlsServer.auths).toHaveLength(0);
  });

  it('with STARTTLS required, never sends the password over a server that does not offer it', async () => {
    const [r] = await notify(failed, [channel({ port: noTlsServer.port, security: 'starttls' })], {
      language: 'en',
      secrets,
      email: fast,
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'NETWORK' } });
    expect(r?.error?.message).toMatch(/STARTTLS/);
    expect(noTlsServer.auths).toHaveLength(0);
  });
});
