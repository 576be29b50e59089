import { Box, useMantineTheme } from '@mantine/core';

/**
 * A tiny line of how much each recent run added, oldest on the left: a sudden jump (a big import, a
 * folder of videos) stands out without reading numbers. Decorative: the numbers are said beside it.
 */
export function Sparkline({ values, label }: { values: number[]; label: string }) {
  const theme = useMantineTheme();
  const width = 120;
  const height = 32;
  if (values.length < 2) return null;
  const max = Math.max(...values, 1);
  const step = width / (values.length - 1);
  const points = values.map((v, i) => [i * step, height - 2 - (v / max) * (height - 4)] as const);
  const line = points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  const color = theme.colors.teal[6];
  return (
    <Box
      component="svg"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={label}
      style={{ display: 'block' }}
    >
      <polygon points={`0,${height} ${line} ${width},${height}`} fill={color} fillOpacity={0.15} />
      <polyline points={line} fill="none" stroke={color} strokeWidth={1.5} strokeLinejoin="round" />
    </Box>
  );
}
