import fs from 'node:fs';
import { nativeImage, type NativeImage } from 'electron';
import { log } from './log.ts';
import type { TrayIconFile } from './tray-icon-files.ts';
import { trayStates, type TrayState } from './tray-state.ts';

/**
 * One image per tray state, with both scale factors, so HiDPI panels get the sharp 32 px bitmap.
 * The bytes are read with fs (which reads inside app.asar) and handed over as buffers: the hashed
 * file names electron-vite gives the assets defeat Electron's own "@2x next to the file" lookup.
 */
export function loadTrayIcons(
  files: Readonly<Record<TrayState, TrayIconFile>>,
): Record<TrayState, NativeImage> {
  const icons = {} as Record<TrayState, NativeImage>;
  for (const state of trayStates) {
    const { x1, x2 } = files[state];
    try {
      const image = nativeImage.createFromBuffer(fs.readFileSync(x1), { scaleFactor: 1 });
      image.addRepresentation({ scaleFactor: 2, buffer: fs.readFileSync(x2) });
      icons[state] = image;
    } catch (err) {
      // A missing icon must not cost the tray (and with it the way back to the window).
      log.warn(`The ${state} tray icon could not be loaded:`, err);
      icons[state] = nativeImage.createEmpty();
    }
  }
  return icons;
}
