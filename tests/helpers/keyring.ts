/**
 * A real Secret Service (gnome-keyring) for the keychain tests, never the developer's own keyring.
 *
 * `npm test` runs vitest inside `dbus-run-session`, a private session bus with nothing on it. The
 * first caller of `ensureKeyring()` (vitest's globalSetup, before any test file) starts
 *
 *   gnome-keyring-daemon --unlock --components=secrets --foreground   (the password on stdin)
 *
 * with HOME, XDG_DATA_HOME, XDG_RUNTIME_DIR (and the XDG config/cache folders) pointing into a fresh
 * temporary folder. `--unlock` with the password on stdin creates the "login" keyring there, unlocked,
 * and makes it the default collection, so no prompt is ever needed (there is no display for one).
 * Other workers on the same bus wait for it (a lock folder keyed by the bus address). The daemon
 * exits by itself when dbus-run-session ends the bus; its log is gnome-keyring.log in that folder.
 *
 * Before starting it we also point the bus's activation environment at the temporary folder, so that
 * if anything on this bus D-Bus-activates org.freedesktop.secrets it can never open ~/.local/share/keyrings.
 */
import { createHash, randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, openSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AsyncEntry } from '@napi-rs/keyring';
import { runCommand, type CommandResult } from './run-command.ts';

export interface KeyringStatus {
  available: boolean;
  /** Why it is not available, or where the available one came from. */
  reason: string;
  /** The temporary HOME of the daemon, when a test worker started it. */
  home?: string;
}

/** The keyring must be there: CI, or a developer who asks for it. Then missing is a failure, not a skip. */
export const keyringRequired = process.env.CI === 'true' || Boolean(process.env.LIFEBOAT_REQUIRE_KEYRING);

/** The password of the test "login" keyring (a throw-away keyring in a temporary folder). */
export const testKeyringPassword = 'lifeboat-test-login';

const secretsName = 'org.freedesktop.secrets';

// Re-exported: the keychain tests run their child processes with it.
export { runCommand, type CommandResult };

export function hasCommand(name: string): boolean {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .some((dir) => dir && existsSync(path.join(dir, name)));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether some process owns org.freedesktop.secrets on the session bus. Never D-Bus-activates it. */
export async function secretServiceOwned(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const r = await runCommand(
    'dbus-send',
    [
      '--session',
      '--print-reply',
      '--dest=org.freedesktop.DBus',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus.NameHasOwner',
      `string:${secretsName}`,
    ],
    { env, timeoutMs: 10_000 },
  );
  return r.code === 0 && /boolean true/.test(r.stdout);
}

/** A set/get/delete round trip through the binding itself (pinned to the Secret Service). */
async function roundTrip(): Promise<string | undefined> {
  const entry = () =>
    new AsyncEntry('lifeboat-test-keyring-check', `check-${process.pid}-${randomBytes(4).toString('hex')}`, {
      linux: { store: 'secret-service' },
    });
  const value = randomBytes(16).toString('hex');
  const attempt = async () => {
    const e = entry();
    await e.setPassword(value);
    const back = await e.getPassword();
    await e.deletePassword();
    if (back !== value) throw new Error('the Secret Service returned a different value');
  };
  try {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      attempt(),
      new Promise(
        (_, reject) => (timer = setTimeout(() => reject(new Error('no answer within 20 s')), 20_000)),
      ),
    ]).finally(() => clearTimeout(timer));
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** The daemon's private folders: HOME and the XDG folders it reads. */
export function keyringEnv(home: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    HOME: home,
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_RUNTIME_DIR: path.join(home, 'run'),
  };
  delete env.GNOME_KEYRING_CONTROL;
  delete env.GNOME_KEYRING_PID;
  return env;
}

async function makeHome(home: string): Promise<void> {
  await fs.mkdir(path.join(home, '.local', 'share'), { recursive: true, mode: 0o700 });
  await fs.mkdir(path.join(home, 'run'), { recursive: true, mode: 0o700 });
}

/**
 * Starts gnome-keyring-daemon with an unlocked "login" keyring on the session bus of `env` and waits
 * until it owns org.freedesktop.secrets. Returns an error message, or undefined on success.
 */
