import { describe, expect, it } from 'vitest';
import { hrefFor, parseHash, routeIds } from '../../src/renderer/router/hash-router.ts';

describe('parseHash', () => {
  it('reads the first path segment and falls back to the dashboard', () => {
    expect(parseHash('#/settings')).toBe('settings');
    expect(parseHash('#/backups/abc123')).toBe('backups');
    expect(parseHash('#restore')).toBe('restore');
    expect(parseHash('#/restore?snapshot=1')).toBe('restore');
    expect(parseHash('')).toBe('dashboard');
    expect(parseHash('#/nope')).toBe('dashboard');
  });

  it('round-trips every route through hrefFor', () => {
    for (const id of routeIds) expect(parseHash(hrefFor(id))).toBe(id);
  });
});
