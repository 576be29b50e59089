import '@mantine/core/styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from './api/create-client.ts';
import { createQueryClient } from './api/queries.ts';
import { App } from './app.tsx';
import { guessLanguage, initI18n } from './i18n/index.ts';
import { rememberedLanguage } from './i18n/language-memory.ts';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

initI18n(rememberedLanguage() ?? guessLanguage(navigator.languages));

try {
  const client = createClient();
  createRoot(root).render(
    <StrictMode>
      <App client={client} queryClient={createQueryClient()} />
    </StrictMode>,
  );
} catch (err) {
  // Without a transport nothing can work; say so plainly rather than show an empty window.
  root.textContent = err instanceof Error ? err.message : String(err);
}
