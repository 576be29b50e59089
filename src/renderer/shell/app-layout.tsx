import { AppShell, Burger, Container, Group, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Suspense, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useRoute, type RouteId } from '../router/hash-router.ts';
import { ConnectionBanner } from './connection-banner.tsx';
import { Logo } from './logo.tsx';
import { NavLinks } from './nav-links.tsx';
import { pages, PageLoading } from './pages.tsx';
import { VersionNote } from './version-note.tsx';

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
          {/* Keyed: a screen not loaded yet shows the spinner at once, not the previous screen. */}
          <Suspense key={route} fallback={<PageLoading />}>
            <Page />
          </Suspense>
        </Container>
      </AppShell.Main>
    </AppShell>
  );
}

/**
 * After the user navigates (not on first load), move focus to the new page's heading. A screen opened
 * for the first time shows its heading only once its code arrived, so this waits for it (a few seconds
 * at most).
 */
function useRouteFocus(route: RouteId): void {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const giveUpAt = performance.now() + 3000;
    let frame = 0;
    const focusHeading = () => {
      const heading = document.getElementById('page-title');
      if (heading) heading.focus();
      else if (performance.now() < giveUpAt) frame = requestAnimationFrame(focusHeading);
    };
    focusHeading();
    return () => cancelAnimationFrame(frame);
  }, [route]);
}
