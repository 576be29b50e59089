import { localStorageColorSchemeManager, MantineProvider } from '@mantine/core';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import type { LifeboatClient } from './api/client.ts';
import { ClientProvider } from './api/client-context.tsx';
import { AppLayout } from './shell/app-layout.tsx';
import { SettingsSync } from './settings/settings-sync.tsx';
import { cssVariablesResolver, theme } from './theme.ts';

// The Service owns the theme setting; local storage only lets the next start paint in the right scheme.
const colorSchemeManager = localStorageColorSchemeManager({ key: 'lifeboat-color-scheme' });

export function App({ client, queryClient }: { client: LifeboatClient; queryClient: QueryClient }) {
  return (
    <MantineProvider
      theme={theme}
      cssVariablesResolver={cssVariablesResolver}
      colorSchemeManager={colorSchemeManager}
      defaultColorScheme="auto"
    >
      <QueryClientProvider client={queryClient}>
        <ClientProvider client={client}>
          <SettingsSync />
          <AppLayout />
        </ClientProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
