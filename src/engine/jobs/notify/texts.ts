/**
 * The words of notifications, per language. Kept apart from the layout (message.ts) so a
 * translator reads one file. Sentences are whole functions rather than glued fragments, because
 * Russian word forms depend on the numbers ("добавлен 1 файл", "добавлено 5 файлов").
 */
import type { Formatter, Language, Noun } from './format.ts';
import { quoteName } from './format.ts';

export interface SummaryFacts {
  job: string;
  took: string;
  filesAdded?: number;
  bytesAdded?: number;
  warnings: number;
  errorMessage?: string;
  hours?: number;
  never?: boolean;
}

export interface DrillFacts {
  job: string;
  took: string;
  passed: boolean;
  problems: number;
  files: number;
  bytes: number;
}

export interface Texts {
  files: Noun;
  hours: Noun;
  warnings: Noun;
  problems: Noun;
  subject: {
    ok(job: string): string;
    warning(job: string): string;
    failed(job: string): string;
    interrupted(job: string): string;
    watchdog(job: string, hours: string): string;
    drill(job: string, passed: boolean): string;
    test: string;
  };
  summary: {
    ok(f: SummaryFacts, fmt: Formatter): string;
    warning(f: SummaryFacts, fmt: Formatter): string;
    failed(f: SummaryFacts): string;
    interrupted(f: SummaryFacts): string;
    watchdog(f: SummaryFacts, fmt: Formatter): string;
    drill(f: DrillFacts, fmt: Formatter): string;
    test(job: string): string;
  };
  label: {
    job: string;
    started: string;
    finished: string;
    took: string;
    snapshot: string;
    added: string;
    total: string;
    destination: string;
    nextRun: string;
    lastSuccess: string;
    whatHappened: string;
    details: string;
    whatToDo: string;
    errorCode: string;
    warnings: string;
    problems: string;
    verified: string;
    report: string;
  };
  never: string;
  notScheduled: string;
  /** "…and N more" under a list of warnings or problems. */
  moreWarnings(n: number, fmt: Formatter): string;
  /** When only the number of warnings is known. */
  warningsInLog(n: number, fmt: Formatter): string;
  watchdogExplain(hours: string): string;
  watchdogAdvice: string;
  drillAdvice: string;
  testBody: string;
  footer(computer: string): string;
}

const quoteEn = (job: string) => quoteName('en', job);
const quoteRu = (job: string) => quoteName('ru', job);

