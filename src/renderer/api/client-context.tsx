import { useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  useContext,
  useEffect,
  useEffectEvent,
  useSyncExternalStore,
  type ReactNode,
} from 'react';
import type { EventName, EventPayload } from '../../shared/contract.ts';
import type { ConnectionState, LifeboatClient } from './client.ts';

const ClientContext = createContext<LifeboatClient | null>(null);

export function ClientProvider({ client, children }: { client: LifeboatClient; children: ReactNode }) {
  const queryClient = useQueryClient();
  // Events pushed while the link was down are lost: refetch everything once it is back.
  useEffect(() => {
    let previous = client.connectionState();
    return client.onConnectionState((state) => {
      if (state === 'open' && previous === 'reconnecting') void queryClient.invalidateQueries();
      previous = state;
    });
  }, [client, queryClient]);
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}

export function useClient(): LifeboatClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient() needs a <ClientProvider> above it');
  return client;
}

export function useConnectionState(): ConnectionState {
  const client = useClient();
  return useSyncExternalStore(
    (onChange) => client.onConnectionState(onChange),
    () => client.connectionState(),
  );
}

/** Subscribes to a Service event for the component's lifetime; the handler may change on every render. */
export function useEvent<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): void {
  const client = useClient();
  const onEvent = useEffectEvent(handler);
  useEffect(() => client.on(event, (payload) => onEvent(payload)), [client, event]);
}
