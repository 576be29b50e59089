import { Center, Loader } from '@mantine/core';
import { lazy, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { DashboardPage } from '../pages/dashboard-page.tsx';
import type { RouteId } from '../router/hash-router.ts';

/**
 * The screen for each route. The dashboard, the first thing people see, is in the main bundle; the
 * others are fetched the first time they are opened, so the app starts with a smaller download.
 */
export const pages: Record<RouteId, ComponentType> = {
  dashboard: DashboardPage,
  backups: lazy(() => import('../pages/backups-page.tsx').then((m) => ({ default: m.BackupsPage }))),
  restore: lazy(() => import('../pages/restore-page.tsx').then((m) => ({ default: m.RestorePage }))),
  settings: lazy(() => import('../pages/settings-page.tsx').then((m) => ({ default: m.SettingsPage }))),
  setup: lazy(() => import('../wizard/setup-page.tsx').then((m) => ({ default: m.SetupPage }))),
  connect: lazy(() => import('../wizard/connect-page.tsx').then((m) => ({ default: m.ConnectPage }))),
};

/** While a screen's code arrives (a blink, locally): a small spinner, announced politely. */
export function PageLoading() {
  const { t } = useTranslation();
  return (
    <Center py="xl">
      <Loader size="sm" type="dots" role="status" aria-label={t('common.loading')} />
    </Center>
  );
}
