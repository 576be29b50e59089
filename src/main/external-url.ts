const allowedProtocols = new Set(['https:', 'http:', 'mailto:']);

/**
 * The URL to hand to the OS, or null when it must not leave the app: only web pages and mail links,
 * parsed (never matched by prefix), without embedded credentials. file:, javascript:, custom app
 * schemes and anything unparsable are refused (security checklist item 15). No electron import, so
 * tests and other hosts can use it as is.
 */
export function checkExternalUrl(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length > 4096) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (!allowedProtocols.has(url.protocol)) return null;
  if (url.protocol === 'mailto:') return url.pathname.length > 0 ? url.href : null;
  if (!url.hostname || url.username || url.password) return null;
  return url.href;
}
