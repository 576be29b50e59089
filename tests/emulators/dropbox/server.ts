/**
 * A strict Dropbox API v2 emulator on node:http, for pointing the real SDK at (through the
 * LIFEBOAT_DROPBOX_* endpoint overrides). Serves
 *   <url>/api/2/<rpc route>        RPC: JSON body, Content-Type application/json
 *   <url>/content/2/<route>        upload (Dropbox-API-Arg or ?arg=, application/octet-stream) and
 *                                  download (result in Dropbox-API-Result, Range → 206)
 *   <url>/oauth2/authorize, /oauth2/token
 * Rejects what Dropbox rejects (wrong host, Content-Type, undecodable or non-ASCII args, bad paths,
 * missing/expired/revoked tokens) with Dropbox's status codes and error shapes, and injects faults:
 * 429s, 5xx, dropped connections before/after processing or mid-body, stored-byte corruption, token
 * expiry after N requests, a quota, and namespace lock contention for concurrent writes.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Faults } from './faults.ts';
import type { FaultKind, FaultOptions } from './faults.ts';
import {
  createFolderV2,
  deleteV2,
  download,
  getMetadata,
  listFolder,
  listFolderContinue,
} from './file-routes.ts';
import { OAuthServer } from './oauth.ts';
import type { Account } from './oauth.ts';
import type { Ctx, EmulatorState, EmulatorStats } from './state.ts';
import { DropboxStore } from './store.ts';
import { finishBatchV2, sessionAppend, sessionFinish, sessionStart, upload } from './upload-routes.ts';
import type { Reply } from './wire.ts';
import { badRequest, json, rateLimited, ReplyError, serverError } from './wire.ts';

interface RouteDef {
  host: 'api' | 'content';
  style: 'rpc' | 'upload' | 'download';
  /** Changes the namespace: subject to the write rate and the namespace lock. */
  write?: boolean;
  /** RPC without arguments: empty body (or "null"). */
  noArgs?: boolean;
  handler: (ctx: Ctx) => Reply;
}

/** The user reading the code off the emulator's no-redirect sign-in page (what a person copies). */
export async function copySignInCode(url: string): Promise<string> {
  const page = await (await fetch(url)).text();
  const code = /id="code" readonly value="([^"]+)"/.exec(page)?.[1];
  if (!code) throw new Error(`no sign-in code on ${url}: ${page.slice(0, 200)}`);
  return code;
}

export interface DropboxEmulatorOptions {
  appKey?: string;
  redirectUris?: string[];
  account?: Partial<Account>;
  /** Bytes the account may store (default 2 GiB). */
  quotaBytes?: number;
  /**
   * A team account instead of an individual one: users/get_space_usage then answers with the team's
   * allocation (TeamSpaceAllocation); `memberAllocated` 0 means no per-member limit.
   */
  team?: TeamSpace;
  /** list_folder page size (small, to force list_folder/continue). Default 25. */
  listPageSize?: number;
  /** Largest request body for one call (default 150 MiB). */
  maxPayloadBytes?: number;
  accessTokenTtlSec?: number;
  /** Every access token expires after N API requests. */
  expireTokenAfter?: number;
  /** Namespace writes allowed per second (token bucket); beyond → 429 too_many_write_operations. */
  writeRate?: { perSecond: number; burst: number };
  /** How long a namespace write holds the lock; a write arriving meanwhile → 429 too_many_write_operations. */
  writeLatencyMs?: number;
  faults?: FaultOptions;
  authorizeDecision?: 'approve' | 'deny';
}

const routes: Record<string, RouteDef> = {
  'files/list_folder': { host: 'api', style: 'rpc', handler: listFolder },
  'files/list_folder/continue': { host: 'api', style: 'rpc', handler: listFolderContinue },
  'files/get_metadata': { host: 'api', style: 'rpc', handler: getMetadata },
  'files/delete_v2': { host: 'api', style: 'rpc', write: true, handler: deleteV2 },
  'files/create_folder_v2': { host: 'api', style: 'rpc', write: true, handler: createFolderV2 },
  'files/upload_session/finish_batch_v2': { host: 'api', style: 'rpc', write: true, handler: finishBatchV2 },
  'files/upload': { host: 'content', style: 'upload', write: true, handler: upload },
  'files/upload_session/start': { host: 'content', style: 'upload', handler: sessionStart },
  'files/upload_session/append_v2': { host: 'content', style: 'upload', handler: sessionAppend },
  'files/upload_session/finish': { host: 'content', style: 'upload', write: true, handler: sessionFinish },
  'files/download': { host: 'content', style: 'download', handler: download },
  'users/get_current_account': { host: 'api', style: 'rpc', noArgs: true, handler: currentAccount },
  'users/get_space_usage': { host: 'api', style: 'rpc', noArgs: true, handler: spaceUsage },
  'auth/token/revoke': { host: 'api', style: 'rpc', noArgs: true, handler: () => json(null) },
};

