import { AppShell, Burger, Container, Group, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useEffect, useRef, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { BackupsPage } from '../pages/backups-page.tsx';
import { DashboardPage } from '../pages/dashboard-page.tsx';
import { RestorePage } from '../pages/restore-page.tsx';
import { SettingsPage } from '../pages/settings-page.tsx';
import { ConnectPage } from '../wizard/connect-page.tsx';
import { SetupPage } from '../wizard/setup-page.tsx';
import { useRoute, type RouteId } from '../router/hash-router.ts';
import { ConnectionBanner } from './connection-banner.tsx';
import { Logo } from './logo.tsx';
import { NavLinks } from './nav-links.tsx';
import { VersionNote } from './version-note.tsx';

const pages: Record<RouteId, ComponentType> = {
  dashboard: DashboardPage,
  backups: BackupsPage,
  restore: RestorePage,
  settings: SettingsPage,
  setup: SetupPage,
  connect: ConnectPage,
};

export function AppLayout() {
  const { t } = useTranslation();
  const route = useRoute();
  const [navOpened, nav] = useDisclosure(false);
  const Page = pages[route];
  useRouteFocus(route);

  useEffect(() => {
    document.title = `${t(`nav.${route}`)} · ${t('app.name')}`;
  }, [route, t]);

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 232, breakpoint: 'sm', collapsed: { mobile: !navOpened } }}
      padding="lg"
    >
      <AppShell.Header>
        <Group h="100%" px="md" gap="sm">
          <Burger
            opened={navOpened}
            onClick={nav.toggle}
            hiddenFrom="sm"
            size="sm"
            aria-label={t('nav.toggle')}
            aria-expanded={navOpened}
          />
          <Logo size={30} />
          <Text fw={700} size="lg">
            {t('app.name')}
          </Text>
          <Text c="dimmed" size="sm" visibleFrom="xs">
            {t('app.tagline')}
          </Text>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm">
        <AppShell.Section grow>
          <NavLinks active={route} onNavigate={nav.close} />
        </AppShell.Section>
        <AppShell.Section>
          <VersionNote />
        </AppShell.Section>
      </AppShell.Navbar>

      <AppShell.Main>
        <Container size="md" px={0}>
          <ConnectionBanner />
          <Page />
        </Container>
      </AppShell.Main>
    </AppShell>
  );
}

/** After the user navigates (not on first load), move focus to the new page's heading. */
function useRouteFocus(route: RouteId): void {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    document.getElementById('page-title')?.focus();
  }, [route]);
}
