/// <reference lib="dom" />
import { type Client, createClient } from 'graphql-ws/client';
import {
  CHAIN_REORGANIZED_SUBSCRIPTION,
  type ChainReorganization,
  type LiveBlock,
  MINING_PROGRESS_SUBSCRIPTION,
  type MiningProgress,
  NEW_BLOCK_SUBSCRIPTION,
  PEER_CHANGED_SUBSCRIPTION,
  PENDING_TRANSACTION_SUBSCRIPTION,
  type PeerSummary,
  type TransactionSummary,
} from './documents.js';

/** The WebSocket as the page shows it. */
export type ConnectionState =
  | { readonly kind: 'connecting'; readonly attempt: number }
  | { readonly kind: 'live'; readonly since: number }
  | { readonly kind: 'waiting'; readonly attempt: number; readonly retryAt: number; readonly reason: string };

/** What the page does with the connection's events. */
export interface LiveHandlers {
  state(state: ConnectionState): void;
  /**
   * Runs once the socket is acknowledged, before subscribing: the page reloads its snapshot over HTTP and answers
   * the index of the newest block it has, so `newBlock(afterIndex:)` replays whatever it missed while away.
   */
  connected(): Promise<number | null>;
  block(block: LiveBlock): void;
  miningProgress(progress: MiningProgress): void;
  peerChanged(peer: PeerSummary): void;
  chainReorganized(reorganization: ChainReorganization): void;
  pendingTransaction(transaction: TransactionSummary): void;
}

/** A live connection; `retryNow` skips the wait before the next attempt, `close` ends it for good. */
export interface LiveConnection {
  retryNow(): void;
  close(): void;
}

/** Waits before reconnection attempts 1, 2, 3, …: then every 10 s. */
const RETRY_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 10_000];
/** A ping every 10 s; no pong within 5 s means the socket is dead even if the browser has not noticed yet. */
const KEEP_ALIVE_MS = 10_000;
const PONG_TIMEOUT_MS = 5_000;
const ACK_TIMEOUT_MS = 5_000;

/**
 * Keeps a graphql-ws connection to `wsUrl` and the dashboard's subscriptions on it. When the socket drops (the node
 * restarted, the network went away, a ping went unanswered) or a subscription ends, everything is torn down and
 * rebuilt after a backoff: a fresh snapshot, then fresh subscriptions that replay the blocks missed meanwhile.
 */
export function connectLive(wsUrl: string, handlers: LiveHandlers): LiveConnection {
  let current: Client | null = null;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const open = (): void => {
    clearTimeout(retryTimer);
    attempt += 1;
    handlers.state({ kind: 'connecting', attempt });
    let pongTimer: ReturnType<typeof setTimeout> | undefined;
    const client: Client = createClient({
      url: wsUrl,
      lazy: false,
      // Reconnection is ours (below), so every reconnection also re-reads the snapshot and re-subscribes afresh.
      retryAttempts: 0,
      keepAlive: KEEP_ALIVE_MS,
      connectionAckWaitTimeout: ACK_TIMEOUT_MS,
      onNonLazyError: () => undefined,
      on: {
        connected: () => void subscribeAll(client),
        ping: (received) => {
          if (!received) pongTimer = setTimeout(() => client.terminate(), PONG_TIMEOUT_MS);
        },
        pong: (received) => {
          if (received) clearTimeout(pongTimer);
        },
        closed: (event) => {
          clearTimeout(pongTimer);
          dropped(client, closeReason(event));
        },
      },
    });
    current = client;
  };

  /** Forgets `client` (if it is still the current one) and schedules the next attempt. */
  const dropped = (client: Client, reason: string): void => {
    if (client !== current || closed) return;
    current = null;
    void client.dispose();
    const delay = RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length) - 1] ?? RETRY_DELAYS_MS[0]!;
    handlers.state({ kind: 'waiting', attempt, retryAt: Date.now() + delay, reason });
    retryTimer = setTimeout(open, delay);
  };

  const subscribeAll = async (client: Client): Promise<void> => {
    let afterIndex: number | null;
    try {
      afterIndex = await handlers.connected();
    } catch (error) {
      dropped(client, (error as Error).message);
      return;
    }
    if (client !== current) return;
    const subscribe = <T>(query: string, variables: Record<string, unknown>, deliver: (data: T) => void): void => {
      client.subscribe<T>(
        { query, variables },
        {
          next: (result) => {
            if (result.data !== undefined && result.data !== null) deliver(result.data);
          },
          // A stream that ends (an error, a lagging subscriber cut off) means the page may have missed events:
          // start over rather than show a partial picture.
          error: (error) => dropped(client, subscriptionErrorReason(error)),
          complete: () => dropped(client, 'the node ended a subscription'),
        },
      );
    };
    subscribe<{ newBlock: LiveBlock }>(NEW_BLOCK_SUBSCRIPTION, { afterIndex }, (data) => handlers.block(data.newBlock));
    subscribe<{ miningProgress: MiningProgress }>(MINING_PROGRESS_SUBSCRIPTION, {}, (data) =>
      handlers.miningProgress(data.miningProgress),
    );
    subscribe<{ peerChanged: PeerSummary }>(PEER_CHANGED_SUBSCRIPTION, {}, (data) =>
      handlers.peerChanged(data.peerChanged),
    );
    subscribe<{ pendingTransaction: TransactionSummary }>(PENDING_TRANSACTION_SUBSCRIPTION, {}, (data) =>
      handlers.pendingTransaction(data.pendingTransaction),
    );
    subscribe<{ chainReorganized: ChainReorganization }>(CHAIN_REORGANIZED_SUBSCRIPTION, {}, (data) =>
      handlers.chainReorganized(data.chainReorganized),
    );
    attempt = 0;
    handlers.state({ kind: 'live', since: Date.now() });
  };

  open();
  return {
    retryNow: () => {
      if (current === null && !closed) open();
    },
    close: () => {
      closed = true;
      clearTimeout(retryTimer);
      const client = current;
      current = null;
      if (client !== null) void client.dispose();
    },
  };
}

function closeReason(event: unknown): string {
  if (typeof event === 'object' && event !== null && 'code' in event) {
    const { code, reason } = event as { code: number; reason?: string };
    if (code === 1006) return 'connection lost';
    return reason !== undefined && reason !== '' ? `closed (${code}: ${reason})` : `closed (${code})`;
  }
  return 'connection failed';
}

function subscriptionErrorReason(error: unknown): string {
  if (Array.isArray(error))
    return error.map((item) => (item as { message?: string }).message ?? String(item)).join('; ');
  if (error instanceof Error) return error.message;
  return closeReason(error);
}
