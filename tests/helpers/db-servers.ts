/**
 * Real, throw-away PostgreSQL and MariaDB servers for the database source tests.
 *
 * Each server lives in a fresh temporary folder (data directory, unix socket, log), listens on a free
 * TCP port of 127.0.0.1 with password authentication (so wrong-password tests are real), and is tuned
 * for speed, not durability (initdb --no-sync, fsync=off; InnoDB without flushes). The server runs as
 * a child of the test process: stop() shuts it down and removes the folder, and an 'exit' hook kills
 * any server a crashed test left behind.
 *
 * PostgreSQL refuses to run as root. When the tests run as root, initdb and postgres are started
 * through `setpriv --reuid=<nobody> --regid=<nogroup> --clear-groups` (util-linux, always present on
 * Debian; no system user has to be created) and the temporary folder is chowned to that uid. As a
 * normal user they run directly. MariaDB runs as root with --user=root.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess, ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runCommand, type CommandResult, type RunOptions } from './run-command.ts';

export interface DbServer {
  /** Connection URL without password: postgres://postgres@127.0.0.1:PORT/postgres, mysql://lifeboat@127.0.0.1:PORT/mysql */
  url: string;
  user: string;
  password: string;
  port: number;
  /** Folder holding the unix socket (local admin access without a password). */
  socketDir: string;
  dataDir: string;
  /** Folder of the client/server binaries used (PostgreSQL: /usr/lib/postgresql/<v>/bin). */
  binDir: string;
  /** Runs SQL as the administrator through the unix socket; returns unaligned rows, fields split by \t. */
  query(sql: string, database?: string): Promise<string>;
  /** A command-line client (psql / mariadb) as administrator reading SQL from its stdin, e.g. a load generator. */
  spawnClient(database: string): ChildProcessWithoutNullStreams;
  /** Stops the server and deletes its folder. Safe to call twice. */
  stop(): Promise<void>;
}

/** Like runCommand, with a minute to spare: initdb and the servers' start can be slow on a loaded machine. */
function run(command: string, args: string[], options: RunOptions = {}): Promise<CommandResult> {
  return runCommand(command, args, { timeoutMs: 60_000, ...options });
}

