import { NavLink, Stack } from '@mantine/core';
import { IconArchive, IconLayoutDashboard, IconRestore, IconSettings, type Icon } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { hrefFor, type navRouteIds, type RouteId } from '../router/hash-router.ts';

const items: { route: (typeof navRouteIds)[number]; icon: Icon }[] = [
  { route: 'dashboard', icon: IconLayoutDashboard },
  { route: 'backups', icon: IconArchive },
  { route: 'restore', icon: IconRestore },
  { route: 'settings', icon: IconSettings },
];

/** Real links (`#/…`), so Tab, Enter, middle-click and screen readers all work as expected. */
export function NavLinks({ active, onNavigate }: { active: RouteId; onNavigate?: () => void }) {
  const { t } = useTranslation();
  return (
    <Stack component="nav" aria-label={t('nav.label')} gap={4}>
      {items.map(({ route, icon: ItemIcon }) => (
        <NavLink
          key={route}
          component="a"
          href={hrefFor(route)}
          label={t(`nav.${route}`)}
          leftSection={<ItemIcon size={20} stroke={1.6} aria-hidden />}
          active={route === active}
          aria-current={route === active ? 'page' : undefined}
          onClick={onNavigate}
          fw={500}
          style={{ borderRadius: 'var(--mantine-radius-md)' }}
        />
      ))}
    </Stack>
  );
}