const jsonTypes = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain; charset=dropbox-cors-hack',
];
const uploadTypes = ['application/octet-stream', 'text/plain; charset=dropbox-cors-hack'];
const downloadTypes = [
  '',
  'text/plain',
  'text/plain; charset=utf-8',
  'application/octet-stream',
  'application/octet-stream; charset=utf-8',
];

function currentAccount(ctx: Ctx): Reply {
  const a = ctx.state.oauth.account;
  const [given = '', surname = ''] = a.displayName.split(' ');
  return json({
    account_id: a.accountId,
    name: {
      given_name: given,
      surname,
      familiar_name: given,
      display_name: a.displayName,
      abbreviated_name: `${given[0] ?? ''}${surname[0] ?? ''}`,
    },
    email: a.email,
    email_verified: true,
    disabled: false,
    locale: 'en',
    referral_link: 'https://db.tt/emulator',
    is_paired: false,
    account_type: { '.tag': 'basic' },
    root_info: { '.tag': 'user', root_namespace_id: '3235641', home_namespace_id: '3235641' },
    country: 'DE',
  });
}

export interface TeamSpace {
  /** Bytes the rest of the team uses besides this member. */
  othersUsed: number;
  allocated: number;
  memberAllocated: number;
  memberLimit: 'off' | 'alert_only' | 'stop_sync';
}

/** users/get_space_usage: SpaceUsage { used, allocation: individual | team } (the member's own usage in `used`). */
function spaceUsage(ctx: Ctx): Reply {
  const used = ctx.state.store.usedBytes();
  const team = ctx.state.team;
  if (!team)
    return json({ used, allocation: { '.tag': 'individual', allocated: ctx.state.store.quotaBytes } });
  return json({
    used,
    allocation: {
      '.tag': 'team',
      used: used + team.othersUsed,
      allocated: team.allocated,
      user_within_team_space_allocated: team.memberAllocated,
      user_within_team_space_limit_type: { '.tag': team.memberLimit },
      user_within_team_space_used_cached: used,
    },
  });
}

export class DropboxEmulator {
  readonly url: string;
  readonly store: DropboxStore;
  readonly oauth: OAuthServer;
  readonly faults: Faults;
  readonly stats: EmulatorStats = {
    requests: new Map(),
    statuses: new Map(),
    writeContention: 0,
    contentHashesChecked: 0,
    largestBody: 0,
  };
  writeRate: { perSecond: number; burst: number } | undefined;
  writeLatencyMs: number;
  /** Added to the clock (token expiry tests). */
  clockOffsetMs = 0;
  readonly #server: Server;
  readonly #state: EmulatorState;
  #writeBusy = false;
  #bucket = { tokens: 0, at: 0 };

