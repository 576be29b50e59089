/**
 * files/upload and upload sessions: start, append_v2 (offset checks → incorrect_offset with
 * correct_offset), finish, finish_batch_v2 (every session closed first), with per-call content_hash
 * checks and the 150 MiB payload limit.
 */
import { randomBytes } from 'node:crypto';
import { obj, optBool, path as pathArg, str, uint } from './args.ts';
import type { Ctx, Session } from './state.ts';
import type { FileNode, WriteMode } from './store.ts';
import type { Reply } from './wire.ts';
import { badRequest, contentHash, json, routeError, unionTag, writePathPattern } from './wire.ts';

/** A WriteError for one file of a batch (returned as a failure entry, not thrown as a reply). */
class WriteFailure extends Error {
  readonly failure: Record<string, unknown>;
  constructor(failure: Record<string, unknown>) {
    super('write failure');
    this.failure = failure;
  }
}

function checkPayload(ctx: Ctx): void {
  if (ctx.body.byteLength > ctx.state.maxPayloadBytes) throw routeError({ '.tag': 'payload_too_large' });
}

function checkHash(ctx: Ctx, data: Buffer, wrap: (e: Record<string, unknown>) => Error = routeError): void {
  const expected = ctx.args.content_hash;
  if (expected === undefined) return;
  if (typeof expected !== 'string' || !/^[0-9a-f]{64}$/.test(expected)) {
    throw badRequest(ctx.route, `request body: content_hash: '${String(expected)}' did not match pattern '[0-9a-f]{64}'`);
  }
  ctx.state.stats.contentHashesChecked++;
  if (contentHash(data) !== expected) throw wrap({ '.tag': 'content_hash_mismatch' });
}

function writeMode(ctx: Ctx, commit: Record<string, unknown>, prefix: string): WriteMode {
  const mode = commit.mode;
  if (mode === undefined) return { tag: 'add' };
  const tag = unionTag(mode);
  if (tag === 'add' || tag === 'overwrite') return { tag };
  if (tag === 'update' && typeof mode === 'object' && mode !== null) {
    const rev = (mode as Record<string, unknown>).update;
    if (typeof rev === 'string' && /^[0-9a-f]{9,}$/.test(rev)) return { tag: 'update', rev };
  }
  throw badRequest(ctx.route, `request body: ${prefix}mode: unknown or malformed tag ${JSON.stringify(mode)}`);
}

function clientModified(ctx: Ctx, commit: Record<string, unknown>, prefix: string): number | undefined {
  const v = commit.client_modified;
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(v)) {
    throw badRequest(ctx.route, `request body: ${prefix}client_modified: time data '${String(v)}' does not match format '%Y-%m-%dT%H:%M:%SZ'`);
  }
  return Date.parse(v);
}

/** Commits `data` at commit.path; `wrap` turns a WriteError into the route's error. */
function commitFile(
  ctx: Ctx,
  commit: Record<string, unknown>,
  data: Buffer,
  wrap: (writeError: Record<string, unknown>) => Error,
  prefix = '',
): FileNode {
  const p = pathArg(ctx, writePathPattern, commit, prefix);
  const seqBefore = ctx.state.store.seq;
  const node = ctx.state.store.writeFile(
    p,
    data,
    {
      mode: writeMode(ctx, commit, prefix),
      autorename: optBool(ctx, 'autorename', commit, prefix),
      clientModified: clientModified(ctx, commit, prefix),
      strictConflict: optBool(ctx, 'strict_conflict', commit, prefix),
    },
    wrap,
  );
  if (ctx.corrupt && ctx.state.store.seq !== seqBefore && node.data.byteLength > 0) {
    node.data[Math.floor(node.data.byteLength / 2)]! ^= 0xff;
    node.hash = contentHash(node.data);
  }
  return node;
}

export function upload(ctx: Ctx): Reply {
  checkPayload(ctx);
  checkHash(ctx, ctx.body);
  const sessionId = `pid_upload_session:${randomBytes(18).toString('base64url')}`;
  const node = commitFile(ctx, ctx.args, ctx.body, (reason) =>
    routeError({ '.tag': 'path', reason, upload_session_id: sessionId }),
  );
  return json(ctx.state.store.fileMetadata(node));
}

