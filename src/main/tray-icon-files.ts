/**
 * Where the tray icons are at run time. The `?asset` imports make electron-vite copy each PNG into
 * out/main (so they ship inside app.asar with the bundle, with no extra packaging rule) and give back
 * its path. Kept alone in this module because only the electron-vite build understands `?asset`:
 * tests replace this module with the files under assets/tray.
 */
import errorIcon from '../../assets/tray/tray-error.png?asset';
import errorIcon2x from '../../assets/tray/tray-error@2x.png?asset';
import okIcon from '../../assets/tray/tray-ok.png?asset';
import okIcon2x from '../../assets/tray/tray-ok@2x.png?asset';
import runningIcon from '../../assets/tray/tray-running.png?asset';
import runningIcon2x from '../../assets/tray/tray-running@2x.png?asset';
import warningIcon from '../../assets/tray/tray-warning.png?asset';
import warningIcon2x from '../../assets/tray/tray-warning@2x.png?asset';
import type { TrayState } from './tray-state.ts';

/** 16 px for 100% displays, 32 px for 200% (the @2x file). */
export interface TrayIconFile {
  x1: string;
  x2: string;
}

export const trayIconFiles: Readonly<Record<TrayState, TrayIconFile>> = {
  ok: { x1: okIcon, x2: okIcon2x },
  running: { x1: runningIcon, x2: runningIcon2x },
  warning: { x1: warningIcon, x2: warningIcon2x },
  error: { x1: errorIcon, x2: errorIcon2x },
};
