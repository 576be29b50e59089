// Every way the keychain can be missing or refuse becomes a typed error with a plain message and a hint.
// The end-to-end cases run the store in a child process with a broken, empty or locked D-Bus session.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { keychainError } from '../../../src/engine/secrets/keychain-errors.ts';
import { LifeboatError } from '../../../src/shared/errors.ts';
import {
  emptyBusConfig,
  hasCommand,
  keyringEnv,
  runCommand,
  testKeyringPassword,
} from '../../helpers/keyring.ts';

const childScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'keychain-child.ts');
const isLinux = process.platform === 'linux';
const canRunSessions = isLinux && hasCommand('dbus-run-session') && hasCommand('dbus-send');
const canRunKeyring = canRunSessions && hasCommand('gnome-keyring-daemon');
if (isLinux && !canRunKeyring) {
  console.warn(
    'keychain error tests on an empty/locked D-Bus session SKIPPED: dbus-run-session, dbus-send or ' +
      'gnome-keyring-daemon missing (apt-get install dbus dbus-x11 gnome-keyring)',
  );
}

interface ChildReply {
  ok: boolean;
  result?: unknown;
  typed?: boolean;
  error?: { code: string; message: string; hint?: string; details?: string };
}

function parseReply(r: { code: number | null; stdout: string; stderr: string }): ChildReply {
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as ChildReply;
  } catch {
    throw new Error(`child exited ${r.code} without a reply:\n${r.stdout}\n${r.stderr}`);
  }
}

/** No display: a keyring prompt must never pop up on a developer's screen during the tests. */
function headlessEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  return env;
}

