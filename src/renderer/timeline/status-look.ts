import type { VersionStatus } from './versions.ts';

/** Mantine colour (and shade) per status: the same on the axis, in the list and in the legend. */
export const statusColor: Record<VersionStatus, string> = {
  ok: 'teal',
  warning: 'yellow',
  failed: 'red',
  unknown: 'gray',
};

export function statusVar(status: VersionStatus): string {
  return `var(--mantine-color-${statusColor[status]}-${status === 'unknown' ? 5 : 6})`;
}