export async function startGnomeKeyring(
  home: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  await makeHome(home);
  const daemonEnv = keyringEnv(home, env);
  // Anything D-Bus-activated on this bus from now on (a prompter, a re-activated keyring) uses the temp folders too.
  const activation = ['HOME', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_RUNTIME_DIR']
    .map((k) => `${k},${daemonEnv[k]}`)
    .join(',');
  await runCommand(
    'dbus-send',
    [
      '--session',
      '--print-reply',
      '--dest=org.freedesktop.DBus',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus.UpdateActivationEnvironment',
      `dict:string:string:${activation}`,
    ],
    { env, timeoutMs: 10_000 },
  );
  // In the foreground, in a session of its own (no signal meant for the test processes' group reaches
  // it), its output and — from this process — its end written to a log file: CI once lost the daemon
  // mid-run, and D-Bus then activated a locked keyring that wanted a prompt ("unlock prompt was
  // dismissed"). If it ever dies again, the log says how.
  const log = path.join(home, 'gnome-keyring.log');
  const out = openSync(log, 'a');
  const daemon = spawn('gnome-keyring-daemon', ['--unlock', '--components=secrets', '--foreground'], {
    env: daemonEnv,
    detached: true,
    stdio: ['pipe', out, out],
  });
  closeSync(out);
  let ended: string | undefined;
  daemon.on('error', (err) => (ended = String(err)));
  daemon.on('exit', (code, signal) => {
    ended = `gnome-keyring-daemon (pid ${daemon.pid}) ended: ${signal ? `signal ${signal}` : `exit ${code}`}`;
    appendFileSync(log, `${new Date().toISOString()} ${ended}\n`);
  });
  daemon.stdin?.on('error', () => undefined);
  daemon.stdin?.end(testKeyringPassword);
  daemon.unref();
  // The daemon claims the bus name a little after it starts.
  for (let i = 0; i < 150 && !ended; i++) {
    if (await secretServiceOwned(env)) return undefined;
    await sleep(100);
  }
  if (ended) return `${ended}: ${(await fs.readFile(log, 'utf8').catch(() => '')).trim()}`;
  return 'gnome-keyring-daemon started but did not register org.freedesktop.secrets within 15 s';
}

/** The socket file of a `unix:path=…` bus address (dbus-run-session's kind), if it is one. */
function busSocketPath(address: string): string | undefined {
  return /(?:^|;)unix:(?:[^;]*,)?path=([^,;]+)/.exec(address)?.[1];
}

/** Removes the folders of earlier runs whose bus is gone (or that are older than a day). */
async function removeStaleLocks(): Promise<void> {
  const tmp = os.tmpdir();
  const names = await fs.readdir(tmp).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith('lifeboat-test-keyring-')) continue;
    const dir = path.join(tmp, name);
    const st = await fs.stat(dir).catch(() => undefined);
    if (!st) continue;
    const address = await fs.readFile(path.join(dir, 'bus-address'), 'utf8').catch(() => '');
    const socket = busSocketPath(address);
    const busGone = socket !== undefined && !existsSync(socket);
    if (busGone || Date.now() - st.mtimeMs > 24 * 3600_000) {
      await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }
  }
}

async function provideKeyring(): Promise<KeyringStatus> {
  if (process.platform !== 'linux') {
    return {
      available: false,
      reason: 'the real-keychain tests run on Linux (gnome-keyring under D-Bus) only',
    };
  }
  const address = process.env.DBUS_SESSION_BUS_ADDRESS;
  if (!address) {
    return {
      available: false,
      reason: 'DBUS_SESSION_BUS_ADDRESS is not set: run the tests under dbus-run-session (npm test does)',
    };
  }
  if (!hasCommand('dbus-send'))
    return { available: false, reason: 'dbus-send not found (apt-get install dbus)' };

  // One starter per bus (vitest's globalSetup); the test workers find its verdict there.
  const lockDir = path.join(
    os.tmpdir(),
    `lifeboat-test-keyring-${createHash('sha256').update(address).digest('hex').slice(0, 16)}`,
  );
  const home = path.join(lockDir, 'home');
  const verdictFile = path.join(lockDir, 'verdict.json');

  if (await secretServiceOwned()) {
    const ours = existsSync(verdictFile);
    const failure = await roundTrip();
    return failure
      ? { available: false, reason: `a Secret Service is running on this bus but does not work: ${failure}` }
      : ours
        ? { available: true, reason: `gnome-keyring-daemon with a temporary login keyring in ${home}`, home }
        : { available: true, reason: 'a Secret Service was already running on this D-Bus session' };
  }
  if (!hasCommand('gnome-keyring-daemon')) {
    return {
      available: false,
      reason: 'gnome-keyring-daemon not found (apt-get install gnome-keyring dbus-x11)',
    };
  }

  let starter = false;
  try {
    await removeStaleLocks();
    await fs.mkdir(lockDir, { mode: 0o700 });
    starter = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  if (starter) {
    await fs.writeFile(path.join(lockDir, 'bus-address'), address);
    const failure = await startGnomeKeyring(home);
    await fs.writeFile(verdictFile, JSON.stringify({ failure: failure ?? null }));
    if (failure) return { available: false, reason: failure, home };
  } else {
    let verdict: { failure: string | null } | undefined;
    for (let i = 0; i < 300 && !verdict; i++) {
      verdict = await fs.readFile(verdictFile, 'utf8').then(
        (t) => JSON.parse(t) as { failure: string | null },
        () => undefined,
      );
      if (!verdict) await sleep(100);
    }
    if (!verdict)
      return {
        available: false,
        reason: 'another test worker was starting gnome-keyring but never finished',
        home,
      };
    if (verdict.failure) return { available: false, reason: verdict.failure, home };
  }
  const failure = await roundTrip();
  return failure
    ? {
        available: false,
        reason: `gnome-keyring was started but a test entry could not be stored: ${failure}`,
        home,
      }
    : { available: true, reason: `gnome-keyring-daemon with a temporary login keyring in ${home}`, home };
}

let pending: Promise<KeyringStatus> | undefined;

/** Makes sure a working Secret Service is on the session bus; memoised per test worker. */
export function ensureKeyring(): Promise<KeyringStatus> {
  pending ??= provideKeyring();
  return pending;
}

/** A message for suites that skip because there is no keyring, so a skip is never silent. */
export function keyringSkipMessage(status: KeyringStatus): string {
  return (
    `real keychain tests SKIPPED: ${status.reason}. ` +
    'Install dbus, dbus-x11, gnome-keyring and libsecret-tools and run `npm test` (it uses dbus-run-session); ' +
    'set LIFEBOAT_REQUIRE_KEYRING=1 to make a missing keyring fail instead.'
  );
}

/** A keychain service name no other test (or run) uses. */
export function uniqueService(label: string): string {
  return `lifeboat-test-${label}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** A minimal session-bus configuration with no .service files: nothing can be D-Bus-activated on it. */
export const emptyBusConfig = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;
