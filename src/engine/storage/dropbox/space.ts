/**
 * Free and total space from Dropbox's users/get_space_usage. An individual account has its own
 * allocation; a team member shares the team's, possibly with a per-member limit on top
 * (user_within_team_space_allocated, 0 = none; limit type `off` = not enforced).
 */
import type { users } from 'dropbox';
import type { SpaceInfo } from '../backend.ts';

export function spaceFromUsage(usage: users.SpaceUsage): SpaceInfo | undefined {
  const a = usage.allocation;
  if (a['.tag'] === 'individual') return { free: Math.max(0, a.allocated - usage.used), total: a.allocated };
  if (a['.tag'] !== 'team') return undefined;
  const team = { free: Math.max(0, a.allocated - a.used), total: a.allocated };
  const limited =
    a.user_within_team_space_allocated > 0 && a.user_within_team_space_limit_type['.tag'] !== 'off';
  if (!limited) return team;
  const own = Math.max(0, a.user_within_team_space_allocated - a.user_within_team_space_used_cached);
  return { free: Math.min(own, team.free), total: a.user_within_team_space_allocated };
}
