import { shell } from 'electron';
import { checkExternalUrl } from './external-url.ts';
import { log } from './log.ts';

export { checkExternalUrl };

/** Opens a link in the user's browser or mail client if checkExternalUrl allows it; logs refusals. */
export async function openExternal(raw: unknown): Promise<boolean> {
  const url = checkExternalUrl(raw);
  if (!url) {
    log.warn('Refused to open an external link:', String(raw).slice(0, 200));
    return false;
  }
  try {
    await shell.openExternal(url);
    return true;
  } catch (err) {
    log.warn('The system could not open a link:', url, err);
    return false;
  }
}
