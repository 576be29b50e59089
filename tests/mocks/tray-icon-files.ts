/**
 * The tray icon files for tests: src/main/tray-icon-files.ts imports them with electron-vite's
 * `?asset`, which only its build resolves, so tests mock that module with these real paths.
 */
import path from 'node:path';
import type { TrayIconFile } from '../../src/main/tray-icon-files.ts';
import { trayStates, type TrayState } from '../../src/main/tray-state.ts';

const dir = path.resolve(import.meta.dirname, '../../assets/tray');

export const trayIconFilesForTests = Object.fromEntries(
  trayStates.map((state) => [
    state,
    { x1: path.join(dir, `tray-${state}.png`), x2: path.join(dir, `tray-${state}@2x.png`) },
  ]),
) as Record<TrayState, TrayIconFile>;