const en: Texts = {
  files: { one: 'file', other: 'files' },
  hours: { one: 'hour', other: 'hours' },
  warnings: { one: 'warning', other: 'warnings' },
  problems: { one: 'problem', other: 'problems' },
  subject: {
    ok: (job) => `✔ Backup of ${quoteEn(job)} finished`,
    warning: (job) => `⚠ Backup of ${quoteEn(job)} finished with warnings`,
    failed: (job) => `✖ Backup of ${quoteEn(job)} failed`,
    interrupted: (job) => `⏹ Backup of ${quoteEn(job)} was interrupted`,
    watchdog: (job, hours) => `⏰ No successful backup of ${quoteEn(job)} for ${hours}`,
    drill: (job, passed) =>
      passed ? `✔ Restore test of ${quoteEn(job)} passed` : `✖ Restore test of ${quoteEn(job)} failed`,
    test: 'Lifeboat test message',
  },
  summary: {
    ok: (f, fmt) => {
      const head = `✔ Backup of ${quoteEn(f.job)} finished`;
      if (f.filesAdded === undefined) return `${head}, took ${f.took}`;
      if (f.filesAdded === 0 && !f.bytesAdded)
        return `${head}: nothing changed since the last backup, took ${f.took}`;
      const bytes = f.bytesAdded === undefined ? '' : `, ${fmt.bytes(f.bytesAdded)}`;
      return `${head}: ${fmt.count(f.filesAdded, en.files)}${bytes} added, took ${f.took}`;
    },
    warning: (f, fmt) =>
      `⚠ Backup of ${quoteEn(f.job)} finished with ${fmt.count(f.warnings, en.warnings)}, took ${f.took}`,
    failed: (f) => `✖ Backup of ${quoteEn(f.job)} failed: ${f.errorMessage ?? 'unknown error'}`,
    interrupted: (f) => `⏹ Backup of ${quoteEn(f.job)} was interrupted after ${f.took}`,
    watchdog: (f, fmt) => {
      const hours = fmt.count(f.hours ?? 0, en.hours);
      return f.never
        ? `⏰ ${quoteEn(f.job)} has not been backed up successfully yet (set up ${hours} ago)`
        : `⏰ No successful backup of ${quoteEn(f.job)} for ${hours}`;
    },
    drill: (f, fmt) =>
      f.passed
        ? `✔ Restore test of ${quoteEn(f.job)} passed: ${fmt.count(f.files, en.files)} (${fmt.bytes(f.bytes)}) restored and verified, took ${f.took}`
        : `✖ Restore test of ${quoteEn(f.job)} failed: ${fmt.count(f.problems, en.problems)} found`,
    test: (job) => `✔ Test message from Lifeboat for ${quoteEn(job)}`,
  },
  label: {
    job: 'Job',
    started: 'Started',
    finished: 'Finished',
    took: 'Took',
    snapshot: 'Snapshot',
    added: 'Added',
    total: 'Backup size',
    destination: 'Stored in',
    nextRun: 'Next backup',
    lastSuccess: 'Last successful backup',
    whatHappened: 'What went wrong',
    details: 'Details',
    whatToDo: 'What to do',
    errorCode: 'Error code',
    warnings: 'Warnings',
    problems: 'Problems',
    verified: 'Restored and verified',
    report: 'Report',
  },
  never: 'never',
  notScheduled: 'not scheduled',
  moreWarnings: (n, fmt) => `…and ${fmt.number(n)} more (see the job's log in Lifeboat)`,
  warningsInLog: (n, fmt) => `${fmt.count(n, en.warnings)}: the list is in the job's log in Lifeboat`,
  watchdogExplain: (hours) => `Lifeboat expects a successful backup at least every ${hours}.`,
  watchdogAdvice:
    'Check that this computer is switched on and Lifeboat is running, then open the job in Lifeboat to see what happened to the last runs.',
  drillAdvice:
    'Do not delete any backups. The report lists what went wrong; run a full check of the storage in Lifeboat and make a new backup now.',
  testBody: 'Lifeboat notifications reach you here. This is where you will hear about backups of this job.',
  footer: (computer) => `Sent by Lifeboat on ${computer}.`,
};

/** "добавлен 1 файл" but "добавлено 2 файла", "добавлено 5 файлов". */
const addedRu = (n: number, fmt: Formatter): string =>
  `${fmt.noun(n, { one: 'добавлен', other: 'добавлено' })} ${fmt.count(n, ru.files)}`;

