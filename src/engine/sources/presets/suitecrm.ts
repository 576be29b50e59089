/**
 * SuiteCRM 8 (and 7). Version 8 keeps the legacy application in public/legacy: its config.php has
 * `$sugar_config['dbconfig']` (db_host_name, db_port, db_user_name, db_password, db_name, db_type)
 * and config_override.php may override single keys; the Symfony side reads DATABASE_URL from
 * .env.local / .env. Uploads in public/legacy/upload (config 'upload_dir'), customizations in
 * public/legacy/custom. SuiteCRM 7 has the same files at the top of the install folder.
 */
import { join } from 'node:path';
import { applyAssignments, phpAssignments, phpText, phpVariableArray } from './php-config.ts';
import type { PhpArray } from './php-config.ts';
import { parseEnvFile } from './text-config.ts';
import {
  existingDirs,
  existingFiles,
  isFile,
  mysqlConfig,
  parseDatabaseUrl,
  readText,
  splitHostPort,
} from './preset.ts';
import { warning } from './preset.ts';
import type { CrmDetection, CrmPreset, CrmWarning } from './preset.ts';

async function legacyConfig(legacyDir: string): Promise<PhpArray | undefined> {
  const main = await readText(join(legacyDir, 'config.php'));
  if (!main) return undefined;
  const config = phpVariableArray(main, 'sugar_config') ?? {};
  const override = await readText(join(legacyDir, 'config_override.php'));
  if (override) applyAssignments(config, phpAssignments(override, 'sugar_config'));
  return config;
}

export const suiteCrmPreset: CrmPreset = {
  id: 'suitecrm',
  name: 'SuiteCRM',
  async detect(installDir: string): Promise<CrmDetection | undefined> {
    const v8 = await isFile(join(installDir, 'public/legacy/config.php'));
    const v7 =
      !v8 &&
      (await isFile(join(installDir, 'config.php'))) &&
      (await isFile(join(installDir, 'suitecrm_version.php')));
    if (!v8 && !v7) return undefined;
    const legacyDir = v8 ? join(installDir, 'public/legacy') : installDir;
    const config = await legacyConfig(legacyDir);
    if (!config || (v7 && !config.dbconfig)) return undefined;
    const warnings: CrmWarning[] = [];
    const uploadDir = (phpText(config, 'upload_dir') || 'upload/').replace(/\/+$/, '');
    const result: CrmDetection = {
      crm: 'suitecrm',
      name: v8 ? 'SuiteCRM 8' : 'SuiteCRM 7',
      installDir,
      folders: await existingDirs([join(legacyDir, uploadDir), join(legacyDir, 'custom')]),
      files: await existingFiles([
        join(legacyDir, 'config.php'),
        join(legacyDir, 'config_override.php'),
        ...(v8 ? [join(installDir, '.env'), join(installDir, '.env.local')] : []),
      ]),
      warnings,
    };

    let env: Record<string, string> = {};
    if (v8) {
      for (const f of ['.env', '.env.local']) {
        const text = await readText(join(installDir, f));
        if (text) env = parseEnvFile(text, env);
      }
    }
    const fromEnv = env.DATABASE_URL ? parseDatabaseUrl(env.DATABASE_URL) : undefined;
    const dbType = phpText(config, 'dbconfig', 'db_type').toLowerCase();
    const user = phpText(config, 'dbconfig', 'db_user_name');
    const name = phpText(config, 'dbconfig', 'db_name');
    if (dbType && dbType !== 'mysql' && dbType !== 'mysqli') {
      warnings.push(
        warning(
          'db-type-unsupported',
          `SuiteCRM uses a "${dbType}" database, which Lifeboat cannot back up yet.`,
          { type: dbType },
        ),
      );
      return result;
    }
    if (user && name) {
      const { host, port } = splitHostPort(
        phpText(config, 'dbconfig', 'db_host_name') || 'localhost',
        phpText(config, 'dbconfig', 'db_port'),
        3306,
      );
      result.database = mysqlConfig({ user, host, port, database: name });
      const password = phpText(config, 'dbconfig', 'db_password');
      if (password) result.password = password;
      if (fromEnv && (fromEnv.database !== name || fromEnv.user !== user)) {
        warnings.push(
          warning(
            'db-url-mismatch',
            'DATABASE_URL in .env.local names another database than public/legacy/config.php; the legacy config was used.',
          ),
        );
      }
    } else if (fromEnv?.kind === 'mysql') {
      result.database = mysqlConfig(fromEnv);
      if (fromEnv.password) result.password = fromEnv.password;
    } else {
      warnings.push(
        warning('db-settings-missing', 'The database settings were not found in config.php or DATABASE_URL.'),
      );
    }
    return result;
  },
};
