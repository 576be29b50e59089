/**
 * What an error code means, in Russian, for notifications. Engine errors carry an English message
 * and hint (for logs and the CLI); a Russian email needs Russian words, and the engine may not
 * import the renderer's translations (layering), so the short texts live here too. The English
 * message is still shown as the detail, since it names the file or the server.
 */
import type { ErrorCode } from '../../../shared/errors.ts';

interface ErrorText {
  message: string;
  hint: string;
}

// Partial: codes added to the contract later fall back to the English message until written here.
const ru: Partial<Record<ErrorCode, ErrorText>> = {
  INVALID_ARGUMENT: {
    message: 'В настройках задания есть ошибка.',
    hint: 'Откройте задание в Lifeboat и проверьте его настройки.',
  },
  UNKNOWN_OPERATION: {
    message: 'Запущенная версия Lifeboat не умеет выполнять это действие.',
    hint: 'Перезапустите Lifeboat.',
  },
  NOT_FOUND: {
    message: 'Нужный файл или объект не найден.',
    hint: 'Возможно, его удалили или переименовали.',
  },
  WRONG_PASSWORD: {
    message: 'Пароль хранилища не подошёл.',
    hint: 'Проверьте пароль хранилища в настройках задания.',
  },
  REPO_NOT_FOUND: {
    message: 'В указанном месте нет хранилища резервных копий.',
    hint: 'Проверьте папку или облачный аккаунт. Если хранилище переносили, укажите Lifeboat его новое место.',
  },
  REPO_EXISTS: {
    message: 'В указанном месте уже есть хранилище резервных копий.',
    hint: 'Подключитесь к этому хранилищу с его паролем или выберите пустую папку.',
  },
  REPO_CORRUPT: {
    message: 'Хранилище резервных копий повреждено.',
    hint: 'Ничего не удаляйте. Запустите проверку хранилища в Lifeboat и обратитесь в поддержку.',
  },
  REPO_LOCKED: {
    message: 'Хранилище резервных копий занято другой операцией.',
    hint: 'Lifeboat попробует снова при следующем запуске. Если это повторяется, проверьте, не зависла ли другая копия.',
  },
  UNSAFE_PATH: {
    message: 'Lifeboat не стал записывать файлы за пределами выбранной папки.',
    hint: 'В копии есть подозрительный путь к файлу. Обратитесь в поддержку.',
  },
  SOURCE_UNREADABLE: {
    message: 'Lifeboat не смог прочитать данные, которые нужно скопировать.',
    hint: 'Проверьте, что CRM или её база данных запущены, а папка никуда не делась.',
  },
  DISK_FULL: {
    message: 'Недостаточно свободного места.',
    hint: 'Освободите место на диске или в облачном хранилище.',
  },
  PERMISSION_DENIED: {
    message: 'У Lifeboat нет прав на это действие.',
    hint: 'Проверьте права доступа к папке или аккаунту.',
  },
  CANCELLED: {
    message: 'Копирование было остановлено.',
    hint: 'Его можно запустить снова в любой момент.',
  },
  BUSY: {
    message: 'Это задание уже выполняется.',
    hint: 'Дождитесь окончания текущего копирования.',
  },
  NETWORK: {
    message: 'Не удалось связаться с сервером.',
    hint: 'Проверьте подключение к интернету. Lifeboat повторит попытку сам.',
  },
  AUTH_REQUIRED: {
    message: 'Нужно заново войти в аккаунт.',
    hint: 'Доступ к облачному аккаунту или CRM истёк либо был отозван. Откройте Lifeboat и войдите заново.',
  },
  QUOTA_EXCEEDED: {
    message: 'Исчерпан лимит сервиса.',
    hint: 'Облачный сервис или CRM ограничивает число запросов или объём хранилища. Проверьте свой тариф.',
  },
  UNSUPPORTED: {
    message: 'Это пока не поддерживается.',
    hint: 'Обновите Lifeboat до последней версии.',
  },
  KEYCHAIN_UNAVAILABLE: {
    message: 'На этом компьютере недоступно хранилище паролей.',
    hint: 'Войдите в систему на этом компьютере, чтобы хранилище паролей стало доступно.',
  },
  KEYCHAIN_LOCKED: {
    message: 'Хранилище паролей заблокировано.',
    hint: 'Разблокируйте его (обычно паролем входа в систему).',
  },
  SECRETS_FILE_DAMAGED: {
    message: 'Зашифрованный файл с секретами повреждён.',
    hint: 'Восстановите файл с секретами из копии или заново введите пароли.',
  },
  DB_UNREACHABLE: {
    message: 'Lifeboat не смог подключиться к серверу базы данных.',
    hint: 'Проверьте, что сервер базы данных запущен, а также имя хоста и порт.',
  },
  DB_AUTH_FAILED: {
    message: 'Сервер базы данных не принял имя пользователя или пароль.',
    hint: 'Проверьте имя пользователя и пароль базы данных. Они есть в файле настроек CRM.',
  },
  DB_NOT_FOUND: {
    message: 'Базы данных с таким именем на сервере нет.',
    hint: 'Проверьте имя базы данных. Оно указано в файле настроек CRM.',
  },
  DB_EXISTS: {
    message: 'База данных с таким именем уже существует.',
    hint: 'Восстановите копию в новую базу данных.',
  },
  DUMP_TOOL_MISSING: {
    message: 'На этом компьютере не установлена программа для копирования базы данных.',
    hint: 'Установите клиентские программы вашей СУБД (pg_dump или mysqldump) или укажите Lifeboat папку с ними.',
  },
  DUMP_TOOL_INCOMPATIBLE: {
    message: 'Установленная программа для копирования базы данных слишком стара для этого сервера.',
    hint: 'Установите клиентские программы той же версии, что и сервер базы данных, или новее.',
  },
  DUMP_FAILED: {
    message: 'Не удалось скопировать базу данных.',
    hint: 'Пользователю базы данных нужно право читать все таблицы. Подробности — в журнале задания.',
  },
  RESTORE_FAILED: {
    message: 'Не удалось восстановить базу данных.',
    hint: 'Подробности — в журнале задания.',
  },
  INTERNAL: {
    message: 'Внутри Lifeboat что-то пошло не так.',
    hint: 'Попробуйте ещё раз. Если ошибка повторится, отправьте в поддержку журнал задания.',
  },
};

/** The Russian message and hint for a code, or undefined for codes without one. */
export function russianErrorText(code: string): ErrorText | undefined {
  return Object.hasOwn(ru, code) ? ru[code as ErrorCode] : undefined;
}
