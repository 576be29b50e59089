import { useSyncExternalStore } from 'react';

/**
 * A hash router is enough: the UI is a handful of screens, and `#/…` works the same on Electron's
 * file:// page and on the headless host without any server-side routes.
 */
export const routeIds = ['dashboard', 'backups', 'restore', 'settings'] as const;
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

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useRoute(): RouteId {
  return useSyncExternalStore(subscribe, () => parseHash(window.location.hash));
}
