/**
 * The plain words of a restore report's problems, in the user's language (the report is shown as is;
 * the technical reason stays in the logs and the CLI).
 */
import type { Settings } from '../../shared/contract.ts';

type Language = Settings['language'];

const texts = {
  en: {
    damaged: 'The backup copy of this file is damaged, so it could not be restored.',
    missing: 'Part of this file is missing from the backup storage, so it could not be restored.',
    exists: 'A file with this name was already there and was left alone.',
    permission: 'Lifeboat may not write here.',
    other: 'This file could not be restored.',
    skipped: 'Special files (devices, pipes) are not restored.',
    mismatch: 'The restored file differs from the backup when read back from the disk.',
    short: 'The restored file is shorter than in the backup.',
    long: 'The restored file is longer than in the backup.',
    unreadable: 'The restored file could not be read back from the disk to check it.',
  },
  ru: {
    damaged: 'Резервная копия этого файла повреждена, восстановить его не удалось.',
    missing: 'В хранилище не хватает части этого файла, восстановить его не удалось.',
    exists: 'Файл с таким именем уже был на месте и остался нетронутым.',
    permission: 'У Lifeboat нет права записывать сюда.',
    other: 'Этот файл не удалось восстановить.',
    skipped: 'Особые файлы (устройства, каналы) не восстанавливаются.',
    mismatch: 'Восстановленный файл, прочитанный с диска, отличается от резервной копии.',
    short: 'Восстановленный файл короче, чем в резервной копии.',
    long: 'Восстановленный файл длиннее, чем в резервной копии.',
    unreadable: 'Восстановленный файл не удалось прочитать с диска для проверки.',
  },
} as const;

export type ProblemKind = keyof (typeof texts)['en'];

export function problemText(language: Language, kind: ProblemKind): string {
  return texts[language][kind];
}

/** The kind of problem behind an error code the restore reported for one file. */
export function kindOfRestoreError(code: string, message: string): ProblemKind {
  if (code === 'REPO_CORRUPT') return /missing/i.test(message) ? 'missing' : 'damaged';
  if (code === 'PERMISSION_DENIED') return 'permission';
  if (code === 'REPO_EXISTS' || /exists/i.test(message)) return 'exists';
  return 'other';
}