const temps: string[] = [];
afterAll(async () => {
  for (const t of temps) await rm(t, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lifeboat-keychain-errors-'));
  temps.push(dir);
  return dir;
}

describe('keychainError: the native messages, classified', () => {
  const cases: Array<[string, string]> = [
    [
      'Platform failure: DBus error: Failed to connect to socket /nonexistent: No such file or directory',
      'KEYCHAIN_UNAVAILABLE',
    ],
    [
      'Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled at compile time, set your DBUS_SESSION_BUS_ADDRESS instead',
      'KEYCHAIN_UNAVAILABLE',
    ],
    [
      'Platform failure: DBus error: The name org.freedesktop.secrets was not provided by any .service files',
      'KEYCHAIN_UNAVAILABLE',
    ],
    ['Platform failure: No DBus session or Secret Service provider found', 'KEYCHAIN_UNAVAILABLE'],
    ["Couldn't access platform storage: Secret Service: no result found", 'KEYCHAIN_UNAVAILABLE'],
    ["Couldn't access platform storage: Secret Service: unlock prompt was dismissed", 'KEYCHAIN_LOCKED'],
    ["Couldn't access platform storage: Secret Service: object locked", 'KEYCHAIN_LOCKED'],
    ["Attribute 'password' is longer than platform limit of 2560 chars", 'INVALID_ARGUMENT'],
    ['Entry is matched by 2 credentials: [...]', 'INTERNAL'],
    ['something nobody expected', 'KEYCHAIN_UNAVAILABLE'],
  ];
  for (const [message, code] of cases) {
    it(`${code} ← ${message.slice(0, 70)}`, () => {
      const native = Object.assign(new Error(message), { code: 'GenericFailure' });
      const err = keychainError(native, 'read', 'Secret Service keyring', 'acct');
      expect(err).toBeInstanceOf(LifeboatError);
      expect(err.code).toBe(code);
      expect(err.details).toContain(message);
      expect(err.message).not.toContain('GenericFailure');
    });
  }

  it('says what to do: a server can use --secrets-file; a locked keychain must be unlocked', () => {
    const missing = keychainError(new Error('Platform failure: x'), 'save', 'Secret Service keyring', 'a');
    expect(missing.hint).toMatch(/No keychain is available on this computer/);
    expect(missing.hint).toMatch(/--secrets-file/);
    const locked = keychainError(
      new Error("Couldn't access platform storage: Secret Service: object locked"),
      'read',
      'k',
    );
    expect(locked.hint).toMatch(/The keychain is locked: unlock it and try again/);
  });

  it('passes LifeboatErrors through untouched', () => {
    const original = new LifeboatError('INVALID_ARGUMENT', 'x');
    expect(keychainError(original, 'read', 'k')).toBe(original);
  });
});

describe.runIf(isLinux)('a missing keychain is a clear typed error, never a silent fallback', () => {
  it('D-Bus session address pointing nowhere → KEYCHAIN_UNAVAILABLE', async () => {
    const reply = parseReply(
      await runCommand(process.execPath, [childScript, 'set', 'lifeboat-test-nowhere', 'acct'], {
        env: headlessEnv({
          DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/lifeboat-test-bus',
          LIFEBOAT_TEST_SECRET: 's',
        }),
      }),
    );
    expect(reply).toMatchObject({ ok: false, typed: true, error: { code: 'KEYCHAIN_UNAVAILABLE' } });
    expect(reply.error!.message).toMatch(/could not save the secret "acct" in the Secret Service keyring/);
    expect(reply.error!.hint).toMatch(/--secrets-file/);
    expect(reply.error!.details).toMatch(/nonexistent/);
  });

  it('no D-Bus session at all → KEYCHAIN_UNAVAILABLE (not the kernel keyring, which forgets at reboot)', async () => {
    const env = headlessEnv({});
    delete env.DBUS_SESSION_BUS_ADDRESS;
    const reply = parseReply(
      await runCommand(process.execPath, [childScript, 'get', 'lifeboat-test-nobus', 'acct'], { env }),
    );
    expect(reply).toMatchObject({ ok: false, typed: true, error: { code: 'KEYCHAIN_UNAVAILABLE' } });
  });

  it('probe() reports the failure with its code and hint instead of throwing', async () => {
    const reply = parseReply(
      await runCommand(process.execPath, [childScript, 'probe', 'lifeboat-test-probe'], {
        env: headlessEnv({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/lifeboat-test-bus' }),
      }),
    );
    expect(reply).toMatchObject({
      ok: true,
      result: { ok: false, kind: 'Secret Service keyring', error: { code: 'KEYCHAIN_UNAVAILABLE' } },
    });
  });

  it.skipIf(!canRunSessions)(
    'a session bus without any Secret Service (a bare server) → KEYCHAIN_UNAVAILABLE',
    async () => {
      const dir = await tempDir();
      const config = path.join(dir, 'bus.conf');
      await writeFile(config, emptyBusConfig);
      const reply = parseReply(
        await runCommand(
          'dbus-run-session',
          [
            `--config-file=${config}`,
            '--',
            process.execPath,
            childScript,
            'get',
            'lifeboat-test-empty',
            'acct',
          ],
          {
            env: headlessEnv({}),
            timeoutMs: 60_000,
          },
        ),
      );
      expect(reply).toMatchObject({ ok: false, typed: true, error: { code: 'KEYCHAIN_UNAVAILABLE' } });
      expect(reply.error!.details).toMatch(/org\.freedesktop\.secrets/);
    },
  );

  /** Runs `commands` in a private D-Bus session with its own gnome-keyring in a temporary HOME. */
  async function inPrivateKeyring(
    start: 'unlocked login keyring' | 'no keyring yet',
    commands: string[],
  ): Promise<ChildReply[]> {
    const home = await tempDir();
    const launch =
      start === 'unlocked login keyring'
        ? 'printf %s "$KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null || exit 90'
        : 'gnome-keyring-daemon --start --components=secrets --daemonize >/dev/null 2>&1 || exit 90';
    const script = [
      launch,
      'i=0; until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets | grep -q true; do i=$((i+1)); [ $i -gt 150 ] && exit 91; sleep 0.1; done',
      ...commands,
    ].join('\n');
    await mkdir(path.join(home, 'run'), { recursive: true, mode: 0o700 });
    await mkdir(path.join(home, '.local', 'share'), { recursive: true, mode: 0o700 });
    const r = await runCommand('dbus-run-session', ['--', 'sh', '-c', script], {
      env: {
        ...keyringEnv(home, headlessEnv({})),
        KEYRING_PASSWORD: testKeyringPassword,
        NODE: process.execPath,
        CHILD: childScript,
      },
      timeoutMs: 90_000,
    });
    const replies = r.stdout
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as ChildReply);
    expect(replies, `exit ${r.code}\n${r.stdout}\n${r.stderr}`).toHaveLength(
      commands.filter((c) => c.includes('$CHILD')).length,
    );
    return replies;
  }

  it.skipIf(!canRunKeyring)(
    'a locked keyring (no display to prompt on) → KEYCHAIN_LOCKED, for reads, writes and deletes',
    async () => {
      const replies = await inPrivateKeyring('unlocked login keyring', [
        'LIFEBOAT_TEST_SECRET=before "$NODE" "$CHILD" set lifeboat-test-locked acct || exit 92',
        'dbus-send --session --print-reply --dest=org.freedesktop.secrets /org/freedesktop/secrets org.freedesktop.Secret.Service.Lock array:objpath:/org/freedesktop/secrets/collection/login >/dev/null || exit 93',
        '"$NODE" "$CHILD" get lifeboat-test-locked acct',
        'LIFEBOAT_TEST_SECRET=after "$NODE" "$CHILD" set lifeboat-test-locked acct',
        '"$NODE" "$CHILD" delete lifeboat-test-locked acct',
      ]);
      expect(replies[0]).toEqual({ ok: true, result: true }); // stored while unlocked
      for (const reply of replies.slice(1)) {
        expect(reply).toMatchObject({ ok: false, typed: true, error: { code: 'KEYCHAIN_LOCKED' } });
        expect(reply.error!.hint).toMatch(/The keychain is locked: unlock it and try again/);
      }
    },
  );

  it.skipIf(!canRunKeyring)(
    'a Secret Service with no default keyring (and no display to create one) → KEYCHAIN_UNAVAILABLE',
    async () => {
      const [reply] = await inPrivateKeyring('no keyring yet', [
        'LIFEBOAT_TEST_SECRET=x "$NODE" "$CHILD" set lifeboat-test-nodefault acct',
      ]);
      expect(reply).toMatchObject({ ok: false, typed: true, error: { code: 'KEYCHAIN_UNAVAILABLE' } });
      expect(reply!.error!.message).toMatch(/no default keyring/);
      expect(reply!.error!.hint).toMatch(/--secrets-file/);
    },
  );
});