const ru: Texts = {
  files: { one: 'файл', few: 'файла', many: 'файлов', other: 'файла' },
  hours: { one: 'час', few: 'часа', many: 'часов', other: 'часа' },
  warnings: { one: 'предупреждение', few: 'предупреждения', many: 'предупреждений', other: 'предупреждения' },
  problems: { one: 'проблема', few: 'проблемы', many: 'проблем', other: 'проблемы' },
  subject: {
    ok: (job) => `✔ Резервная копия ${quoteRu(job)} создана`,
    warning: (job) => `⚠ Резервная копия ${quoteRu(job)} создана с предупреждениями`,
    failed: (job) => `✖ Не удалось создать резервную копию ${quoteRu(job)}`,
    interrupted: (job) => `⏹ Резервное копирование ${quoteRu(job)} прервано`,
    watchdog: (job, hours) => `⏰ Уже ${hours} нет успешной резервной копии ${quoteRu(job)}`,
    drill: (job, passed) =>
      passed
        ? `✔ Проверка восстановления ${quoteRu(job)} пройдена`
        : `✖ Проверка восстановления ${quoteRu(job)} не пройдена`,
    test: 'Проверочное сообщение Lifeboat',
  },
  summary: {
    ok: (f, fmt) => {
      const head = `✔ Резервная копия ${quoteRu(f.job)} создана`;
      if (f.filesAdded === undefined) return `${head} за ${f.took}`;
      if (f.filesAdded === 0 && !f.bytesAdded)
        return `${head} за ${f.took}: с прошлого раза ничего не изменилось`;
      const bytes = f.bytesAdded === undefined ? '' : ` (${fmt.bytes(f.bytesAdded)})`;
      return `${head} за ${f.took}: ${addedRu(f.filesAdded, fmt)}${bytes}`;
    },
    warning: (f, fmt) =>
      `⚠ Резервная копия ${quoteRu(f.job)} создана за ${f.took}, но есть ${fmt.count(f.warnings, ru.warnings)}`,
    failed: (f) =>
      `✖ Не удалось создать резервную копию ${quoteRu(f.job)}: ${f.errorMessage ?? 'неизвестная ошибка'}`,
    interrupted: (f) => `⏹ Резервное копирование ${quoteRu(f.job)} прервано через ${f.took}`,
    watchdog: (f, fmt) => {
      const hours = fmt.count(f.hours ?? 0, ru.hours);
      return f.never
        ? `⏰ Для ${quoteRu(f.job)} ещё не было ни одной успешной резервной копии (задание создано ${hours} назад)`
        : `⏰ Уже ${hours} нет успешной резервной копии ${quoteRu(f.job)}`;
    },
    drill: (f, fmt) =>
      f.passed
        ? `✔ Проверка восстановления ${quoteRu(f.job)} пройдена за ${f.took}: ${fmt.noun(f.files, { one: 'восстановлен и сверен', other: 'восстановлено и сверено' })} ${fmt.count(f.files, ru.files)} (${fmt.bytes(f.bytes)})`
        : `✖ Проверка восстановления ${quoteRu(f.job)} не пройдена: ${fmt.noun(f.problems, { one: 'найдена', other: 'найдено' })} ${fmt.count(f.problems, ru.problems)}`,
    test: (job) => `✔ Проверочное сообщение Lifeboat для задания ${quoteRu(job)}`,
  },
  label: {
    job: 'Задание',
    started: 'Начало',
    finished: 'Окончание',
    took: 'Длительность',
    snapshot: 'Снимок',
    added: 'Добавлено',
    total: 'Размер копии',
    destination: 'Где хранится',
    nextRun: 'Следующая копия',
    lastSuccess: 'Последняя успешная копия',
    whatHappened: 'Что случилось',
    details: 'Подробности',
    whatToDo: 'Что сделать',
    errorCode: 'Код ошибки',
    warnings: 'Предупреждения',
    problems: 'Проблемы',
    verified: 'Восстановлено и сверено',
    report: 'Отчёт',
  },
  never: 'ещё не было',
  notScheduled: 'не запланирована',
  moreWarnings: (n, fmt) => `…и ещё ${fmt.number(n)} (полный список — в журнале задания в Lifeboat)`,
  warningsInLog: (n, fmt) => `${fmt.count(n, ru.warnings)}: список — в журнале задания в Lifeboat`,
  watchdogExplain: (hours) => `Lifeboat следит, чтобы успешная копия появлялась не реже чем раз в ${hours}.`,
  watchdogAdvice:
    'Проверьте, что компьютер включён и Lifeboat запущен, затем откройте задание в Lifeboat и посмотрите, что случилось с последними запусками.',
  drillAdvice:
    'Не удаляйте резервные копии. Что именно не так, написано в отчёте; запустите в Lifeboat полную проверку хранилища и сразу сделайте новую копию.',
  testBody:
    'Уведомления Lifeboat доходят сюда. Здесь вы будете узнавать о резервном копировании этого задания.',
  footer: (computer) => `Отправлено программой Lifeboat с компьютера ${computer}.`,
};

export const texts: Record<Language, Texts> = { en, ru };
