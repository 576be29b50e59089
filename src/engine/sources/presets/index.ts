/** All CRM presets, and detection of which one an install folder holds. */
import { espoCrmPreset } from './espocrm.ts';
import { odooPreset } from './odoo.ts';
import type { CrmDetection, CrmPreset } from './preset.ts';
import { suiteCrmPreset } from './suitecrm.ts';
import { twentyPreset } from './twenty.ts';

export type { CrmDetection, CrmId, CrmPreset } from './preset.ts';
export { espoCrmPreset, odooPreset, suiteCrmPreset, twentyPreset };

export const crmPresets: readonly CrmPreset[] = [espoCrmPreset, suiteCrmPreset, odooPreset, twentyPreset];

/** The first preset that recognizes the folder, or undefined. Never throws for unreadable files. */
export async function detectCrm(installDir: string): Promise<CrmDetection | undefined> {
  for (const preset of crmPresets) {
    const found = await preset.detect(installDir).catch(() => undefined);
    if (found) return found;
  }
  return undefined;
}
