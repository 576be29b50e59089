/** The desktop's native pickers (src/main/dialogs.ts) and how the Service offers them, or not. */
import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../mocks/electron.ts'));

import { BrowserWindow, dialog, resetElectronMock } from '../mocks/electron.ts';
import { chooseFile, chooseFolder } from '../../src/main/dialogs.ts';
import { MemorySecretStore } from '../../src/engine/secrets/secret-store.ts';
import { Service, type ServiceOptions } from '../../src/engine/service.ts';
import { MemorySettingsStore } from '../../src/engine/settings/settings-store.ts';

beforeEach(() => {
  resetElectronMock();
});

function service(extra: Partial<ServiceOptions> = {}): Service {
  return new Service({
    host: 'desktop',
    dataDir: '/tmp/lifeboat-dialogs-test',
    settings: new MemorySettingsStore(),
    secrets: async () => new MemorySecretStore(),
    notifications: { enabled: false },
    ...extra,
  });
}

describe('native pickers', () => {
  it('opens a folder dialog on the focused window and returns the chosen folder', async () => {
    const win = new BrowserWindow();
    BrowserWindow.focused = win;
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/home/anna/CRM'] });
    await expect(chooseFolder({ title: 'Folder to back up', defaultPath: '/home/anna' })).resolves.toBe(
      '/home/anna/CRM',
    );
    expect(dialog.showOpenDialog).toHaveBeenCalledWith(win, {
      title: 'Folder to back up',
      defaultPath: '/home/anna',
      properties: ['openDirectory', 'createDirectory'],
    });
  });

  it('returns null when cancelled, and opens without a parent when no window has focus', async () => {
    await expect(chooseFolder({})).resolves.toBeNull();
    expect(dialog.showOpenDialog).toHaveBeenCalledWith({ properties: ['openDirectory', 'createDirectory'] });
  });

  it('ignores a relative defaultPath', async () => {
    await chooseFolder({ defaultPath: '../etc' });
    expect(dialog.showOpenDialog).toHaveBeenCalledWith({ properties: ['openDirectory', 'createDirectory'] });
  });

  it('opens a file dialog with filters', async () => {
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/srv/app/crm.db'] });
    const filters = [{ name: 'SQLite', extensions: ['db', 'sqlite'] }];
    await expect(chooseFile({ filters })).resolves.toBe('/srv/app/crm.db');
    expect(dialog.showOpenDialog).toHaveBeenCalledWith({ properties: ['openFile'], filters });
  });

  it('the Service says whether pickers exist, and refuses them where they do not', async () => {
    const desktop = service({ chooseFolder, chooseFile });
    expect(await desktop.getAppInfo()).toMatchObject({ canChooseFolder: true, canChooseFile: true });
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/mnt/nas'] });
    await expect(desktop.chooseFolder(undefined)).resolves.toEqual({ path: '/mnt/nas' });
    await expect(desktop.chooseFile({})).resolves.toEqual({ path: null });

    const headless = service();
    expect(await headless.getAppInfo()).toMatchObject({ canChooseFolder: false, canChooseFile: false });
    await expect(headless.chooseFolder({})).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    await expect(headless.chooseFile({})).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    expect(dialog.showOpenDialog).toHaveBeenCalledTimes(2);
  });
});
