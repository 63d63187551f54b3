import { Repeater } from 'graphql-yoga';
import type { PendingTransaction } from '../chain/db/model.js';
import type { Node } from '../node/node.js';
import { eventStream } from './eventStream.js';

/** Where a transaction is, as transactionStatus reports it. */
export interface TransactionStatusUpdate {
  readonly id: string;
  readonly status: 'PENDING' | 'CONFIRMED' | 'DROPPED';
  /** Blocks on top of (and including) its block on the best chain; 0 unless CONFIRMED. */
  readonly confirmations: number;
  readonly blockIndex: number | null;
  readonly blockHash: string | null;
  /** Why it was dropped; null otherwise. */
  readonly reason: string | null;
}

/** Where the transaction is now, or undefined when the node does not know it (nor dropped it recently). */
export function transactionStatusNow(node: Node, id: string): TransactionStatusUpdate | undefined {
  const confirmed = node.chain.getTransaction(id);
  if (confirmed !== undefined) {
    const blockIndex = confirmed.block.block.header.index;
    return {
      id,
      status: 'CONFIRMED',
      confirmations: node.chain.height - blockIndex + 1,
      blockIndex,
      blockHash: confirmed.block.hash,
      reason: null,
    };
  }
  const base = { id, confirmations: 0, blockIndex: null, blockHash: null } as const;
  if (node.mempool.get(id) !== undefined) return { ...base, status: 'PENDING', reason: null };
  const dropped = node.droppedTransaction(id);
  return dropped === undefined ? undefined : { ...base, status: 'DROPPED', reason: dropped.reason };
}

/**
 * The life of a known transaction: its state now, then each change (a block confirming it, each confirmation, a
 * reorganization sending it back to PENDING or dropping it). Ends after CONFIRMED with `confirmations` or DROPPED.
 */
export function transactionStatusStream(
  node: Node,
  id: string,
  confirmations: number,
): Repeater<TransactionStatusUpdate> {
  return new Repeater<TransactionStatusUpdate>(async (push, stop) => {
    let last = '';
    const report = () => {
      const now = transactionStatusNow(node, id) ?? {
        id,
        status: 'DROPPED' as const,
        confirmations: 0,
        blockIndex: null,
        blockHash: null,
        reason: 'it left the best chain and this node no longer holds it',
      };
      const key = JSON.stringify(now);
      if (key === last) return;
      last = key;
      void push(now);
      if (now.status === 'DROPPED' || (now.status === 'CONFIRMED' && now.confirmations >= confirmations)) stop();
    };
    const unsubscribe = [node.events.on('tipChanged', report), node.events.on('transactionDropped', report)];
    report();
    await stop;
    for (const off of unsubscribe) off();
  });
}

/**
 * Transfers as the mempool accepts them; with `includeCurrent`, the mempool as it is first (oldest first). Listens
 * before reading the mempool, so none accepted in between is missed or sent twice.
 */
export async function* pendingTransactionStream(
  node: Node,
  includeCurrent: boolean,
  backlog: number,
): AsyncGenerator<PendingTransaction> {
  const live = eventStream(node.events, 'transactionAccepted', backlog);
  let next = live.next();
  try {
    const sent = new Set<string>();
    if (includeCurrent) {
      for (const pending of node.mempool.list()) {
        sent.add(pending.id);
        yield pending;
      }
    }
    for (;;) {
      const result = await next;
      if (result.done === true) return;
      next = live.next();
      if (!sent.delete(result.value.id)) yield result.value;
    }
  } finally {
    await live.return();
  }
}