async function ok(command: string, args: string[], options: RunOptions = {}): Promise<string> {
  const r = await run(command, args, options);
  if (r.code !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (${String(r.code)}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  child: ChildProcess,
  log: () => Promise<string>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited during start-up:\n${await log()}`);
    if (await probe()) return;
    await sleep(100);
  }
  throw new Error(`${what} did not start within ${timeoutMs} ms:\n${await log()}`);
}

// Servers a crashed or interrupted test left running die with the test process.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function stopChild(child: ChildProcess, signal: NodeJS.Signals, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

function which(name: string, extraDirs: string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), ...extraDirs];
  for (const dir of dirs) {
    const file = path.join(dir, name);
    if (dir && existsSync(file)) return file;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------- PostgreSQL

/** /usr/lib/postgresql/<newest>/bin (Debian keeps initdb and postgres there), or pg_config's bindir. */
export const postgresBinDir: string | undefined = (() => {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
      .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
    if (versions[0]) return path.join(root, versions[0], 'bin');
  }
  const pgConfig = which('pg_config');
  if (pgConfig) {
    try {
      const dir = execFileSync(pgConfig, ['--bindir'], { encoding: 'utf8' }).trim();
      if (existsSync(path.join(dir, 'initdb'))) return dir;
    } catch {
      // fall through
    }
  }
  const initdb = which('initdb');
  return initdb ? path.dirname(initdb) : undefined;
})();

export const hasPostgres = postgresBinDir !== undefined;

const isRoot = process.getuid?.() === 0;

/** uid/gid of 'nobody' (65534 on Debian), the unprivileged identity PostgreSQL runs as under root. */
function nobodyIds(): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).trim());
    if (Number.isInteger(uid) && Number.isInteger(gid)) return { uid, gid };
  } catch {
    // fall through
  }
  return { uid: 65534, gid: 65534 };
}

/** [command, args] that run `command` unprivileged when we are root. */
function asPostgresUser(command: string, args: string[], deathSignal?: string): [string, string[]] {
  const death = deathSignal && hasPdeathsig ? ['--pdeathsig', deathSignal] : [];
  if (!isRoot) return death.length ? ['setpriv', [...death, '--', command, ...args]] : [command, args];
  const { uid, gid } = nobodyIds();
  return [
    'setpriv',
    [...death, `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--', command, ...args],
  ];
}

/**
 * `setpriv --pdeathsig` (util-linux ≥ 2.33) makes the kernel signal the server when the test process
 * dies, even by SIGKILL, so a killed test run cannot leave a database server behind.
 */
const hasPdeathsig: boolean = (() => {
  try {
    return execFileSync('setpriv', ['--help'], { encoding: 'utf8' }).includes('--pdeathsig');
  } catch {
    return false;
  }
})();

export async function startPostgres(): Promise<DbServer> {
  const bin = postgresBinDir;
  if (!bin) throw new Error('PostgreSQL server binaries not found (apt-get install -y postgresql)');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lifeboat-pg-'));
  const dataDir = path.join(dir, 'data');
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const pwFile = path.join(dir, 'pw');
  await fs.writeFile(pwFile, `${password}\n`, { mode: 0o600 });
  if (isRoot) {
    const { uid, gid } = nobodyIds();
    await fs.chown(dir, uid, gid);
    await fs.chown(pwFile, uid, gid);
  }
  const [initCmd, initArgs] = asPostgresUser(path.join(bin, 'initdb'), [
    '-D',
    dataDir,
    '--no-sync',
    '-U',
    'postgres',
    `--pwfile=${pwFile}`,
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    '-E',
    'UTF8',
    '--locale=C',
  ]);
  await ok(initCmd, initArgs, { env: { ...process.env, LC_ALL: 'C' } });
  await fs.rm(pwFile);

  const port = await freePort();
  const [cmd, args] = asPostgresUser(
    path.join(bin, 'postgres'),
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=40',
      '-c',
      'shared_buffers=64MB',
      '-c',
      `logging_collector=off`,
    ],
    'INT', // fast shutdown
  );
  const logFile = path.join(dir, 'server.log');
  const logHandle = await fs.open(logFile, 'a');
  const child = spawn(cmd, args, {
    stdio: ['ignore', logHandle.fd, logHandle.fd],
    env: { ...process.env, LC_ALL: 'C' },
  });
  running.add(child);
  await logHandle.close();
  const psql = path.join(bin, 'psql');
  const adminEnv = { ...process.env, PGHOST: dir, PGPORT: String(port), PGUSER: 'postgres', LC_ALL: 'C' };
  const query = (sql: string, database = 'postgres') =>
    ok(psql, ['-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-d', database, '-f', '-'], {
      input: sql,
      env: adminEnv,
    });
  try {
    await waitFor(
      'postgres',
      async () =>
        (await run(psql, ['-X', '-At', '-d', 'postgres', '-c', 'select 1'], { env: adminEnv })).code === 0,
      child,
      () => fs.readFile(logFile, 'utf8').catch(() => ''),
    );
  } catch (err) {
    await stopChild(child, 'SIGQUIT');
    running.delete(child);
    await fs.rm(dir, { recursive: true, force: true });
    throw err;
  }
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    user: 'postgres',
    password,
    port,
    socketDir: dir,
    dataDir,
    binDir: bin,
    query,
    spawnClient: (database) =>
      spawn(psql, ['-X', '-q', '-o', '/dev/null', '-v', 'ON_ERROR_STOP=1', '-d', database, '-f', '-'], {
        env: adminEnv,
        stdio: 'pipe',
      }),
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopChild(child, 'SIGINT'); // fast shutdown: disconnects clients, no checkpoint wait on fsync=off
      running.delete(child);
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

// ------------------------------------------------------------------------------------------------- MariaDB

const sbinDirs = ['/usr/sbin', '/usr/local/sbin', '/usr/libexec', '/usr/local/mysql/bin'];

export const mariadbServerBin = which('mariadbd', sbinDirs) ?? which('mysqld', sbinDirs);
const installDbBin = which('mariadb-install-db', sbinDirs) ?? which('mysql_install_db', sbinDirs);
export const mariadbClientBin = which('mariadb') ?? which('mysql');
export const hasMariaDb = Boolean(mariadbServerBin && installDbBin && mariadbClientBin);

export async function startMariaDb(): Promise<DbServer> {
  if (!mariadbServerBin || !installDbBin || !mariadbClientBin) {
    throw new Error('MariaDB server binaries not found (apt-get install -y mariadb-server mariadb-client)');
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'lifeboat-mariadb-'));
  const dataDir = path.join(dir, 'data');
  const socket = path.join(dir, 'mysqld.sock');
  const userArgs = isRoot ? ['--user=root'] : [];
  await ok(installDbBin, [
    '--no-defaults',
    `--datadir=${dataDir}`,
    ...userArgs,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
    '--skip-name-resolve',
  ]);
  const port = await freePort();
  const logFile = path.join(dir, 'server.log');
  const [serverCmd, serverPrefix] = hasPdeathsig
    ? ['setpriv', ['--pdeathsig', 'TERM', '--', mariadbServerBin]]
    : [mariadbServerBin, []];
  const child = spawn(
    serverCmd,
    [
      ...serverPrefix,
      '--no-defaults',
      `--datadir=${dataDir}`,
      `--socket=${socket}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      ...userArgs,
      `--pid-file=${path.join(dir, 'mysqld.pid')}`,
      `--log-error=${logFile}`,
      '--skip-name-resolve',
      '--skip-log-bin',
      '--innodb-flush-log-at-trx-commit=0',
      '--innodb-doublewrite=0',
      '--innodb-buffer-pool-size=128M',
      '--max-connections=60',
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_unicode_ci',
    ],
    { stdio: 'ignore' },
  );
  running.add(child);
  const admin = (sql: string, database?: string) =>
    ok(
      mariadbClientBin,
      [
        '--no-defaults',
        `--socket=${socket}`,
        '-u',
        'root',
        '--batch',
        '--skip-column-names',
        '--raw',
        ...(database ? [database] : []),
      ],
      {
        input: sql,
      },
    );
  try {
    await waitFor(
      'mariadbd',
      async () =>
        (await run(mariadbClientBin, ['--no-defaults', `--socket=${socket}`, '-u', 'root', '-e', 'select 1']))
          .code === 0,
      child,
      () => fs.readFile(logFile, 'utf8').catch(() => ''),
    );
  } catch (err) {
    await stopChild(child, 'SIGKILL');
    running.delete(child);
    await fs.rm(dir, { recursive: true, force: true });
    throw err;
  }
  const password = `pw-${randomBytes(6).toString('hex')}`;
  await admin(
    `CREATE USER 'lifeboat'@'%' IDENTIFIED BY '${password}'; GRANT ALL PRIVILEGES ON *.* TO 'lifeboat'@'%' WITH GRANT OPTION;`,
  );
  let stopped = false;
  return {
    url: `mysql://lifeboat@127.0.0.1:${port}/mysql`,
    user: 'lifeboat',
    password,
    port,
    socketDir: dir,
    dataDir,
    binDir: path.dirname(mariadbClientBin),
    query: admin,
    spawnClient: (database) =>
      spawn(
        mariadbClientBin,
        ['--no-defaults', `--socket=${socket}`, '-u', 'root', '--batch', '--silent', database],
        { stdio: 'pipe' },
      ),
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopChild(child, 'SIGTERM');
      running.delete(child);
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
