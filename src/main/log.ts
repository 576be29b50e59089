/**
 * The Electron host's log: one prefix so host messages stand out in the terminal and in support logs.
 * Kept behind this tiny module so a file logger can replace console later without touching callers.
 */
const prefix = '[lifeboat:main]';

export const log = {
  info: (message: string, ...details: unknown[]): void => console.info(prefix, message, ...details),
  warn: (message: string, ...details: unknown[]): void => console.warn(prefix, message, ...details),
  error: (message: string, ...details: unknown[]): void => console.error(prefix, message, ...details),
};
