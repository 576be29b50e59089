/**
 * The words of the drill report, in English and Russian. The procedure is written for the person
 * who files the report (an office manager, an auditor), not for an engineer: what was done, in
 * order, and why it proves the backup can be restored — the "documented procedure" of the user's
 * checklist (Шаг 5: выбор случайной копии, восстановление в тестовой среде, проверка
 * целостности, документирование).
 */
import type { Formatter, Language, Noun } from '../notify/format.ts';
import type { DatabaseCheck, DrillPhaseName, DrillProblemKind, DumpState } from './drill-types.ts';

export interface ProcedureFacts {
  random: boolean;
  candidates: number;
  files: number;
  dirs: number;
  bytes: number;
  sample: { files: number; ofFiles: number } | null;
  databases: number;
  dumps: number;
}

export interface ReportTexts {
  files: Noun;
  backups: Noun;
  tables: Noun;
  title: string;
  passed: string;
  failed: string;
  sections: {
    summary: string;
    procedure: string;
    time: string;
    databases: string;
    problems: string;
    signOff: string;
  };
  label: {
    job: string;
    repository: string;
    snapshot: string;
    snapshotTime: string;
    chosen: string;
    paths: string;
    backupComputer: string;
    drillDate: string;
    drillComputer: string;
    restored: string;
    verified: string;
    duration: string;
    total: string;
    file: string;
    size: string;
    result: string;
    step: string;
    checkedBy: string;
    signature: string;
    date: string;
  };
  chosenAtRandom(n: number, fmt: Formatter): string;
  chosenByUser: string;
  outOf(done: number, total: number, bytes: string, fmt: Formatter): string;
  procedure(f: ProcedureFacts, fmt: Formatter): string[];
  phase: Record<DrillPhaseName, string>;
  problem: Record<DrillProblemKind, string>;
  noProblems: string;
  noDatabases: string;
  sqliteResult(result: string, tables: number | undefined, fmt: Formatter): string;
  notSqlite: string;
  dumpResult(state: DumpState, producer: DatabaseCheck['producer']): string;
  whatToDo: string;
  footer(version: string, date: string): string;
}

/** The database a dump tool belongs to, the same in every language. */
const databaseNames: Record<NonNullable<DatabaseCheck['producer']>, string> = {
  pg_dump: 'PostgreSQL',
  mysqldump: 'MySQL/MariaDB',
  sqlite3: 'SQLite',
};

