import { describe, expect, it } from 'vitest';
import { buildJob } from '../../../src/engine/jobs/job-draft.ts';
import type { JobDraft } from '../../../src/shared/jobs.ts';

const repositoryId = 'a'.repeat(64);
const now = new Date('2026-11-29T04:00:00Z');
const draft: JobDraft = {
  id: 'crm',
  name: 'CRM',
  sources: [{ kind: 'folder', path: '/srv/crm', excludes: [] }],
  destination: { location: { kind: 'local', path: '/mnt/nas' }, repositoryId },
  schedule: { kind: 'daily', at: '19:00' },
};

describe('editing a job keeps what the draft leaves out', () => {
  const paused = { ...buildJob(draft, undefined, { repositoryId }, now), enabled: false };

  it('a draft without `enabled` keeps a pause made elsewhere (not the default)', () => {
    const edited = buildJob({ ...draft, name: 'CRM renamed' }, paused, { repositoryId }, now);
    expect(edited).toMatchObject({ name: 'CRM renamed', enabled: false });
  });

  it('a draft with `enabled` changes it', () => {
    expect(buildJob({ ...draft, enabled: true }, paused, { repositoryId }, now).enabled).toBe(true);
  });

  it('a new job without `enabled` is on', () => {
    expect(buildJob(draft, undefined, { repositoryId }, now).enabled).toBe(true);
  });
});
