import type {
  EventName,
  EventPayload,
  OperationInput,
  OperationName,
  OperationOutput,
} from '../../shared/contract.ts';
import type { ErrorCode, ErrorInfo } from '../../shared/errors.ts';

/** Operations whose input is `undefined` may be called with the name alone. */
export type CallArgs<N extends OperationName> =
  undefined extends OperationInput<N> ? [input?: OperationInput<N>] : [input: OperationInput<N>];

/** `open`: calls go through; `connecting`: first attempt; `reconnecting`: the link dropped or never came up. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting';

/** What every screen talks to, whichever host (Electron or headless) is underneath. */
export interface LifeboatClient {
  call<N extends OperationName>(name: N, ...args: CallArgs<N>): Promise<OperationOutput<N>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  connectionState(): ConnectionState;
  onConnectionState(listener: (state: ConnectionState) => void): () => void;
}

/** A failed call: keeps the Service's ErrorInfo so the UI can translate it by code. */
export class ClientError extends Error {
  readonly info: ErrorInfo;

  constructor(info: ErrorInfo) {
    super(info.message);
    this.name = 'ClientError';
    this.info = info;
  }

  get code(): ErrorCode {
    return this.info.code;
  }
  get hint(): string | undefined {
    return this.info.hint;
  }
  get details(): string | undefined {
    return this.info.details;
  }
}

/** Anything caught in the UI, as ErrorInfo; surprises become INTERNAL with the raw text kept as details. */
export function errorInfoOf(err: unknown): ErrorInfo {
  if (err instanceof ClientError) return err.info;
  const details = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message: 'Something went wrong inside Lifeboat.', details };
}
