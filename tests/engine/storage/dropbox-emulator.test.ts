/**
 * The emulator is strict where Dropbox is: these requests are what a careless client sends, and
 * Dropbox refuses them (status, plain-text 400 vs JSON 409, error_summary shapes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DropboxEmulator } from '../../emulators/dropbox/server.ts';

let emu: DropboxEmulator;
let token: string;

beforeAll(async () => {
  emu = await DropboxEmulator.start({ listPageSize: 2 });
  token = emu.issueToken().accessToken;
});
afterAll(async () => emu.close());

function rpc(route: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${emu.url}/api/2/${route}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function upload(route: string, arg: unknown, data: Buffer | string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${emu.url}/content/2/${route}`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/octet-stream',
      'Dropbox-API-Arg': JSON.stringify(arg),
      ...headers,
    },
    body: data,
  });
}

async function error409(res: Response): Promise<{ error_summary: string; error: Record<string, unknown> }> {
  expect(res.status).toBe(409);
  expect(res.headers.get('content-type')).toBe('application/json');
  return (await res.json()) as { error_summary: string; error: Record<string, unknown> };
}

describe('Dropbox emulator strictness', () => {
  it('400 plain text for bad requests: Content-Type, "/" as root, paths, JSON, missing arg or auth, wrong host', async () => {
    const cases: [Promise<Response>, RegExp][] = [
      [rpc('files/list_folder', { path: '' }, { 'Content-Type': 'text/plain' }), /Bad HTTP "Content-Type" header: "text\/plain"/],
      [rpc('files/list_folder', { path: '/' }), /Specify the root folder as an empty string rather than as "\/"/],
      [rpc('files/get_metadata', { path: 'no-slash' }), /path: 'no-slash' did not match pattern/],
      [rpc('files/get_metadata', { path: '' }), /The root folder is unsupported/],
      [rpc('files/list_folder', '{not json'), /could not decode input as JSON/],
      [rpc('files/list_folder', { path: '' }, { Authorization: '' }), /Must provide HTTP header "Authorization"/],
      [upload('files/upload', { path: '/a' }, 'x', { 'Content-Type': 'application/json' }), /Expecting one of "application\/octet-stream"/],
      [fetch(`${emu.url}/content/2/files/upload`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' }, body: 'x' }), /Must provide HTTP header "Dropbox-API-Arg"/],
      [upload('files/upload', { path: '/Ünïcode' }, 'x', { 'Dropbox-API-Arg': Buffer.from('{"path":"/Ünïcode"}', 'utf8').toString('latin1') }), /could not decode input as JSON/],
      [fetch(`${emu.url}/api/2/files/upload`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '{}' }), /served by content\.dropboxapi\.com/],
      [rpc('files/list_folder', { path: '', limit: 5000 }), /limit/],
    ];
    for (const [request, message] of cases) {
      const res = await request;
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toMatch(message);
    }
  });

  it('401 JSON for bad tokens: invalid, expired', async () => {
    const bad = await rpc('files/list_folder', { path: '' }, { Authorization: 'Bearer sl.nope' });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ error_summary: 'invalid_access_token/..', error: { '.tag': 'invalid_access_token' } });
    const { accessToken } = emu.issueToken();
    emu.clockOffsetMs = 5 * 3600_000;
    try {
      const res = await rpc('users/get_current_account', null, { Authorization: `Bearer ${accessToken}` });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: unknown }).error).toEqual({ '.tag': 'expired_access_token' });
    } finally {
      emu.clockOffsetMs = 0;
    }
  });

  it('paths are case-insensitive and case-preserving; identical content is no conflict, other content is', async () => {
    const a = await upload('files/upload', { path: '/Shop/Config', mode: 'add', autorename: false }, 'one');
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toBe('application/json');
    const meta = (await a.json()) as Record<string, unknown>;
    expect(meta).toMatchObject({ name: 'Config', path_lower: '/shop/config', path_display: '/Shop/Config', size: 3 });
    expect(meta['.tag']).toBeUndefined();
    expect(meta.rev).toMatch(/^[0-9a-f]{9,}$/);
    expect(meta.id).toMatch(/^id:/);
    expect(meta.server_modified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const same = await upload('files/upload', { path: '/SHOP/config', mode: { '.tag': 'add' } }, 'one');
    expect(((await same.json()) as { rev: string }).rev).toBe(meta.rev);
    const other = await error409(await upload('files/upload', { path: '/shop/CONFIG', mode: 'add' }, 'two'));
    expect(other.error_summary).toBe('path/conflict/file/..');
    expect(other.error).toMatchObject({ '.tag': 'path', reason: { '.tag': 'conflict', conflict: { '.tag': 'file' } } });
    const md = (await (await rpc('files/get_metadata', { path: '/shop/config' })).json()) as Record<string, unknown>;
    expect(md).toMatchObject({ '.tag': 'file', path_display: '/Shop/Config', content_hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('404-like lookups are 409 with Dropbox’s shapes', async () => {
    expect(await error409(await rpc('files/get_metadata', { path: '/missing' }))).toEqual({
      error_summary: 'path/not_found/..',
      error: { '.tag': 'path', path: { '.tag': 'not_found' } },
    });
    expect((await error409(await rpc('files/delete_v2', { path: '/missing' }))).error_summary).toBe('path_lookup/not_found/..');
    expect((await error409(await rpc('files/list_folder/continue', { cursor: 'bogus' }))).error_summary).toBe('reset/..');
  });

  it('upload sessions check offsets (incorrect_offset with correct_offset) and closing', async () => {
    const start = (await (await upload('files/upload_session/start', {}, 'abc')).json()) as { session_id: string };
    const cursor = (offset: number): unknown => ({ cursor: { session_id: start.session_id, offset } });
    const wrong = await error409(await upload('files/upload_session/append_v2', cursor(1), 'def'));
    expect(wrong).toEqual({ error_summary: 'incorrect_offset/..', error: { '.tag': 'incorrect_offset', correct_offset: 3 } });
    const ok = await upload('files/upload_session/append_v2', { ...(cursor(3) as object), close: true }, 'def');
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('null');
    expect((await error409(await upload('files/upload_session/append_v2', cursor(6), 'g'))).error_summary).toBe('closed/..');
    const finishWrong = await error409(
      await upload('files/upload_session/finish', { ...(cursor(2) as object), commit: { path: '/s/file' } }, ''),
    );
    expect(finishWrong.error).toEqual({ '.tag': 'lookup_failed', lookup_failed: { '.tag': 'incorrect_offset', correct_offset: 6 } });
    const hashMismatch = await error409(await upload('files/upload_session/start', { content_hash: '0'.repeat(64) }, 'x'));
    expect(hashMismatch.error_summary).toBe('content_hash_mismatch/..');
    const notClosed = (await (await upload('files/upload_session/start', {}, 'zz')).json()) as { session_id: string };
    const batch = await rpc('files/upload_session/finish_batch_v2', {
      entries: [
        { cursor: { session_id: start.session_id, offset: 6 }, commit: { path: '/s/batched' } },
        { cursor: { session_id: notClosed.session_id, offset: 2 }, commit: { path: '/s/open' } },
      ],
    });
    const result = (await batch.json()) as { entries: Record<string, unknown>[] };
    expect(result.entries[0]).toMatchObject({ '.tag': 'success', path_display: '/s/batched', size: 6 });
    expect(result.entries[1]).toEqual({ '.tag': 'failure', failure: { '.tag': 'lookup_failed', lookup_failed: { '.tag': 'not_closed' } } });
  });

  it('downloads: result in an ASCII-safe Dropbox-API-Result header, Range → 206, past the end → 416', async () => {
    await upload('files/upload', { path: '/dl/Отчёт.txt' }, '0123456789', {
      'Dropbox-API-Arg': JSON.stringify({ path: '/dl/Отчёт.txt' }).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    });
    const get = (range?: string): Promise<Response> =>
      fetch(`${emu.url}/content/2/files/download`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Dropbox-API-Arg': JSON.stringify({ path: '/dl/\\u041e\\u0442\\u0447\\u0451\\u0442.txt' }).replace(/\\\\/g, '\\'),
          ...(range ? { Range: range } : {}),
        },
      });
    const whole = await get();
    expect(whole.status).toBe(200);
    expect(whole.headers.get('dropbox-api-result')).toMatch(/^[\x20-\x7e]+$/);
    expect(JSON.parse(whole.headers.get('dropbox-api-result')!)).toMatchObject({ name: 'Отчёт.txt', size: 10 });
    const part = await get('bytes=2-5');
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 2-5/10');
    expect(await part.text()).toBe('2345');
    expect((await get('bytes=20-30')).status).toBe(416);
  });

  it('list_folder pages with a cursor, then reports later changes (including deletions)', async () => {
    for (const n of ['a', 'b', 'c', 'd', 'e']) await upload('files/upload', { path: `/list/${n}` }, n);
    let page = (await (await rpc('files/list_folder', { path: '/LIST' })).json()) as { entries: { name: string }[]; cursor: string; has_more: boolean };
    const names = page.entries.map((e) => e.name);
    while (page.has_more) {
      page = (await (await rpc('files/list_folder/continue', { cursor: page.cursor })).json()) as typeof page;
      names.push(...page.entries.map((e) => e.name));
    }
    expect(names).toEqual(['a', 'b', 'c', 'd', 'e']);
    await rpc('files/delete_v2', { path: '/list/b' });
    const changes = (await (await rpc('files/list_folder/continue', { cursor: page.cursor })).json()) as { entries: Record<string, unknown>[] };
    expect(changes.entries).toEqual([{ '.tag': 'deleted', name: 'b', path_lower: '/list/b', path_display: '/list/b' }]);
  });

  it('space usage and the current account', async () => {
    const usage = (await (await rpc('users/get_space_usage', 'null')).json()) as { used: number; allocation: { allocated: number } };
    expect(usage.used).toBe(emu.store.usedBytes());
    expect(usage.allocation.allocated).toBe(emu.store.quotaBytes);
    const noBody = await fetch(`${emu.url}/api/2/users/get_current_account`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    expect(((await noBody.json()) as { account_id: string }).account_id).toBe(emu.oauth.account.accountId);
  });
});
