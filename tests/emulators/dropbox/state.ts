/** What the emulator's route handlers share. */
import type { DropboxStore } from './store.ts';
import type { OAuthServer } from './oauth.ts';

export interface Session {
  id: string;
  chunks: Buffer[];
  size: number;
  closed: boolean;
}

export interface Cursor {
  folder: string;
  recursive: boolean;
  /** Entries of the first listing not yet returned. */
  pending: Record<string, unknown>[];
  /** Changes after this sequence number are returned once `pending` is empty. */
  seq: number;
  limit: number;
}

export interface EmulatorStats {
  /** API requests per route (before any fault or check). */
  requests: Map<string, number>;
  /** Responses per HTTP status. */
  statuses: Map<number, number>;
  /** 429 too_many_write_operations caused by concurrent writes or the write rate, not by injected faults. */
  writeContention: number;
  /** Calls that carried a content_hash argument which the emulator verified. */
  contentHashesChecked: number;
  /** Largest request body received. */
  largestBody: number;
}

export interface EmulatorState {
  store: DropboxStore;
  oauth: OAuthServer;
  sessions: Map<string, Session>;
  cursors: Map<string, Cursor>;
  stats: EmulatorStats;
  listPageSize: number;
  maxPayloadBytes: number;
  /** users/get_space_usage answers for a team member (server.ts TeamSpace). */
  team?: {
    othersUsed: number;
    allocated: number;
    memberAllocated: number;
    memberLimit: 'off' | 'alert_only' | 'stop_sync';
  };
}

export interface Ctx {
  route: string;
  args: Record<string, unknown>;
  body: Buffer;
  range: string | undefined;
  state: EmulatorState;
  /** corrupt_store fault: the commit of this request stores a damaged byte. */
  corrupt: boolean;
}
