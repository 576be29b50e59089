import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathComponents } from '../../../src/engine/repo/backup/path-components.ts';
import { buildSourceTree } from '../../../src/engine/repo/backup/scanner.ts';

const names = (p: string, api = path.posix) => pathComponents(p, api).map((c) => c.name);

describe('source paths as snapshot tree names (restic layout)', () => {
  it('POSIX: the folders from the root', () => {
    expect(pathComponents('/srv/crm/files', path.posix)).toEqual([
      { name: 'srv', path: '/srv' },
      { name: 'crm', path: '/srv/crm' },
      { name: 'files', path: '/srv/crm/files' },
    ]);
    expect(names('/')).toEqual([]);
  });

  it('Windows: the drive first, without its colon; a network share by its whole name', () => {
    expect(pathComponents('C:\\CRM\\files', path.win32)).toEqual([
      { name: 'C', path: 'C:\\' },
      { name: 'CRM', path: 'C:\\CRM' },
      { name: 'files', path: 'C:\\CRM\\files' },
    ]);
    expect(names('d:\\', path.win32)).toEqual(['D']);
    expect(pathComponents('\\\\nas\\crm\\files', path.win32)).toEqual([
      { name: '\\\\nas\\crm', path: '\\\\nas\\crm\\' },
      { name: 'files', path: '\\\\nas\\crm\\files' },
    ]);
  });

  it('Windows: sources on two drives stay apart in one snapshot, a folder inside another is covered', () => {
    const root = buildSourceTree(['D:\\CRM', 'C:\\Users\\Anna\\Documents', 'C:\\Users\\Anna'], path.win32);
    expect([...root.children.keys()]).toEqual(['D', 'C']);
    const c = root.children.get('C')!;
    expect(c).toMatchObject({ path: 'C:\\', isSource: false });
    const anna = c.children.get('Users')!.children.get('Anna')!;
    expect(anna).toMatchObject({ path: 'C:\\Users\\Anna', isSource: true });
    expect(anna.children.size).toBe(0);
    expect(root.children.get('D')!.children.get('CRM')).toMatchObject({ path: 'D:\\CRM', isSource: true });
  });

  it('POSIX: backing up the root makes the root the source', () => {
    const root = buildSourceTree(['/srv', '/'], path.posix);
    expect(root).toMatchObject({ path: '/', isSource: true });
    expect(root.children.size).toBe(0);
  });
});