const en: ReportTexts = {
  files: { one: 'file', other: 'files' },
  backups: { one: 'backup', other: 'backups' },
  tables: { one: 'table', other: 'tables' },
  title: 'Restore drill report',
  passed: '✔ Passed: this backup can be restored, and every file matches it',
  failed: '✖ Failed: problems were found while restoring this backup',
  sections: {
    summary: 'Summary',
    procedure: 'How the drill was done',
    time: 'Time taken',
    databases: 'Databases',
    problems: 'Problems found',
    signOff: 'Reviewed',
  },
  label: {
    job: 'Backup job',
    repository: 'Backup storage',
    snapshot: 'Backup tested (snapshot)',
    snapshotTime: 'Backup made',
    chosen: 'How it was chosen',
    paths: 'Folders in the backup',
    backupComputer: 'Backed up from',
    drillDate: 'Drill performed',
    drillComputer: 'Drill ran on',
    restored: 'Restored',
    verified: 'Verified',
    duration: 'Duration',
    total: 'Total',
    file: 'File',
    size: 'Size',
    result: 'Result',
    step: 'Step',
    checkedBy: 'Reviewed by',
    signature: 'Signature',
    date: 'Date',
  },
  chosenAtRandom: (n, fmt) => `at random, out of ${fmt.count(n, en.backups)} in the storage`,
  chosenByUser: 'chosen by hand',
  outOf: (done, total, bytes, fmt) =>
    done === total
      ? `${fmt.count(total, en.files)} (${bytes})`
      : `${fmt.number(done)} of ${fmt.count(total, en.files)} (${bytes})`,
  procedure: (f, fmt) => [
    f.random
      ? `Lifeboat chose a backup to test at random among the ${fmt.count(f.candidates, en.backups)} in the storage, so that older backups get tested too, not only the latest one.`
      : 'The backup to test was chosen by hand.',
    `It read the list of what this backup holds from the storage: ${fmt.count(f.files, en.files)} in ${fmt.number(f.dirs)} folders, ${fmt.bytes(f.bytes)} in all.`,
    f.sample
      ? `It restored a random sample of ${fmt.number(f.sample.files)} of the ${fmt.count(f.sample.ofFiles, en.files)}, always including every database and database dump, into a new temporary folder on this computer. The CRM and its working files were not touched. Every piece of data was decrypted and checked against its checksum as it was written.`
      : 'It restored the whole backup into a new temporary folder on this computer, as one would after losing the data. The CRM and its working files were not touched. Every piece of data was decrypted and checked against its checksum as it was written.',
    'It read every restored file back from the disk and compared it with what the backup recorded: the size, and a SHA-256 checksum of the content.',
    f.databases + f.dumps > 0
      ? 'It opened each restored database read-only and ran the database\u2019s own full integrity check (SQLite “PRAGMA integrity_check”, which reads every page and index), and checked that SQL dumps are complete, readable text.'
      : 'The backup holds no database files, so no database check was needed.',
    'It deleted the temporary folder, so no second copy of the data stays on this computer.',
    'It recorded what was done, how long each step took and the result in this report.',
  ],
  phase: {
    prepare: 'Protecting the storage from clean-up during the drill',
    choose: 'Choosing the backup',
    'read-snapshot': 'Reading the list of files',
    restore: 'Restoring into the temporary folder',
    verify: 'Comparing every file with the backup',
    databases: 'Checking the databases',
    cleanup: 'Deleting the temporary folder',
  },
  problem: {
    space: 'Not enough free space for the drill',
    fatal: 'The drill could not finish',
    restore: 'Could not be restored',
    missing: 'Missing after the restore',
    size: 'Restored with the wrong size',
    checksum: 'Content differs from the backup',
    symlink: 'Link restored wrongly',
    database: 'Database is damaged',
    dump: 'Dump is incomplete or unreadable',
    cleanup: 'The temporary folder was not fully deleted',
  },
  noProblems: 'No problems found.',
  noDatabases: 'This backup holds no database files or SQL dumps.',
  sqliteResult: (result, tables, fmt) =>
    `integrity_check: ${result}${tables !== undefined ? ` (${fmt.count(tables, en.tables)})` : ''}`,
  notSqlite: 'not an SQLite database (belongs to another program); not checked',
  dumpResult: (state, producer) => {
    const who = producer ? databaseNames[producer] : '';
    const words: Record<DumpState, string> = {
      complete: `complete ${who} dump`,
      text: 'readable text, not empty',
      truncated: `${who} dump cut short: its closing line is missing`,
      empty: 'empty file',
      binary: 'not text',
      'not-utf8': 'not readable UTF-8 text',
      unreadable: 'could not be read',
    };
    return `SQL dump: ${words[state]}`.replace(/\s+/g, ' ');
  },
  whatToDo:
    'What to do: do not delete any backups. Open the storage check in Lifeboat and run it with “read all data”, then make a new backup now. If the problem stays, contact support and attach this report.',
  footer: (version, date) => `Lifeboat ${version} · report created ${date}`,
};