  private constructor(server: Server, url: string, o: DropboxEmulatorOptions) {
    this.#server = server;
    this.url = url;
    const now = (): number => Date.now() + this.clockOffsetMs;
    this.store = new DropboxStore(o.quotaBytes ?? 2 * 1024 ** 3, now);
    this.oauth = new OAuthServer(
      {
        appKey: o.appKey ?? 'lifeboat-test-app',
        redirectUris: o.redirectUris ?? [],
        accessTokenTtlSec: o.accessTokenTtlSec ?? 14_400,
        ...(o.expireTokenAfter !== undefined ? { expireTokenAfter: o.expireTokenAfter } : {}),
        decision: o.authorizeDecision ?? 'approve',
      },
      {
        accountId: 'dbid:AADlifeboatEmulatorAccount0000000001',
        email: 'owner@shop.example',
        displayName: 'Shop Owner',
        ...o.account,
      },
      now,
    );
    this.faults = new Faults(o.faults);
    this.writeRate = o.writeRate;
    this.writeLatencyMs = o.writeLatencyMs ?? 0;
    this.#bucket = { tokens: o.writeRate?.burst ?? 0, at: Date.now() };
    this.#state = {
      store: this.store,
      oauth: this.oauth,
      sessions: new Map(),
      cursors: new Map(),
      stats: this.stats,
      listPageSize: o.listPageSize ?? 25,
      maxPayloadBytes: o.maxPayloadBytes ?? 150 * 1024 * 1024,
      ...(o.team ? { team: o.team } : {}),
    };
  }

  static async start(options: DropboxEmulatorOptions = {}): Promise<DropboxEmulator> {
    const holder: { emulator?: DropboxEmulator } = {};
    const server = createServer((req, res) => void holder.emulator!.#handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.emulator = new DropboxEmulator(server, `http://127.0.0.1:${port}`, options);
    return holder.emulator;
  }

  get appKey(): string {
    return this.oauth.options.appKey;
  }

  /** For DropboxApiOptions.endpoints / DropboxAuthConfig.endpoints. */
  endpoints(): { apiUrl: string; contentUrl: string; oauthUrl: string } {
    return { apiUrl: `${this.url}/api`, contentUrl: `${this.url}/content`, oauthUrl: this.url };
  }

  /** The same as environment variables. */
  env(): Record<string, string> {
    const e = this.endpoints();
    return {
      LIFEBOAT_DROPBOX_API_URL: e.apiUrl,
      LIFEBOAT_DROPBOX_CONTENT_URL: e.contentUrl,
      LIFEBOAT_DROPBOX_OAUTH_URL: e.oauthUrl,
      LIFEBOAT_DROPBOX_APP_KEY: this.appKey,
    };
  }

  /** A signed-in grant without the browser dance. */
  issueToken(): { accessToken: string; refreshToken: string } {
    const t = this.oauth.issue(true);
    return { accessToken: t.accessToken, refreshToken: t.refreshToken! };
  }

  setFaults(options: FaultOptions): void {
    this.faults.set(options);
  }

  injectOnce(route: string | RegExp, kind: FaultKind, count = 1): void {
    this.faults.once(route, kind, count);
  }

  requestCount(route?: string): number {
    if (route) return this.stats.requests.get(route) ?? 0;
    let n = 0;
    for (const v of this.stats.requests.values()) n += v;
    return n;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', this.url);
      if (url.pathname === '/oauth2/authorize' && req.method === 'GET')
        return this.#send(res, this.oauth.authorize(url.searchParams));
      if (url.pathname === '/oauth2/token' && req.method === 'POST') {
        const body = await readBody(req);
        const params = new URLSearchParams(url.search);
        if ((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
          for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.set(k, v);
        }
        return this.#send(res, this.oauth.token(params));
      }
      const m = /^\/(api|content)\/2\/(.+)$/.exec(url.pathname);
      if (!m)
        return this.#send(res, { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'Not Found' });
      await this.#api(req, res, m[1] as 'api' | 'content', m[2]!, url);
    } catch (err) {
      if (err instanceof ReplyError) return this.#send(res, err.reply);
      console.error('dropbox emulator:', err);
      this.#send(res, serverError(500).reply);
    }
  }

  async #api(
    req: IncomingMessage,
    res: ServerResponse,
    host: 'api' | 'content',
    route: string,
    url: URL,
  ): Promise<void> {
    this.stats.requests.set(route, (this.stats.requests.get(route) ?? 0) + 1);
    const def = routes[route];
    if (!def) throw badRequest(route, `Unknown API function: "${route}"`);
    if (def.host !== host) {
      throw badRequest(
        route,
        `This function is served by ${def.host === 'api' ? 'api.dropboxapi.com' : 'content.dropboxapi.com'}`,
      );
    }
    if (req.method !== 'POST' && !(def.style === 'download' && req.method === 'GET')) {
      throw badRequest(route, `Unsupported HTTP method: ${String(req.method)}`);
    }
    const hasBody =
      Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    const fault = this.faults.pick(route, def.write === true, hasBody);
    if (fault === 'reset_mid_body' && hasBody) {
      req.once('data', () => req.socket.destroy());
      return;
    }
    const body = await readBody(req);
    this.stats.largestBody = Math.max(this.stats.largestBody, body.byteLength);
    if (fault === 'reset_before' || fault === 'reset_mid_body') {
      req.socket.destroy();
      return;
    }
    const args = this.#args(req, route, def, body, url);
    const auth = (req.headers.authorization ?? url.searchParams.get('authorization') ?? '').trim();
    if (!auth)
      throw badRequest(route, 'Must provide HTTP header "Authorization" or URL parameter "authorization".');
    const bearer = /^Bearer (\S+)$/.exec(auth);
    if (!bearer) throw badRequest(route, 'The given OAuth 2 access token is malformed.');
    this.oauth.authenticate(bearer[1]!);
    const retryAfter = this.faults.options.retryAfterSec ?? 1;
    if (fault === 'too_many_requests' || fault === 'too_many_write_operations')
      throw rateLimited(fault, retryAfter);
    if (fault === 'server_error') throw serverError(500);
    if (fault === 'unavailable') {
      const r = serverError(503).reply;
      throw new ReplyError({ ...r, headers: { ...r.headers, 'Retry-After': String(retryAfter) } });
    }
    const rangeHeader = req.headers.range;
    const ctx: Ctx = {
      route,
      args,
      body: def.style === 'download' ? Buffer.alloc(0) : body,
      range: typeof rangeHeader === 'string' ? rangeHeader : undefined,
      state: this.#state,
      corrupt: fault === 'corrupt_store',
    };
    const reply = def.write ? await this.#write(ctx, def) : def.handler(ctx);
    if (fault === 'reset_after') {
      req.socket.destroy();
      return;
    }
    this.#send(res, reply);
  }

  /** A namespace write: rate-limited, and exclusive (Dropbox locks the namespace per write). */
  async #write(ctx: Ctx, def: RouteDef): Promise<Reply> {
    if (this.writeRate) {
      const now = Date.now();
      const { perSecond, burst } = this.writeRate;
      this.#bucket.tokens = Math.min(
        burst,
        this.#bucket.tokens + ((now - this.#bucket.at) / 1000) * perSecond,
      );
      this.#bucket.at = now;
      if (this.#bucket.tokens < 1) {
        this.stats.writeContention++;
        throw rateLimited('too_many_write_operations', 1);
      }
      this.#bucket.tokens -= 1;
    }
    if (this.#writeBusy) {
      this.stats.writeContention++;
      throw rateLimited('too_many_write_operations', 1);
    }
    this.#writeBusy = true;
    try {
      if (this.writeLatencyMs > 0) await sleep(this.writeLatencyMs);
      return def.handler(ctx);
    } finally {
      this.#writeBusy = false;
    }
  }

  #args(req: IncomingMessage, route: string, def: RouteDef, body: Buffer, url: URL): Record<string, unknown> {
    const contentType = String(req.headers['content-type'] ?? '')
      .toLowerCase()
      .trim();
    const badType = (expected: string[]): ReplyError =>
      badRequest(
        route,
        `Bad HTTP "Content-Type" header: "${contentType}".  Expecting one of ${expected
          .filter(Boolean)
          .map((t) => `"${t}"`)
          .join(', ')}.`,
      );
    let text: string;
    if (def.style === 'rpc') {
      if (def.noArgs && (body.byteLength === 0 || body.toString('utf8').trim() === 'null')) return {};
      if (!jsonTypes.includes(contentType)) throw badType(jsonTypes);
      text = body.toString('utf8');
    } else {
      if (def.style === 'upload' && !uploadTypes.includes(contentType)) throw badType(uploadTypes);
      if (def.style === 'download') {
        if (!downloadTypes.includes(contentType)) throw badType(downloadTypes);
        if (body.byteLength > 0) throw badRequest(route, 'This function does not accept a request body.');
      }
      const header = req.headers['dropbox-api-arg'];
      const raw = typeof header === 'string' ? header : (url.searchParams.get('arg') ?? undefined);
      if (raw === undefined)
        throw badRequest(route, 'Must provide HTTP header "Dropbox-API-Arg" or URL parameter "arg".');
      if (typeof header === 'string' && /[^\x20-\x7e]/.test(header)) {
        throw badRequest(route, 'HTTP header "Dropbox-API-Arg": could not decode input as JSON');
      }
      text = raw;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw badRequest(route, 'request body: could not decode input as JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw badRequest(route, 'request body: expected object');
    }
    return parsed as Record<string, unknown>;
  }

  #send(res: ServerResponse, reply: Reply): void {
    this.stats.statuses.set(reply.status, (this.stats.statuses.get(reply.status) ?? 0) + 1);
    const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
    res.writeHead(reply.status, { ...reply.headers, 'Content-Length': String(body.byteLength) });
    res.end(body);
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
