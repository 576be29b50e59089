/**
 * The emulator is only worth something if it is strict: it answers like Drive where a client can
 * go wrong (tokens, field masks, q syntax, page sizes, multipart bodies, ranges, scopes), with
 * Google's error envelope. Raw HTTP here, so the checks do not depend on our client.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../emulators/gdrive/fixtures.ts';
import type { DriveEmulator } from '../../emulators/gdrive/fixtures.ts';
import { folderMime } from '../../emulators/gdrive/store.ts';

const fileScope = 'https://www.googleapis.com/auth/drive.file';
let emu: DriveEmulator;
let token: string;

interface GoogleError {
  error: {
    code: number;
    message: string;
    errors: { domain: string; reason: string; message: string; location?: string }[];
  };
}

beforeAll(async () => {
  emu = await startEmulator();
  token = emu.oauth.issueAccessToken(emu.clientId, [fileScope]);
});
afterAll(() => emu.close());

const api = (path: string, init: RequestInit = {}, bearer: string | null = token) =>
  fetch(new URL(path, emu.url), {
    ...init,
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(init.headers as Record<string, string>),
    },
  });

async function expectError(
  res: Response,
  status: number,
  reason: string,
  location?: string,
): Promise<GoogleError> {
  expect(res.status).toBe(status);
  const body = (await res.json()) as GoogleError;
  expect(body.error.code).toBe(status);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.errors[0]!.reason).toBe(reason);
  if (location) expect(body.error.errors[0]!.location).toBe(location);
  return body;
}

describe('the Drive emulator is strict', () => {
  it('checks bearer tokens: missing, unknown, expired, revoked, worn out', async () => {
    await expectError(await api('drive/v3/files', {}, null), 401, 'required', 'Authorization');
    const bad = await api('drive/v3/files', {}, 'ya29.nope');
    expect(bad.headers.get('www-authenticate')).toContain('invalid_token');
    await expectError(bad, 401, 'authError', 'Authorization');
    const short = emu.oauth.issueAccessToken(emu.clientId, [fileScope]);
    emu.oauth.accessTokens.get(short)!.expiresAt = Date.now() - 1;
    await expectError(await api('drive/v3/files', {}, short), 401, 'authError');
    const rt = emu.oauth.issueRefreshToken();
    const tokenRes = await fetch(new URL('token', emu.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: rt,
        client_id: emu.clientId,
        client_secret: emu.clientSecret,
      }),
    });
    const { access_token: at } = (await tokenRes.json()) as { access_token: string };
    expect((await api('drive/v3/files?fields=files(id)', {}, at)).status).toBe(200);
    emu.oauth.revoke(rt);
    await expectError(await api('drive/v3/files', {}, at), 401, 'authError');
    const noDrive = emu.oauth.issueAccessToken(emu.clientId, ['openid']);
    await expectError(await api('drive/v3/files', {}, noDrive), 403, 'insufficientPermissions');
  });

  it('applies field masks and rejects unknown fields with 400 like Drive', async () => {
    const folder = emu.putFile('root', 'masks', Buffer.from('hello'), 'text/plain');
    const res = await api(`drive/v3/files/${folder.id}?fields=id,size,md5Checksum,parents`);
    const file = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(file).sort()).toEqual(['id', 'md5Checksum', 'parents', 'size']);
    expect(file.size).toBe('5'); // int64 as a string
    const defaults = (await (await api(`drive/v3/files/${folder.id}`)).json()) as Record<string, unknown>;
    expect(Object.keys(defaults).sort()).toEqual(['id', 'kind', 'mimeType', 'name']);
    await expectError(
      await api(`drive/v3/files/${folder.id}?fields=id,bogus`),
      400,
      'invalidParameter',
      'fields',
    );
    await expectError(await api('drive/v3/files?fields=files(id,nope)'), 400, 'invalidParameter', 'fields');
    await expectError(await api('drive/v3/files?fields=files(id'), 400, 'invalidParameter', 'fields');
    const list = (await (
      await api("drive/v3/files?q=name%20%3D%20'masks'&fields=files(id,name)")
    ).json()) as Record<string, unknown>;
    expect(list).toEqual({ files: [{ id: folder.id, name: 'masks' }] });
    await expectError(await api('drive/v3/about'), 400, 'required', 'fields');
    const about = (await (await api('drive/v3/about?fields=user(emailAddress)')).json()) as Record<
      string,
      unknown
    >;
    expect(about).toEqual({ user: { emailAddress: 'owner@example.com' } });
  });

  it('parses q: in parents, name, mimeType, trashed, and/or/not, escapes; rejects the rest', async () => {
    const dir = emu.store.create({
      name: "it's a \\ dir",
      mimeType: folderMime,
      parent: 'root',
      appId: emu.clientId,
    });
    emu.putFile(dir.id, 'a', Buffer.from('1'));
    emu.putFile(dir.id, 'a', Buffer.from('2')); // a duplicate name: allowed
    emu.putFile(dir.id, 'b', Buffer.from('3'));
    const q = async (query: string) => {
      const res = await api(`drive/v3/files?fields=files(name)&q=${encodeURIComponent(query)}`);
      if (res.status !== 200) return res.status;
      return ((await res.json()) as { files: { name: string }[] }).files.map((f) => f.name).sort();
    };
    expect(await q(`'${dir.id}' in parents and trashed = false`)).toEqual(['a', 'a', 'b']);
    expect(await q(`'${dir.id}' in parents and name = 'a'`)).toEqual(['a', 'a']);
    expect(await q(`'${dir.id}' in parents and not name = 'a'`)).toEqual(['b']);
    expect(
      await q(`('${dir.id}' in parents or 'nothing' in parents) and (name = 'b' or name = 'zz')`),
    ).toEqual(['b']);
    expect(await q(`name = 'it\\'s a \\\\ dir' and mimeType = '${folderMime}'`)).toEqual(["it's a \\ dir"]);
    expect(await q(`'${dir.id}' in parents and mimeType != '${folderMime}'`)).toEqual(['a', 'a', 'b']);
    for (const bad of [
      "name = 'a",
      "name == 'a'",
      'size > 3',
      "'x' in owners",
      "name = 'a' and",
      'trashed = maybe',
      'name',
    ]) {
      expect(await q(bad)).toBe(400);
    }
  });

  it('pages: pageSize 1..1000, opaque tokens bound to the query', async () => {
    const dir = emu.store.create({
      name: 'paging',
      mimeType: folderMime,
      parent: 'root',
      appId: emu.clientId,
    });
    for (let i = 0; i < 5; i++) emu.putFile(dir.id, `f${i}`, Buffer.from([i]));
    const qs = `q=${encodeURIComponent(`'${dir.id}' in parents`)}&fields=nextPageToken,files(name)`;
    const first = (await (await api(`drive/v3/files?${qs}&pageSize=2`)).json()) as {
      nextPageToken: string;
      files: unknown[];
    };
    expect(first.files).toHaveLength(2);
    expect(first.nextPageToken).toBeTruthy();
    const names: string[] = [];
    let pageToken: string | undefined = '';
    while (pageToken !== undefined) {
      const page = (await (
        await api(`drive/v3/files?${qs}&pageSize=2${pageToken ? `&pageToken=${pageToken}` : ''}`)
      ).json()) as {
        nextPageToken?: string;
        files: { name: string }[];
      };
      names.push(...page.files.map((f) => f.name));
      pageToken = page.nextPageToken;
    }
    expect(names).toEqual(['f0', 'f1', 'f2', 'f3', 'f4']);
    await expectError(await api(`drive/v3/files?${qs}&pageSize=0`), 400, 'invalid', 'pageSize');
    await expectError(await api(`drive/v3/files?${qs}&pageSize=1001`), 400, 'invalid', 'pageSize');
    await expectError(
      await api(`drive/v3/files?q=name%3D'x'&pageToken=${first.nextPageToken}`),
      400,
      'invalid',
      'pageToken',
    );
    await expectError(await api(`drive/v3/files?orderBy=size`), 400, 'invalid', 'orderBy');
  });

  it('parses multipart/related exactly and refuses malformed bodies', async () => {
    const send = (body: string | Buffer, type = 'multipart/related; boundary=XyZ') =>
      api('upload/drive/v3/files?uploadType=multipart&fields=id,name,size,md5Checksum', {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      });
    const good =
      '--XyZ\r\ncontent-type: application/json\r\n\r\n{"name":"m.bin"}\r\n--XyZ\r\ncontent-type: application/octet-stream\r\n\r\nDATA\r\n--XyZ--';
    const created = (await (await send(good)).json()) as { name: string; size: string; md5Checksum: string };
    expect(created).toMatchObject({
      name: 'm.bin',
      size: '4',
      md5Checksum: createHash('md5').update('DATA').digest('hex'),
    });
    expect((await send(`${good}\r\n`)).status).toBe(200); // a trailing CRLF is fine
    await expectError(await send(good.replace('--XyZ--', '--XyZ')), 400, 'badContent'); // no close delimiter
    await expectError(await send(good.replace('application/json', 'text/plain')), 400, 'badContent');
    await expectError(await send(good, 'multipart/form-data; boundary=XyZ'), 400, 'badContent');
    await expectError(await send(good, 'multipart/related'), 400, 'badContent');
    await expectError(
      await send(good.replace('{"name":"m.bin"}', '{"name":"m.bin","size":"9"}')),
      403,
      'fieldNotWritable',
    );
    await expectError(
      await send(good.replace('{"name":"m.bin"}', '{"name":"x","parents":["root","root"]}')),
      403,
      'cannotAddParent',
    );
    await expectError(
      await send(good.replace('{"name":"m.bin"}', '{"name":"x","parents":["nope"]}')),
      404,
      'notFound',
    );
    await expectError(await api('upload/drive/v3/files', { method: 'POST', body: 'x' }), 400, 'required');
  });

  it('serves ranges with 206, refuses impossible ones with 416, deletes with 204', async () => {
    const f = emu.putFile('root', 'ranged', Buffer.from('0123456789'));
    const get = (range?: string) =>
      api(`drive/v3/files/${f.id}?alt=media`, range ? { headers: { range } } : {});
    const part = await get('bytes=2-5');
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 2-5/10');
    expect(await part.text()).toBe('2345');
    expect(await (await get('bytes=7-')).text()).toBe('789');
    expect(await (await get('bytes=-2')).text()).toBe('89');
    expect((await get('bytes=10-12')).status).toBe(416);
    expect((await get()).status).toBe(200);
    const folder = emu.store.create({
      name: 'nodl',
      mimeType: folderMime,
      parent: 'root',
      appId: emu.clientId,
    });
    await expectError(await api(`drive/v3/files/${folder.id}?alt=media`), 403, 'fileNotDownloadable');
    const del = await api(`drive/v3/files/${f.id}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect(await del.text()).toBe('');
    await expectError(await api(`drive/v3/files/${f.id}`, { method: 'DELETE' }), 404, 'notFound', 'fileId');
  });

  it('drive.file: a token sees only what its own app created', async () => {
    const mine = emu.putFile('root', 'mine', Buffer.from('m'));
    const theirs = emu.store.create({
      name: 'theirs',
      mimeType: 'text/plain',
      parent: 'root',
      appId: 'other-app',
      content: Buffer.from('t'),
    });
    expect((await api(`drive/v3/files/${mine.id}`)).status).toBe(200);
    await expectError(await api(`drive/v3/files/${theirs.id}`), 404, 'notFound');
    const names = (
      (await (
        await api(`drive/v3/files?fields=files(name)&q=${encodeURIComponent("'root' in parents")}`)
      ).json()) as {
        files: { name: string }[];
      }
    ).files.map((x) => x.name);
    expect(names).toContain('mine');
    expect(names).not.toContain('theirs');
    const full = emu.oauth.issueAccessToken(emu.clientId, ['https://www.googleapis.com/auth/drive']);
    expect((await api(`drive/v3/files/${theirs.id}`, {}, full)).status).toBe(200);
  });

  it('uses the upload path only for uploads: resumable on /drive/v3/files gives no Location', async () => {
    const res = await api('drive/v3/files?uploadType=resumable', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":"wrong-path"}',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
  });
});
