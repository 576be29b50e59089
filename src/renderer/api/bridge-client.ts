import type {
  EventName,
  EventPayload,
  LifeboatBridge,
  OperationName,
  OperationOutput,
  Result,
} from '../../shared/contract.ts';
import { ClientError, type CallArgs, type ConnectionState, type LifeboatClient } from './client.ts';
import { unwrapResult } from './result.ts';

/** The Electron transport: `window.lifeboat` from the preload. IPC never drops, so it is always open. */
export class BridgeClient implements LifeboatClient {
  readonly #bridge: LifeboatBridge;

  constructor(bridge: LifeboatBridge) {
    this.#bridge = bridge;
  }

  async call<N extends OperationName>(name: N, ...args: CallArgs<N>): Promise<OperationOutput<N>> {
    const method = this.#bridge[name] as unknown as
      ((input: unknown) => Promise<Result<unknown>>) | undefined;
    if (typeof method !== 'function') {
      throw new ClientError({
        code: 'UNKNOWN_OPERATION',
        message: `The desktop bridge has no operation ${name}`,
      });
    }
    let result: Result<unknown>;
    try {
      result = await method(args[0]);
    } catch (err) {
      // The preload returns Results; a rejection means the IPC layer itself failed.
      throw new ClientError({
        code: 'INTERNAL',
        message: 'The desktop bridge failed.',
        details: err instanceof Error ? err.message : String(err),
      });
    }
    return unwrapResult(result) as OperationOutput<N>;
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return this.#bridge.on(event, listener);
  }

  connectionState(): ConnectionState {
    return 'open';
  }

  onConnectionState(): () => void {
    return () => {};
  }
}