const ru: ReportTexts = {
  files: { one: 'файл', few: 'файла', many: 'файлов', other: 'файла' },
  backups: { one: 'копия', few: 'копии', many: 'копий', other: 'копии' },
  tables: { one: 'таблица', few: 'таблицы', many: 'таблиц', other: 'таблицы' },
  title: 'Отчёт о проверке восстановления из резервной копии',
  passed: '✔ Проверка пройдена: копию можно восстановить, все файлы совпадают с ней',
  failed: '✖ Проверка не пройдена: при восстановлении копии найдены проблемы',
  sections: {
    summary: 'Итог',
    procedure: 'Как проводилась проверка',
    time: 'Сколько времени заняло',
    databases: 'Базы данных',
    problems: 'Найденные проблемы',
    signOff: 'Ознакомлен',
  },
  label: {
    job: 'Задание резервного копирования',
    repository: 'Хранилище копий',
    snapshot: 'Проверенная копия (снимок)',
    snapshotTime: 'Когда сделана копия',
    chosen: 'Как выбрана',
    paths: 'Папки в копии',
    backupComputer: 'С какого компьютера',
    drillDate: 'Дата проверки',
    drillComputer: 'Где проводилась проверка',
    restored: 'Восстановлено',
    verified: 'Сверено',
    duration: 'Длительность',
    total: 'Всего',
    file: 'Файл',
    size: 'Размер',
    result: 'Результат',
    step: 'Шаг',
    checkedBy: 'Проверку принял',
    signature: 'Подпись',
    date: 'Дата',
  },
  chosenAtRandom: (n, fmt) =>
    `случайно, из ${fmt.number(n)} ${fmt.noun(n, { one: 'копии', few: 'копий', many: 'копий', other: 'копии' })} в хранилище`,
  chosenByUser: 'выбрана вручную',
  outOf: (done, total, bytes, fmt) =>
    done === total
      ? `${fmt.count(total, ru.files)} (${bytes})`
      : `${fmt.number(done)} из ${fmt.number(total)} ${fmt.noun(total, { one: 'файла', other: 'файлов' })} (${bytes})`,
  procedure: (f, fmt) => [
    f.random
      ? `Lifeboat случайным образом выбрал копию для проверки среди ${fmt.number(f.candidates)} ${fmt.noun(f.candidates, { one: 'копии', few: 'копий', many: 'копий', other: 'копии' })} в хранилище — так проверяются и старые копии, а не только последняя.`
      : 'Копия для проверки выбрана вручную.',
    `Из хранилища прочитан список того, что содержит копия: ${fmt.count(f.files, ru.files)} в ${fmt.number(f.dirs)} ${fmt.noun(f.dirs, { one: 'папке', other: 'папках' })}, всего ${fmt.bytes(f.bytes)}.`,
    f.sample
      ? `Случайная выборка из ${fmt.number(f.sample.files)} ${fmt.noun(f.sample.files, { one: 'файла', other: 'файлов' })} (из ${fmt.number(f.sample.ofFiles)}), в которую всегда входят все базы данных и их дампы, восстановлена в новую временную папку на этом компьютере. CRM и её рабочие файлы не затрагивались. Каждый фрагмент данных при записи расшифровывался и сверялся с контрольной суммой.`
      : 'Вся копия восстановлена в новую временную папку на этом компьютере — так же, как при настоящей потере данных. CRM и её рабочие файлы не затрагивались. Каждый фрагмент данных при записи расшифровывался и сверялся с контрольной суммой.',
    'Каждый восстановленный файл заново прочитан с диска и сверен с тем, что записано в копии: размер и контрольная сумма SHA-256 содержимого.',
    f.databases + f.dumps > 0
      ? 'Каждая восстановленная база данных открыта только для чтения и проверена её собственной полной проверкой целостности (в SQLite это «PRAGMA integrity_check», она читает все страницы и индексы); для SQL-дампов проверено, что это полный читаемый текст.'
      : 'В копии нет файлов баз данных, поэтому проверка баз не потребовалась.',
    'Временная папка удалена, чтобы на компьютере не оставалось второй копии данных.',
    'Что было сделано, сколько занял каждый шаг и каков результат, записано в этот отчёт.',
  ],
  phase: {
    prepare: 'Защита хранилища от очистки на время проверки',
    choose: 'Выбор копии',
    'read-snapshot': 'Чтение списка файлов',
    restore: 'Восстановление во временную папку',
    verify: 'Сверка каждого файла с копией',
    databases: 'Проверка баз данных',
    cleanup: 'Удаление временной папки',
  },
  problem: {
    space: 'Недостаточно свободного места для проверки',
    fatal: 'Проверку не удалось завершить',
    restore: 'Не удалось восстановить',
    missing: 'Отсутствует после восстановления',
    size: 'Восстановлен с неверным размером',
    checksum: 'Содержимое не совпадает с копией',
    symlink: 'Ссылка восстановлена неверно',
    database: 'База данных повреждена',
    dump: 'Дамп неполный или нечитаемый',
    cleanup: 'Временная папка удалена не полностью',
  },
  noProblems: 'Проблем не найдено.',
  noDatabases: 'В этой копии нет файлов баз данных и SQL-дампов.',
  sqliteResult: (result, tables, fmt) =>
    `integrity_check: ${result}${tables !== undefined ? ` (${fmt.count(tables, ru.tables)})` : ''}`,
  notSqlite: 'не база SQLite (файл другой программы), не проверялся',
  dumpResult: (state, producer) => {
    const who = producer ? databaseNames[producer] : '';
    const words: Record<DumpState, string> = {
      complete: `полный дамп ${who}`,
      text: 'непустой читаемый текст',
      truncated: `дамп ${who} оборван: нет завершающей строки`,
      empty: 'пустой файл',
      binary: 'не текст',
      'not-utf8': 'текст не в кодировке UTF-8',
      unreadable: 'не удалось прочитать',
    };
    return `SQL-дамп: ${words[state]}`.replace(/\s+/g, ' ');
  },
  whatToDo:
    'Что сделать: не удаляйте резервные копии. Запустите в Lifeboat проверку хранилища с чтением всех данных и сразу сделайте новую копию. Если проблема останется, обратитесь в поддержку и приложите этот отчёт.',
  footer: (version, date) => `Lifeboat ${version} · отчёт создан ${date}`,
};

export const reportTexts: Record<Language, ReportTexts> = { en, ru };
