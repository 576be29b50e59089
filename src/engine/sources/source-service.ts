/**
 * The wizard's view of sources (contract: src/shared/sources.ts): test a source before saving a job,
 * recognize a CRM install, and remember the database password a detection found for the next
 * testSource/saveJob (in memory for an hour, never in an output or a file).
 */
import { stat } from 'node:fs/promises';
import { LifeboatError } from '../../shared/errors.ts';
import type { DatabaseJobSource, JobSource } from '../../shared/jobs.ts';
import type { CrmDetectionInfo, SourceTestInfo } from '../../shared/sources.ts';
import { needsPassword, sourceKey } from '../../shared/sources.ts';
import type { SecretStore } from '../secrets/secret-store.ts';
import { formatBytes } from './database-options.ts';
import { createDatabaseSource } from './index.ts';
import type { DatabaseSourceConfig } from './index.ts';
import { databaseConfig, storedSourcePassword } from './job-sources.ts';
import { parseMysqlUrl } from './mysql/mysql-connection.ts';
import { parsePostgresUrl } from './postgres/pg-connection.ts';
import { detectCrm } from './presets/index.ts';

const foundPasswordTtlMs = 60 * 60 * 1000;

/** A preset's database config (an address) as a job source (plain fields). */
export function jobSourceOf(config: DatabaseSourceConfig): DatabaseJobSource {
  if (config.kind === 'sqlite') return { kind: 'sqlite', path: config.path };
  if (config.kind === 'postgres') {
    const c = parsePostgresUrl(config.url);
    return {
      kind: 'postgres',
      host: c.host || 'localhost',
      port: c.port,
      user: c.user,
      database: c.database,
    };
  }
  const c = parseMysqlUrl(config.url);
  return { kind: 'mysql', host: c.socket ?? c.host, port: c.port, user: c.user, database: c.database };
}

export class SourceService {
  readonly #secrets: () => Promise<SecretStore>;
  readonly #now: () => number;
  /** Passwords found in CRM configs, by sourceKey, until they expire or a job stores them. */
  readonly #found = new Map<string, { password: string; expires: number }>();

  constructor(secrets: () => Promise<SecretStore>, now: () => number = Date.now) {
    this.#secrets = secrets;
    this.#now = now;
  }

  /** The password a detection found for this source, if it is still fresh. */
  foundPassword(source: JobSource): string | undefined {
    const key = sourceKey(source);
    const hit = this.#found.get(key);
    if (!hit) return undefined;
    if (hit.expires < this.#now()) {
      this.#found.delete(key);
      return undefined;
    }
    return hit.password;
  }

  /**
   * saveJob's sourcePasswords completed with the passwords detections found for sources the caller
   * gave none for (so the keychain gets them when the job is saved).
   */
  withFoundPasswords(
    sources: readonly JobSource[],
    given: Record<string, string | null> | undefined,
  ): Record<string, string | null> {
    const out: Record<string, string | null> = { ...given };
    sources.forEach((s, i) => {
      const found = this.foundPassword(s);
      if (found && out[String(i)] === undefined) out[String(i)] = found;
    });
    return out;
  }

  async testSource(source: JobSource, password?: string): Promise<SourceTestInfo> {
    if (source.kind === 'folder') return testFolder(source.path);
    const pw =
      password ??
      this.foundPassword(source) ??
      (needsPassword(source) ? await storedSourcePassword(await this.#secrets(), source) : undefined);
    const db = createDatabaseSource(databaseConfig(source), pw === undefined ? {} : { password: pw });
    const result = await db.test();
    if (!result.ok) {
      throw new LifeboatError(result.error.code, result.error.message, {
        ...(result.error.hint ? { hint: result.error.hint } : {}),
        ...(result.error.details ? { details: result.error.details } : {}),
      });
    }
    const d = result.details;
    // 'PostgreSQL 15.18 (Debian 15.18-0+deb12u1)' → 'PostgreSQL 15.18'; 'MariaDB 10.11.19-MariaDB-0…' → 'MariaDB 10.11.19'
    const server = d.server
      ? (/^\S+ \d+(\.\d+)*/.exec(d.server)?.[0] ?? d.server)
      : source.kind === 'sqlite'
        ? 'SQLite'
        : null;
    const tables = d.tables !== undefined ? Number(d.tables) : null;
    const sizeBytes = d.sizeBytes !== undefined ? Number(d.sizeBytes) : null;
    const summary = [
      server,
      tables !== null ? `${String(tables)} tables` : null,
      sizeBytes !== null ? formatBytes(sizeBytes) : null,
    ]
      .filter(Boolean)
      .join(' · ');
    return { ok: true, summary, server, tables, sizeBytes, warnings: d.warning ? [d.warning] : [] };
  }

  async detectCrm(installDir: string): Promise<CrmDetectionInfo | null> {
    const found = await detectCrm(installDir);
    if (!found) return null;
    const base = found.database ? jobSourceOf(found.database) : null;
    const database = base && base.kind !== 'sqlite' ? { ...base, crm: found.crm } : base;
    const choices = (found.databaseChoices ?? []).map((c) => ({ ...jobSourceOf(c), crm: found.crm }));
    if (found.password) {
      for (const s of [...(database ? [database] : []), ...choices]) {
        this.#found.set(sourceKey(s), {
          password: found.password,
          expires: this.#now() + foundPasswordTtlMs,
        });
      }
    }
    const paths = [...found.folders, ...found.files];
    return {
      crm: found.crm,
      name: found.name,
      installDir: found.installDir,
      database,
      passwordFound: Boolean((database || choices.length) && found.password),
      sources: [
        ...(database ? [database] : []),
        ...paths.map((path) => ({ kind: 'folder' as const, path, excludes: [] })),
      ],
      folders: found.folders,
      files: found.files,
      warnings: found.warnings,
      databaseCandidates: found.databaseCandidates ?? [],
      databaseChoices: choices,
    };
  }
}

async function testFolder(path: string): Promise<SourceTestInfo> {
  const st = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new LifeboatError(
      err.code === 'EACCES' || err.code === 'EPERM' ? 'PERMISSION_DENIED' : 'SOURCE_UNREADABLE',
      `${path} cannot be read.`,
      { details: err.message },
    );
  });
  return {
    ok: true,
    summary: st.isDirectory() ? 'Folder' : `File · ${formatBytes(st.size)}`,
    server: null,
    tables: null,
    sizeBytes: st.isDirectory() ? null : st.size,
    warnings: [],
  };
}
