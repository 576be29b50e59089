/**
 * Twenty: PostgreSQL plus local file storage.
 * - Docker install (the documented way): a folder with docker-compose.yml (image twentycrm/twenty)
 *   and .env (PG_DATABASE_USER/PASSWORD/HOST/PORT, PG_DATABASE_NAME default 'default'; the server's
 *   PG_DATABASE_URL is built from them). The database host 'db' is the compose service, reachable from
 *   this computer only if the compose file publishes port 5432. Files live in the named volume
 *   'server-local-data' (/var/lib/docker/volumes/<project>_server-local-data/_data).
 * - Source install: packages/twenty-server/.env with PG_DATABASE_URL and STORAGE_LOCAL_PATH (default
 *   .local-storage, relative to packages/twenty-server).
 * STORAGE_TYPE=s3 keeps files in S3: not part of this backup.
 */
import { basename, isAbsolute, join } from 'node:path';
import { parseEnvFile } from './text-config.ts';
import { existingDirs, existingFiles, isFile, parseDatabaseUrl, postgresConfig, readText } from './preset.ts';
import { warning } from './preset.ts';
import type { CrmDetection, CrmPreset, CrmWarning } from './preset.ts';

const s3Warning = (): CrmWarning =>
  warning('files-in-s3', 'Twenty keeps its files in S3 (STORAGE_TYPE=s3): they are not part of this backup.');

const dockerVolumes = '/var/lib/docker/volumes';

async function readEnv(path: string): Promise<Record<string, string> | undefined> {
  const text = await readText(path);
  return text === undefined ? undefined : parseEnvFile(text);
}

async function dockerLayout(installDir: string): Promise<CrmDetection | undefined> {
  const composeFile = (
    await existingFiles(
      ['docker-compose.yml', 'docker-compose.yaml', 'compose.yml', 'compose.yaml'].map((f) =>
        join(installDir, f),
      ),
    )
  )[0];
  const compose = composeFile ? await readText(composeFile) : undefined;
  if (!compose || !/twentycrm\/twenty/.test(compose)) return undefined;
  const env = (await readEnv(join(installDir, '.env'))) ?? {};
  const warnings: CrmWarning[] = [];
  const user = env.PG_DATABASE_USER || 'postgres';
  let host = env.PG_DATABASE_HOST || 'db';
  const port = Number(env.PG_DATABASE_PORT || 5432);
  const database = env.PG_DATABASE_NAME || 'default';
  if (host === 'db') {
    host = 'localhost';
    if (!new RegExp(`\\b${port}:5432\\b`).test(compose)) {
      warnings.push(
        warning(
          'docker-port-unpublished',
          `The Twenty database runs inside Docker without a published port: add "ports: ['127.0.0.1:${port}:5432']" to the db service, then restart it.`,
          { port: String(port) },
        ),
      );
    }
  }
  const project =
    /^name:\s*["']?([\w.-]+)/m.exec(compose)?.[1] ??
    basename(installDir)
      .toLowerCase()
      .replace(/[^a-z0-9_-]/g, '');
  const result: CrmDetection = {
    crm: 'twenty',
    name: 'Twenty',
    installDir,
    database: postgresConfig({ user, host, port, database }),
    folders: [],
    files: await existingFiles([composeFile!, join(installDir, '.env')]),
    warnings,
  };
  result.password = env.PG_DATABASE_PASSWORD || 'postgres';
  if ((env.STORAGE_TYPE ?? 'local').toLowerCase() === 's3') {
    warnings.push(s3Warning());
  } else {
    const volume = join(dockerVolumes, `${project}_server-local-data`, '_data');
    result.folders = await existingDirs([volume]);
    if (!result.folders.length)
      warnings.push(
        warning(
          'files-missing',
          `Twenty's file storage (Docker volume ${project}_server-local-data) was not found at ${volume}.`,
          { path: volume },
        ),
      );
  }
  return result;
}

async function sourceLayout(installDir: string): Promise<CrmDetection | undefined> {
  const serverDirs = [join(installDir, 'packages/twenty-server'), installDir];
  for (const serverDir of serverDirs) {
    const envPath = join(serverDir, '.env');
    if (!(await isFile(envPath))) continue;
    const env = (await readEnv(envPath)) ?? {};
    if (!env.PG_DATABASE_URL) continue;
    const db = parseDatabaseUrl(env.PG_DATABASE_URL);
    if (!db || db.kind !== 'postgres') continue;
    const warnings: CrmWarning[] = [];
    const result: CrmDetection = {
      crm: 'twenty',
      name: 'Twenty',
      installDir,
      database: postgresConfig(db),
      folders: [],
      files: [envPath],
      warnings,
    };
    if (db.password) result.password = db.password;
    if ((env.STORAGE_TYPE ?? 'local').toLowerCase() === 's3') {
      warnings.push(s3Warning());
    } else {
      const local = env.STORAGE_LOCAL_PATH || '.local-storage';
      const storage = isAbsolute(local) ? local : join(serverDir, local);
      result.folders = await existingDirs([storage]);
      if (!result.folders.length) {
        warnings.push(
          warning('files-missing', `Twenty's file storage ${storage} was not found.`, { path: storage }),
        );
      }
    }
    return result;
  }
  return undefined;
}

export const twentyPreset: CrmPreset = {
  id: 'twenty',
  name: 'Twenty',
  async detect(installDir: string): Promise<CrmDetection | undefined> {
    return (await dockerLayout(installDir)) ?? (await sourceLayout(installDir));
  },
};
