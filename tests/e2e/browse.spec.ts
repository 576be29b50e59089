import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { addJob, goToHash, openApp, runJob, shot, tempDir, useHost, useLanguage } from './fixtures.ts';

/**
 * "Browse…" next to path fields. The browser UI of the headless host has no native dialog, so there are
 * no buttons; the desktop app has one. The desktop is played here by rewriting the page's WebSocket:
 * getAppInfo answers that pickers exist, and chooseFolder / chooseFile answer with a chosen path
 * (src/main/dialogs.ts itself is unit-tested in tests/main/dialogs.test.ts).
 */
type Strings = Record<string, Record<string, unknown>>;
const common = (lang: 'en' | 'ru') =>
  (JSON.parse(readFileSync(`src/renderer/i18n/${lang}.json`, 'utf8')) as Strings).common as Record<
    string,
    string
  >;
const wizard = (lang: 'en' | 'ru') =>
  JSON.parse(readFileSync(`src/renderer/i18n/${lang}/wizard.json`, 'utf8')) as Strings;
const browseFor = (lang: 'en' | 'ru', what: string) => common(lang).browseFor!.replace('{{what}}', what);

interface PickerCall {
  op: 'chooseFolder' | 'chooseFile';
  input?: { title?: string; defaultPath?: string; filters?: { name: string; extensions: string[] }[] };
}

/** Makes the page's host look like the desktop app; returns the picker calls the page made. */
async function desktopPickers(page: Page, picked: { folder: string; file: string }): Promise<PickerCall[]> {
  const calls: PickerCall[] = [];
  await page.routeWebSocket(/\/api\/ws$/, (ws) => {
    const server = ws.connectToServer();
    const appInfoIds = new Set<number>();
    ws.onMessage((message) => {
      const m = JSON.parse(String(message)) as { id: number; op: string; input?: PickerCall['input'] };
      if (m.op === 'chooseFolder' || m.op === 'chooseFile') {
        calls.push({ op: m.op, ...(m.input ? { input: m.input } : {}) });
        const value = { path: m.op === 'chooseFolder' ? picked.folder : picked.file };
        ws.send(JSON.stringify({ id: m.id, result: { ok: true, value } }));
        return;
      }
      if (m.op === 'getAppInfo') appInfoIds.add(m.id);
      server.send(message);
    });
    server.onMessage((message) => {
      const m = JSON.parse(String(message)) as { id?: number; result?: { ok: boolean; value?: object } };
      if (m.id !== undefined && appInfoIds.has(m.id) && m.result?.ok) {
        m.result.value = { ...m.result.value, canChooseFolder: true, canChooseFile: true };
        ws.send(JSON.stringify(m));
        return;
      }
      ws.send(message);
    });
  });
  return calls;
}

test.describe('the wizard and the connect page', () => {
  const host = useHost({ per: 'test' });

  test('the browser UI shows no Browse buttons: there is no dialog to open', async ({ page }) => {
    await openApp(page, host, '#/setup');
    await page.getByRole('button', { name: String(wizard('en').begin) }).click();
    await page.getByRole('button', { name: String(wizard('en').sources!.addFolder), exact: true }).click();
    await expect(page.getByRole('textbox', { name: 'Folder 1' })).toBeVisible();
    await expect(page.getByRole('button', { name: common('en').browse })).toHaveCount(0);
  });

  for (const lang of ['en', 'ru'] as const) {
    test(`Browse fills the source and destination fields (${lang})`, async ({ page }) => {
      const dir = tempDir('lb-e2e-browse-');
      const folder = path.join(dir, 'CRM uploads');
      const file = path.join(dir, 'crm.db');
      mkdirSync(folder);
      writeFileSync(file, '');
      const calls = await desktopPickers(page, { folder, file });
      const w = wizard(lang);
      const s = w.sources as Record<string, string>;
      await openApp(page, host);
      await useLanguage(page, host, lang);
      await goToHash(page, '#/setup');
      await page.getByRole('button', { name: String(w.begin) }).click();

      await page.getByRole('button', { name: s.addFolder!, exact: true }).click();
      const folderLabel = s.folderLabel!.replace('{{n}}', '1');
      await page.getByRole('button', { name: browseFor(lang, folderLabel) }).click();
      await expect(page.getByRole('textbox', { name: folderLabel })).toHaveValue(folder);

      await page.getByRole('button', { name: s.addSqlite!, exact: true }).click();
      await page.getByRole('button', { name: browseFor(lang, s.sqliteLabel!) }).click();
      await expect(page.getByRole('textbox', { name: s.sqliteLabel! })).toHaveValue(file);
      await shot(page, `browse-wizard-sources-${lang}`);

      expect(calls).toEqual([
        { op: 'chooseFolder', input: { title: folderLabel } },
        {
          op: 'chooseFile',
          input: {
            title: s.sqliteLabel,
            filters: [
              { name: s.sqliteFilter, extensions: ['db', 'sqlite', 'sqlite3', 'db3'] },
              { name: common(lang).allFiles, extensions: ['*'] },
            ],
          },
        },
      ]);

      await goToHash(page, '#/connect');
      const pathLabel = (w.destination as Record<string, string>).pathLabel!;
      await page.getByRole('button', { name: browseFor(lang, pathLabel) }).click();
      await expect(page.getByRole('textbox', { name: pathLabel })).toHaveValue(folder);
      await shot(page, `browse-connect-${lang}`);
    });
  }
});

test.describe('the restore target', () => {
  const host = useHost({
    timeout: 60_000,
    prepare: async (home) => {
      const source = tempDir('lb-e2e-browse-src-');
      writeFileSync(path.join(source, 'notes.txt'), 'Notes\n');
      await addJob(home, {
        name: 'CRM',
        source,
        repo: tempDir('lb-e2e-browse-repo-'),
        options: ['--manual'],
      });
      await runJob(home, 'CRM');
    },
  });

  test('suggests a folder in the home folder, and Browse replaces it', async ({ page }) => {
    const chosen = tempDir('lb-e2e-browse-out-');
    const calls = await desktopPickers(page, { folder: chosen, file: '' });
    await openApp(page, host, '#/restore');
    await page.getByRole('listbox', { name: 'Versions' }).getByRole('option').first().click();
    const field = page.getByRole('textbox', { name: 'Folder', exact: true });
    await expect(field).toHaveValue(
      new RegExp(`^${os.homedir().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/Lifeboat restore `),
    );
    await page.getByRole('button', { name: browseFor('en', 'Folder') }).click();
    await expect(field).toHaveValue(chosen);
    expect(calls).toEqual([{ op: 'chooseFolder', input: { title: 'Folder', defaultPath: os.homedir() } }]);
    await field.scrollIntoViewIfNeeded();
    await shot(page, 'browse-restore-target-en');
  });
});
