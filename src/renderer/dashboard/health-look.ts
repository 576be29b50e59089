import type { MantineColor } from '@mantine/core';
import type { HealthLevel, Severity } from './job-health.ts';

/** One colour per level, used by the badge and the card's edge, so the state reads at a glance. */
export const levelColor: Record<HealthLevel, MantineColor> = {
  protected: 'teal',
  warning: 'yellow',
  failing: 'red',
  new: 'gray',
};

export const severityColor: Record<Severity, MantineColor> = {
  danger: 'red',
  warning: 'yellow',
  info: 'blue',
};
