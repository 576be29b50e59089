/**
 * Native open dialogs for the "Browse…" buttons: the Service's chooseFolder / chooseFile on the desktop.
 * The dialog is modal to the focused Lifeboat window, so it cannot get lost behind it. A cancelled
 * dialog is null; a relative defaultPath (never typed by a real user) is ignored rather than guessed.
 */
import path from 'node:path';
import { BrowserWindow, dialog, type OpenDialogOptions } from 'electron';
import type { FilePickerInput, PickerInput } from '../shared/contract.ts';

async function open(options: OpenDialogOptions): Promise<string | null> {
  const win = BrowserWindow.getFocusedWindow();
  const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  return result.canceled ? null : (result.filePaths[0] ?? null);
}

function common(input: PickerInput): Pick<OpenDialogOptions, 'title' | 'defaultPath'> {
  return {
    ...(input.title ? { title: input.title } : {}),
    ...(input.defaultPath && path.isAbsolute(input.defaultPath) ? { defaultPath: input.defaultPath } : {}),
  };
}

export function chooseFolder(input: PickerInput): Promise<string | null> {
  return open({ ...common(input), properties: ['openDirectory', 'createDirectory'] });
}

export function chooseFile(input: FilePickerInput): Promise<string | null> {
  return open({
    ...common(input),
    properties: ['openFile'],
    ...(input.filters?.length ? { filters: input.filters } : {}),
  });
}
