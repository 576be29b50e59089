import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../../../src/engine/repo/backup/scanner.ts';
import type { ScanEvent, ScanIssue, ScanOptions } from '../../../src/engine/repo/backup/scanner.ts';
import { ExcludeMatcher } from '../../../src/engine/repo/backup/exclude-patterns.ts';
import { parseIdFile } from '../../../src/engine/repo/backup/user-names.ts';

let base: string;

function touch(rel: string, content = 'x') {
  const p = join(base, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, content);
}

/** Events as compact strings relative to base: "+dir", "-dir", "file". */
async function collect(sources: string[], opts: ScanOptions = {}, onEvent?: (e: ScanEvent) => void) {
  const out: string[] = [];
  for await (const e of scan(sources, opts)) {
    onEvent?.(e);
    const rel = e.entry.path.startsWith(base)
      ? e.entry.path.slice(base.length + 1) || '.'
      : `@${e.entry.path}`;
    if (rel.startsWith('@') || rel === '.') continue; // partial parents down to the test folder
    out.push(e.kind === 'entry' ? rel : e.kind === 'dir-start' ? `+${rel}` : `-${rel}`);
  }
  return out;
}

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'lifeboat-scan-'));
  touch('src/b.txt');
  touch('src/B.txt');
  touch('src/a/1.txt');
  touch('src/a.txt');
  touch('src/é.txt');
  touch('src/\u{1F600}.txt'); // U+1F600 sorts after U+FFFD in UTF-8, before it in UTF-16
  touch('src/\uFFFD.txt');
  touch('src/z/node_modules/dep/index.js');
  touch('src/z/keep.tmp');
  touch('src/z/drop.tmp');
  touch('src/z/Cache.DB');
  touch('other/o.txt');
  symlinkSync('a.txt', join(base, 'src/link'));
  symlinkSync(Buffer.from([0x66, 0xff, 0x6f]), Buffer.from(join(base, 'src/rawlink'))); // target not UTF-8
  execFileSync('mkfifo', [join(base, 'src/fifo')]);
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('scanner', () => {
  it('yields entries depth-first in byte-wise name order with dir-start/dir-end', async () => {
    const events = await collect([join(base, 'src')]);
    expect(events).toEqual([
      '+src',
      'src/B.txt',
      '+src/a',
      'src/a/1.txt',
      '-src/a',
      'src/a.txt',
      'src/b.txt',
      'src/fifo',
      'src/link',
      'src/rawlink',
      '+src/z',
      'src/z/Cache.DB',
      'src/z/drop.tmp',
      'src/z/keep.tmp',
      '+src/z/node_modules',
      '+src/z/node_modules/dep',
      'src/z/node_modules/dep/index.js',
      '-src/z/node_modules/dep',
      '-src/z/node_modules',
      '-src/z',
      'src/é.txt',
      'src/\uFFFD.txt',
      'src/\u{1F600}.txt',
      '-src',
    ]);
  });

  it('applies restic-style excludes', async () => {
    const events = await collect([join(base, 'src')], {
      excludes: ['*.tmp', '!keep.tmp', 'node_modules', `${base}/src/a/**`, '/nowhere'],
      iexcludes: ['cache.db'],
    });
    // `${base}/src/a/**` also matches the directory src/a itself, as in restic
    expect(events.filter((e) => e.includes('/z') || e.includes('/a'))).toEqual([
      'src/a.txt',
      '+src/z',
      'src/z/keep.tmp',
      '-src/z',
    ]);
  });

  it('matches patterns like restic filter.Match', () => {
    const m = (pats: string[], path: string) => new ExcludeMatcher(pats).excludes(path);
    expect(m(['*.tmp'], '/home/u/x.tmp')).toBe(true);
    expect(m(['*.tmp'], '/home/u/x.tmpl')).toBe(false);
    expect(m(['node_modules'], '/p/node_modules/a/b.js')).toBe(true);
    expect(m(['node_modules'], '/p/node_modules_old')).toBe(false);
    expect(m(['/abs/path/**'], '/abs/path')).toBe(true);
    expect(m(['/abs/path/**'], '/abs/path/x/y')).toBe(true);
    expect(m(['/abs/path/**'], '/other/abs/path/x')).toBe(false);
    expect(m(['abs/path'], '/other/abs/path/x')).toBe(true);
    expect(m(['/abs'], '/abs/anything')).toBe(true);
    expect(m(['foo/**/bar'], '/x/foo/bar')).toBe(true);
    expect(m(['foo/**/bar'], '/x/foo/a/b/bar')).toBe(true);
    expect(m(['foo/**/bar'], '/x/foo/a/b/baz')).toBe(false);
    expect(m(['[a-c]?.log'], '/v/b1.log')).toBe(true);
    expect(m(['[^a-c]?.log'], '/v/b1.log')).toBe(false);
    expect(m(['\\*.txt'], '/v/*.txt')).toBe(true);
    expect(m(['\\*.txt'], '/v/a.txt')).toBe(false);
    expect(m(['*.log', '!important.log'], '/v/important.log')).toBe(false);
    expect(m(['*.log', '!important.log', 'important*'], '/v/important.log')).toBe(true);
    expect(m(['dir/'], '/x/dir/file')).toBe(true);
    expect(new ExcludeMatcher([], ['*.JPG']).excludes('/p/Photo.jpg')).toBe(true);
    expect(() => new ExcludeMatcher(['[abc'])).toThrow(/not valid/);
  });

  it('records symlink, fifo and file metadata with nanosecond times and names', async () => {
    const entries = new Map<string, ScanEvent['entry']>();
    await collect([join(base, 'src')], {}, (e) => entries.set(e.entry.name, e.entry));
    const link = entries.get('link')!;
    expect(link.type).toBe('symlink');
    expect(link.linkTarget).toBe('a.txt');
    expect(link.linkTargetRaw).toBeUndefined();
    expect(entries.get('rawlink')!.linkTargetRaw).toEqual(Buffer.from([0x66, 0xff, 0x6f]));
    expect(entries.get('fifo')!.type).toBe('fifo');
    const file = entries.get('a.txt')!;
    const st = lstatSync(join(base, 'src/a.txt'), { bigint: true });
    expect(file).toMatchObject({
      type: 'file',
      size: 1,
      mtimeNs: st.mtimeNs,
      ctimeNs: st.ctimeNs,
      inode: st.ino,
      dev: st.dev,
      nlink: 1,
    });
    expect(file.mode & 0o170000).toBe(0o100000);
    if (process.getuid?.() === 0) expect(file).toMatchObject({ uid: 0, user: 'root', group: 'root' });
    expect(entries.get('z')!.type).toBe('dir');
  });

  it('reports vanished entries and unreadable directories without stopping', async () => {
    touch('v/a.txt');
    touch('v/b.txt');
    touch('v/gone/x.txt');
    touch('v/z.txt');
    const issues: ScanIssue[] = [];
    const events = await collect(
      [join(base, 'v'), join(base, 'missing-source')],
      { statConcurrency: 1, onError: (i) => issues.push(i) },
      (e) => {
        if (e.entry.name === 'a.txt') rmSync(join(base, 'v/b.txt')); // vanishes after readdir
        if (e.kind === 'dir-start' && e.entry.name === 'gone')
          rmSync(join(base, 'v/gone'), { recursive: true });
      },
    );
    expect(events).toEqual(['+v', 'v/a.txt', '+v/gone', '-v/gone', 'v/z.txt', '-v']);
    expect(issues.map((i) => [i.path.slice(base.length + 1), i.reason, i.error.code])).toEqual([
      ['missing-source', 'vanished', 'SOURCE_UNREADABLE'],
      ['v/b.txt', 'vanished', 'SOURCE_UNREADABLE'],
      ['v/gone', 'vanished', 'SOURCE_UNREADABLE'],
    ]);
  });

  it('builds one virtual tree for several sources, ignoring nested ones', async () => {
    const events = await collect([
      join(base, 'src/z'),
      join(base, 'other'),
      join(base, 'src/z/node_modules'),
    ]);
    expect(events).toEqual([
      '+other',
      'other/o.txt',
      '-other',
      '+src',
      '+src/z',
      'src/z/Cache.DB',
      'src/z/drop.tmp',
      'src/z/keep.tmp',
      '+src/z/node_modules',
      '+src/z/node_modules/dep',
      'src/z/node_modules/dep/index.js',
      '-src/z/node_modules/dep',
      '-src/z/node_modules',
      '-src/z',
      '-src',
    ]);
  });

  it('parses passwd and group files', () => {
    const m = parseIdFile(
      'root:x:0:0:root:/root:/bin/bash\n# comment\nann:x:1000:1000::/home/ann:/bin/sh\nbad line\n',
    );
    expect([...m]).toEqual([
      [0, 'root'],
      [1000, 'ann'],
    ]);
  });

  it('stops with CANCELLED when aborted', async () => {
    const ac = new AbortController();
    const run = collect([join(base, 'src')], { signal: ac.signal }, () => ac.abort());
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});
