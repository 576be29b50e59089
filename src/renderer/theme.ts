import { createTheme } from '@mantine/core';

/** Mantine's default look with a calm teal; shade 8 keeps white text on filled buttons readable. */
export const theme = createTheme({
  primaryColor: 'teal',
  primaryShade: { light: 8, dark: 8 },
  defaultRadius: 'md',
  cursorType: 'pointer',
  headings: { fontWeight: '650' },
});