export function sessionStart(ctx: Ctx): Reply {
  if (ctx.args.session_type !== undefined && unionTag(ctx.args.session_type) !== 'sequential') {
    throw badRequest(ctx.route, 'request body: session_type: only sequential sessions are emulated');
  }
  checkPayload(ctx);
  checkHash(ctx, ctx.body);
  const id = `pid_upload_session:${randomBytes(24).toString('base64url')}`;
  const session: Session = { id, chunks: [Buffer.from(ctx.body)], size: ctx.body.byteLength, closed: optBool(ctx, 'close') };
  ctx.state.sessions.set(id, session);
  return json({ session_id: id });
}

/** Finds a session and checks the offset; throws the lookup error (wrapped for finish). */
function lookup(ctx: Ctx, cursor: Record<string, unknown>, wrap: (e: Record<string, unknown>) => Error, prefix: string): Session {
  const id = str(ctx, 'session_id', cursor, `${prefix}cursor.`);
  const offset = uint(ctx, 'offset', cursor, `${prefix}cursor.`);
  const session = ctx.state.sessions.get(id);
  if (!session) throw wrap({ '.tag': 'not_found' });
  if (offset !== session.size) throw wrap({ '.tag': 'incorrect_offset', correct_offset: session.size });
  return session;
}

export function sessionAppend(ctx: Ctx): Reply {
  const session = lookup(ctx, obj(ctx, 'cursor'), routeError, '');
  if (session.closed) throw routeError({ '.tag': 'closed' });
  checkPayload(ctx);
  checkHash(ctx, ctx.body);
  session.chunks.push(Buffer.from(ctx.body));
  session.size += ctx.body.byteLength;
  if (optBool(ctx, 'close')) session.closed = true;
  return json(null);
}

export function sessionFinish(ctx: Ctx): Reply {
  const lookupFailed = (e: Record<string, unknown>): Error => routeError({ '.tag': 'lookup_failed', lookup_failed: e });
  const session = lookup(ctx, obj(ctx, 'cursor'), lookupFailed, '');
  if (session.closed && ctx.body.byteLength > 0) throw lookupFailed({ '.tag': 'closed' });
  checkPayload(ctx);
  checkHash(ctx, ctx.body);
  const data = Buffer.concat([...session.chunks, ctx.body]);
  const node = commitFile(ctx, obj(ctx, 'commit'), data, (e) => routeError({ '.tag': 'path', path: e }), 'commit.');
  ctx.state.sessions.delete(session.id);
  return json(ctx.state.store.fileMetadata(node));
}

export function finishBatchV2(ctx: Ctx): Reply {
  const entries = ctx.args.entries;
  if (!Array.isArray(entries)) throw badRequest(ctx.route, 'request body: entries: expected list');
  if (entries.length > 1000) throw badRequest(ctx.route, 'request body: entries: list has more than 1000 items');
  const results = entries.map((raw, i) => {
    const prefix = `entries[${i}].`;
    if (typeof raw !== 'object' || raw === null) throw badRequest(ctx.route, `request body: ${prefix.slice(0, -1)}: expected object`);
    const entry = raw as Record<string, unknown>;
    const fail = (e: Record<string, unknown>): Error => new WriteFailure(e);
    try {
      const session = lookup(ctx, obj(ctx, 'cursor', entry, prefix), (e) => fail({ '.tag': 'lookup_failed', lookup_failed: e }), prefix);
      if (!session.closed) throw fail({ '.tag': 'lookup_failed', lookup_failed: { '.tag': 'not_closed' } });
      const node = commitFile(ctx, obj(ctx, 'commit', entry, prefix), Buffer.concat(session.chunks), (e) => fail({ '.tag': 'path', path: e }), `${prefix}commit.`);
      ctx.state.sessions.delete(session.id);
      return { '.tag': 'success', ...ctx.state.store.fileMetadata(node) };
    } catch (err) {
      if (err instanceof WriteFailure) return { '.tag': 'failure', failure: err.failure };
      throw err;
    }
  });
  return json({ entries: results });
}
