import { useSyncExternalStore } from 'react';

/**
 * A hash router is enough: the UI is a handful of screens, and `#/…` works the same on Electron's
 * file:// page and on the headless host without any server-side routes.
 */
export const routeIds = ['dashboard', 'backups', 'restore', 'settings', 'setup', 'connect'] as const;
/** The routes in the side navigation; `setup` (the wizard) and `connect` (new computer) are reached from the dashboard. */
export const navRouteIds = ['dashboard', 'backups', 'restore', 'settings'] as const;
export type RouteId = (typeof routeIds)[number];

export const defaultRoute: RouteId = 'dashboard';

/** `#/backups/...` → `backups`; anything unknown lands on the dashboard. */
export function parseHash(hash: string): RouteId {
  const first = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return (routeIds as readonly string[]).includes(first) ? (first as RouteId) : defaultRoute;
}

export function hrefFor(route: RouteId): string {
  return `#/${route}`;
}

/** The query part of the hash: `#/restore?repo=…&snapshot=…` → { repo, snapshot }. */
export function parseHashParams(hash: string): URLSearchParams {
  const query = hash.indexOf('?');
  return new URLSearchParams(query === -1 ? '' : hash.slice(query + 1));
}

/** A link to a route with parameters (`hrefWith('restore', { snapshot: id })`). */
export function hrefWith(route: RouteId, params: Record<string, string | undefined>): string {
  const defined = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined);
  const query = new URLSearchParams(defined).toString();
  return query ? `#/${route}?${query}` : `#/${route}`;
}

/** The current hash's parameters, re-read on every hash change. */
export function useHashParams(): URLSearchParams {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseHashParams(hash);
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useRoute(): RouteId {
  return useSyncExternalStore(subscribe, () => parseHash(window.location.hash));
}
