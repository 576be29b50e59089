import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { expect, test, type Page } from '@playwright/test';
import { addJob, openApp, runJob, shot, tempDir, useHost, useLanguage } from './fixtures.ts';

/**
 * A SQLite database backed up by a job made with the CLI (`job add --source sqlite:…`), restored from
 * the restore screen straight into a new database file: the form is prefilled, the report counts the
 * tables and rows, the file passes SQLite's integrity check and holds the backed-up rows; restoring
 * over an existing file needs a confirmation that names it.
 */
let source: string;
let targets: string;
const contacts = 400;
const deals = 60;

test.describe.configure({ mode: 'serial' });

const host = useHost({
  timeout: 120_000,
  prepare: async (home) => {
    source = tempDir('lb-e2e-sqlite-');
    targets = tempDir('lb-e2e-sqlite-out-');
    const db = new DatabaseSync(path.join(source, 'crm.db'));
    db.exec(`CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
      CREATE TABLE deals (id INTEGER PRIMARY KEY, contact INTEGER REFERENCES contacts(id), amount REAL);`);
    const addContact = db.prepare('INSERT INTO contacts (name) VALUES (?)');
    for (let i = 1; i <= contacts; i++) addContact.run(`Клиент ${i}`);
    const addDeal = db.prepare('INSERT INTO deals (contact, amount) VALUES (?, ?)');
    for (let i = 1; i <= deals; i++) addDeal.run(i, i * 100.5);
    db.close();
    await addJob(home, {
      name: 'CRM',
      source: `sqlite:${path.join(source, 'crm.db')}`,
      repo: tempDir('lb-e2e-sqlite-repo-'),
    });
    await runJob(home, 'CRM');
  },
});

/** Opens the restore screen on the newest version and ticks the SQLite copy. */
async function pickCopy(page: Page) {
  await openApp(page, host, '#/restore');
  await page
    .getByRole('listbox', { name: /Versions|Версии/ })
    .getByRole('option')
    .first()
    .click();
  await page.getByRole('button', { name: 'sqlite', exact: true }).click();
  await page.getByRole('checkbox', { name: /crm\.db/ }).check();
}

function facts(file: string): { integrity: string; contacts: number; deals: number } {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const one = (sql: string) => Object.values(db.prepare(sql).get() as Record<string, unknown>)[0];
    return {
      integrity: String(one('PRAGMA integrity_check')),
      contacts: Number(one('SELECT count(*) FROM contacts')),
      deals: Number(one('SELECT count(*) FROM deals')),
    };
  } finally {
    db.close();
  }
}

test('a SQLite copy goes into a new file from the restore screen, checked and counted', async ({ page }) => {
  await pickCopy(page);
  await expect(page.getByRole('radio', { name: 'Restore into a database' })).toBeChecked();
  const file = page.getByRole('textbox', { name: 'New database file' });
  // Prefilled: a new file next to the original (the job says where that is).
  await expect(file).toHaveValue(new RegExp(`^${source}/crm\\.restored-\\d{8}_\\d{6}\\.db$`));
  const target = path.join(targets, 'crm-restored.db');
  await file.fill(target);
  await page.getByRole('heading', { name: '3. Choose where to restore' }).scrollIntoViewIfNeeded();
  await shot(page, 'restore-database-form-en');
  await page.getByRole('button', { name: 'Restore into the file' }).click();

  await expect(page.getByText('Database restored')).toBeVisible();
  await expect(page.getByText(`The copy was restored into the new file ${target}.`)).toBeVisible();
  await expect(page.getByText('SQLite integrity check: no problems found')).toBeVisible();
  await expect(page.getByText(String(contacts + deals), { exact: true })).toBeVisible();
  await shot(page, 'restore-database-en');
  expect(facts(target)).toEqual({ integrity: 'ok', contacts, deals });

  // The same file again: refused until the user confirms replacing it by its name.
  await page.getByRole('button', { name: 'Restore something else' }).click();
  await page.getByRole('checkbox', { name: /crm\.db/ }).check();
  await page.getByRole('textbox', { name: 'New database file' }).fill(target);
  await page.getByRole('button', { name: 'Restore into the file' }).click();
  await expect(page.getByText(`“${target}” already exists`)).toBeVisible();
  await page.getByRole('button', { name: `Replace “${target}”…` }).click();
  const dialog = page.getByRole('dialog', { name: `Replace “${target}”?` });
  const replace = dialog.getByRole('button', { name: `Replace “${target}”` });
  await expect(replace).toBeDisabled();
  await dialog.getByRole('checkbox', { name: new RegExp('current contents') }).check();
  await replace.click();
  await expect(page.getByText('Database replaced')).toBeVisible();
  expect(facts(target)).toEqual({ integrity: 'ok', contacts, deals });
});

test('ticking the folder that holds the only copy offers the same', async ({ page }) => {
  await openApp(page, host, '#/restore');
  await page.getByRole('listbox', { name: 'Versions' }).getByRole('option').first().click();
  await page.getByRole('checkbox', { name: /sqlite/ }).check();
  await expect(page.getByRole('radio', { name: 'Restore into a database' })).toBeChecked();
  await expect(page.getByRole('textbox', { name: 'New database file' })).toHaveValue(/crm\.restored-.*\.db$/);
  await page.getByText('Restore as a file', { exact: true }).click(); // the radio itself is visually hidden
  await expect(page.getByRole('textbox', { name: 'New database file' })).toBeHidden();
});

test('the same in Russian', async ({ page }) => {
  await openApp(page, host);
  await useLanguage(page, host, 'ru');
  await pickCopy(page);
  const target = path.join(targets, 'копия.db');
  await page.getByRole('textbox', { name: 'Новый файл базы данных' }).fill(target);
  await shot(page, 'restore-database-form-ru');
  await page.getByRole('button', { name: 'Восстановить в файл' }).click();
  await expect(page.getByText('База данных восстановлена')).toBeVisible();
  await shot(page, 'restore-database-ru');
  expect(facts(target)).toEqual({ integrity: 'ok', contacts, deals });
});
