/** list_folder (+continue with cursors and change tracking), get_metadata, download (Range), delete_v2, create_folder_v2. */
import { randomBytes } from 'node:crypto';
import { path as pathArg, optBool, str } from './args.ts';
import type { Ctx } from './state.ts';
import { lower } from './store.ts';
import type { Reply } from './wire.ts';
import { badRequest, headerSafeJson, json, listPathPattern, readPathPattern, ReplyError, routeError, writePathPattern } from './wire.ts';

const notFound = (outer = 'path'): ReplyError => routeError({ '.tag': outer, [outer]: { '.tag': 'not_found' } });

export function listFolder(ctx: Ctx): Reply {
  const folder = pathArg(ctx, listPathPattern);
  if (folder === '/') throw badRequest(ctx.route, 'request body: path: Specify the root folder as an empty string rather than as "/".');
  const recursive = optBool(ctx, 'recursive');
  const includeDeleted = optBool(ctx, 'include_deleted');
  const limit = ctx.args.limit === undefined ? 2000 : Number(ctx.args.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 2000) {
    throw badRequest(ctx.route, `request body: limit: ${String(ctx.args.limit)} is not within range [1, 2000]`);
  }
  if (folder.endsWith('/')) throw routeError({ '.tag': 'path', path: { '.tag': 'malformed_path' } });
  const { store } = ctx.state;
  if (folder !== '') {
    const node = store.get(folder);
    if (!node) throw notFound();
    if (node.kind !== 'folder') throw routeError({ '.tag': 'path', path: { '.tag': 'not_folder' } });
  }
  const entries = store.children(folder === '' ? '' : store.get(folder)!.pathDisplay, recursive).map((n) => store.metadata(n));
  const id = randomBytes(24).toString('base64url');
  ctx.state.cursors.set(id, {
    folder: lower(folder),
    recursive,
    pending: entries,
    seq: store.seq,
    limit: Math.min(limit, ctx.state.listPageSize),
  });
  void includeDeleted;
  return page(ctx, id);
}

export function listFolderContinue(ctx: Ctx): Reply {
  const id = str(ctx, 'cursor');
  if (!ctx.state.cursors.has(id)) throw routeError({ '.tag': 'reset' });
  return page(ctx, id);
}

function page(ctx: Ctx, id: string): Reply {
  const cursor = ctx.state.cursors.get(id)!;
  const { store } = ctx.state;
  if (cursor.pending.length === 0) {
    // Changes since the cursor was made: the latest state of each changed path below the folder.
    const prefix = cursor.folder === '' ? '/' : `${cursor.folder}/`;
    const latest = new Map<string, Record<string, unknown>>();
    for (const c of store.changes) {
      if (c.seq <= cursor.seq || !c.lower.startsWith(prefix)) continue;
      if (!cursor.recursive && c.lower.slice(prefix.length).includes('/')) continue;
      latest.set(
        c.lower,
        'deleted' in c.node
          ? { '.tag': 'deleted', name: c.node.deleted.slice(c.node.deleted.lastIndexOf('/') + 1), path_lower: c.lower, path_display: c.node.deleted }
          : store.metadata(c.node),
      );
    }
    cursor.pending = [...latest.values()];
    cursor.seq = store.seq;
  }
  const entries = cursor.pending.splice(0, cursor.limit);
  return json({ entries, cursor: id, has_more: cursor.pending.length > 0 });
}

export function getMetadata(ctx: Ctx): Reply {
  if (ctx.args.path === '') throw badRequest(ctx.route, 'request body: path: The root folder is unsupported.');
  const p = pathArg(ctx, readPathPattern);
  const node = ctx.state.store.get(p);
  if (!node) {
    const gone = ctx.state.store.deleted.get(lower(p));
    if (gone && optBool(ctx, 'include_deleted')) {
      return json({ '.tag': 'deleted', name: gone.slice(gone.lastIndexOf('/') + 1), path_lower: lower(gone), path_display: gone });
    }
    throw notFound();
  }
  return json(ctx.state.store.metadata(node));
}

export function download(ctx: Ctx): Reply {
  const p = pathArg(ctx, readPathPattern);
  const node = ctx.state.store.get(p);
  if (!node) throw notFound();
  if (node.kind !== 'file') throw routeError({ '.tag': 'path', path: { '.tag': 'not_file' } });
  const size = node.data.byteLength;
  const headers: Record<string, string> = {
    'Content-Type': 'application/octet-stream',
    'Dropbox-API-Result': headerSafeJson(ctx.state.store.fileMetadata(node)),
    'Accept-Ranges': 'bytes',
  };
  if (!ctx.range) return { status: 200, headers, body: node.data };
  const m = /^bytes=(\d*)-(\d*)$/.exec(ctx.range.trim());
  if (!m || (m[1] === '' && m[2] === '')) return { status: 200, headers, body: node.data }; // unparseable: ignored, like HTTP says
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || end < start) {
    return { status: 416, headers: { 'Content-Type': 'text/plain', 'Content-Range': `bytes */${size}` }, body: '' };
  }
  headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
  return { status: 206, headers, body: node.data.subarray(start, end + 1) };
}

export function deleteV2(ctx: Ctx): Reply {
  const p = pathArg(ctx, writePathPattern);
  if (p === '/' || p === '') throw routeError({ '.tag': 'path_lookup', path_lookup: { '.tag': 'malformed_path' } });
  const { store } = ctx.state;
  const node = store.get(p);
  if (!node) throw notFound('path_lookup');
  const parentRev = ctx.args.parent_rev;
  if (typeof parentRev === 'string' && (node.kind !== 'file' || node.rev !== parentRev)) {
    throw routeError({ '.tag': 'path_write', path_write: { '.tag': 'conflict', conflict: { '.tag': 'file' } } });
  }
  const meta = store.metadata(node);
  store.delete(p);
  return json({ metadata: meta });
}

export function createFolderV2(ctx: Ctx): Reply {
  const p = pathArg(ctx, writePathPattern);
  if (p === '/' || p === '') throw routeError({ '.tag': 'path', path: { '.tag': 'malformed_path' } });
  const node = ctx.state.store.createFolder(p, optBool(ctx, 'autorename'));
  return json({ metadata: ctx.state.store.folderMetadata(node) });
}
