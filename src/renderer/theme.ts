import {
  createTheme,
  darken,
  luminance,
  type CSSVariablesResolver,
  type MantineColorsTuple,
} from '@mantine/core';

/**
 * Mantine's default look with a calm teal, tuned so every text meets WCAG AA contrast (4.5:1; checked by
 * tests/e2e/accessibility.spec.ts): shade 9 keeps white text on filled buttons and badges readable.
 */
export const theme = createTheme({
  primaryColor: 'teal',
  primaryShade: { light: 9, dark: 9 },
  defaultRadius: 'md',
  cursorType: 'pointer',
  headings: { fontWeight: '650' },
});

const aa = 4.6; // 4.5 with a little room for rounding and anti-aliasing

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** `color` darkened just enough to read on `background` (Mantine's light variants are a bit too pale). */
function readableOn(color: string, background: string): string {
  let amount = 0;
  while (amount < 0.6 && contrast(darken(color, amount), background) < aa) amount += 0.05;
  return amount === 0 ? color : darken(color, amount);
}

/**
 * Mantine's defaults fall short of AA in a few places; fixed here once for every component:
 * - `dimmed` text (descriptions, hints, table headers, DataList labels): gray 6 is 3.3:1 on white, and
 *   dark 2 is 4:1 on the dark background; slightly darker/lighter greys read at about 5:1;
 * - light variants (the active menu link, light buttons and badges, alert titles): the text colour is
 *   darkened as much as each colour needs to read on its pale background;
 * - filled hover: Mantine goes *lighter* from shade 9 to 8; a touch darker keeps white text readable.
 */
export const cssVariablesResolver: CSSVariablesResolver = (resolved) => {
  const light: Record<string, string> = { '--mantine-color-dimmed': '#626a72' };
  const dark: Record<string, string> = { '--mantine-color-dimmed': '#a6a6a6' };
  for (const [name, shades] of Object.entries(resolved.colors) as [string, MantineColorsTuple][]) {
    light[`--mantine-color-${name}-light-color`] = readableOn(shades[9], shades[1]);
    light[`--mantine-color-${name}-filled-hover`] = darken(shades[9], 0.12);
    dark[`--mantine-color-${name}-filled-hover`] = darken(shades[9], 0.12);
  }
  return { variables: {}, light, dark };
};
