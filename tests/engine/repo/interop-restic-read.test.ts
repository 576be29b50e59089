/** Interoperability with the real restic binary: we read, restore, check, list and diff what restic wrote. */
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRepository } from '../../../src/engine/repo/check.ts';
import { diffSnapshots } from '../../../src/engine/repo/diff.ts';
import { listSnapshot } from '../../../src/engine/repo/ls.ts';
import { Repository } from '../../../src/engine/repo/repository.ts';
import { restoreSnapshot } from '../../../src/engine/repo/restore.ts';
import { LocalBackend } from '../../../src/engine/storage/local-backend.ts';
import { hasRestic, resticOk } from '../../helpers/restic.ts';
import { expectSameManifest, makeSourceTree, manifest } from './fs-fixtures.ts';

const password = 'correct horse battery staple';
let work: string;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(tmpdir(), 'lifeboat-interop-'));
});
afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

describe.skipIf(!hasRestic)('restic → Lifeboat', () => {
  let repoDir: string;
  let src: string;

  beforeAll(async () => {
    repoDir = path.join(work, 'restic-repo');
    src = path.join(work, 'src');
    await makeSourceTree(src);
    await resticOk(repoDir, ['init', '--repository-version', '2'], { password });
    await resticOk(repoDir, ['backup', src, '--host', 'office-pc', '--tag', 'crm'], { password });
    // Second snapshot with changes, for diff.
    await fs.appendFile(path.join(src, 'crm/contacts.csv'), 'new;row\n');
    await fs.writeFile(path.join(src, 'added.txt'), 'new file\n');
    await fs.rm(path.join(src, 'crm/private.key'));
    await resticOk(repoDir, ['backup', src, '--host', 'office-pc'], { password });
  });

  it('opens the repository, lists snapshots, restores byte for byte, checks clean', async () => {
    const repo = await Repository.open(new LocalBackend(repoDir), password);
    expect(repo.config.version).toBe(2);
    const snaps = await repo.listSnapshots();
    expect(snaps).toHaveLength(2);
    expect(snaps[0]).toMatchObject({ hostname: 'office-pc', tags: ['crm'], paths: [src] });

    // Latest snapshot against the live source; the first one against restic's own restore of it.
    const target = path.join(work, 'restored-from-restic');
    const result = await restoreSnapshot(repo, snaps[1]?.id ?? '', { target });
    expect(result.errors).toEqual([]);
    expect(result.symlinks).toBe(2);
    expectSameManifest(await manifest(path.join(target, src)), await manifest(src));
    const ours = path.join(work, 'ours-first');
    const theirs = path.join(work, 'theirs-first');
    await restoreSnapshot(repo, snaps[0]?.id.slice(0, 8) ?? '', { target: ours });
    await resticOk(repoDir, ['restore', snaps[0]?.id ?? '', '--target', theirs], { password });
    const first = await manifest(path.join(ours, src));
    expect(first['crm/private.key']).toMatchObject({ mode: 0o600 });
    expectSameManifest(first, await manifest(path.join(theirs, src)));

    const report = await checkRepository(repo, { readData: true });
    expect(report.errors).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.counts.snapshots).toBe(2);
    expect(report.counts.packsRead).toBe(report.counts.packs);
  });

  it('lists like `restic ls` and diffs like `restic diff`', async () => {
    const repo = await Repository.open(new LocalBackend(repoDir), password);
    const snaps = await repo.listSnapshots();
    const [a, b] = [snaps[0]?.id ?? '', snaps[1]?.id ?? ''];
    const ours: string[] = [];
    for await (const e of listSnapshot(repo, b)) ours.push(e.path);
    const theirs = (await resticOk(repoDir, ['ls', '--json', b], { password }))
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { struct_type?: string; path?: string })
      .filter((j) => j.struct_type === 'node')
      .map((j) => j.path ?? '');
    expect(ours.sort()).toEqual(theirs.sort());

    const diff: string[] = [];
    for await (const d of diffSnapshots(repo, a, b))
      diff.push(`${d.kind === 'added' ? '+' : d.kind === 'removed' ? '-' : 'M'} ${d.path}`);
    const resticDiff = (await resticOk(repoDir, ['diff', a, b], { password }))
      .split('\n')
      .map((l) => /^([+\-MTU?]+)\s+(\/.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .filter((m) => !(m[2] ?? '').endsWith('/')) // restic lists changed folders with a trailing slash
      .map((m) => `${m[1] === '+' ? '+' : m[1] === '-' ? '-' : 'M'} ${m[2]}`);
    expect(diff.filter((d) => !d.startsWith('M ') || !isAncestorDir(d, src)).sort()).toEqual(
      resticDiff.sort(),
    );
  });
});

/** The folders above the source only change their mtime; restic does not list those as modified. */
function isAncestorDir(line: string, src: string): boolean {
  const p = line.slice(2);
  return src === p || src.startsWith(p + '/');
}
