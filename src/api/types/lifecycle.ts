import { GraphQLError } from 'graphql';
import { isHexOfBytes } from '../../guards/guards.js';
import { builder } from '../builder.js';
import { badQueryInput } from '../inputErrors.js';
import { FIXED_API_LIMITS } from '../limits.js';
import { TransactionRef } from '../refs.js';
import { sharedStream } from '../subscriptionMultiplexer.js';
import {
  pendingTransactionStream,
  type TransactionStatusUpdate,
  transactionStatusNow,
  transactionStatusStream,
} from '../transactionLifecycle.js';
import { TransactionStatus } from './transaction.js';

const { maxConfirmations: MAX_CONFIRMATIONS } = FIXED_API_LIMITS;

const TransactionStatusUpdateRef = builder.objectRef<TransactionStatusUpdate>('TransactionStatusUpdate');
TransactionStatusUpdateRef.implement({
  description: 'Where a transaction is now: one event of transactionStatus.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The transaction id.' }),
    status: t.field({
      type: TransactionStatus,
      description: 'PENDING in the mempool, CONFIRMED in a best-chain block, or DROPPED (see reason).',
      resolve: (update) => update.status,
    }),
    confirmations: t.exposeInt('confirmations', {
      description: 'Best-chain blocks from its block to the tip, both included; 0 unless CONFIRMED.',
    }),
    blockIndex: t.exposeInt('blockIndex', {
      nullable: true,
      description: 'Index of the best-chain block holding it; null unless CONFIRMED.',
    }),
    blockHash: t.exposeString('blockHash', {
      nullable: true,
      description: 'Hash of the best-chain block holding it; null unless CONFIRMED.',
    }),
    reason: t.exposeString('reason', {
      nullable: true,
      description: 'Why it was dropped (the rule it no longer meets); null unless DROPPED.',
    }),
  }),
});

builder.subscriptionFields((t) => ({
  transactionStatus: t.field({
    type: TransactionStatusUpdateRef,
    description:
      'The life of a transaction: its state now, then every change (confirmed, each further confirmation, back to ' +
      'PENDING when a reorganization orphans its block, DROPPED when it can no longer be mined). Completes once ' +
      'it has `confirmations` confirmations, or when it is dropped. An unknown id is an error event ' +
      '(UNKNOWN_TRANSACTION).',
    args: {
      id: t.arg.id({ required: true, description: 'Transaction id (64 hex characters).' }),
      confirmations: t.arg.int({
        defaultValue: 1,
        description: `Confirmations to wait for before completing, 1 to ${MAX_CONFIRMATIONS} (default 1).`,
      }),
    },
    subscribe: (_root, args, ctx) => {
      const id = String(args.id).trim().toLowerCase();
      if (!isHexOfBytes(id, 32)) badQueryInput(`id must be a transaction id: 64 hex characters, got "${args.id}"`);
      const confirmations = args.confirmations ?? 1;
      if (!Number.isInteger(confirmations) || confirmations < 1 || confirmations > MAX_CONFIRMATIONS) {
        badQueryInput(`confirmations must be from 1 to ${MAX_CONFIRMATIONS}, got ${confirmations}`);
      }
      if (transactionStatusNow(ctx.node, id) === undefined) {
        throw new GraphQLError(`transaction ${id} is unknown: not in the best chain, the mempool or recently dropped`, {
          extensions: { code: 'UNKNOWN_TRANSACTION', id },
        });
      }
      return ctx.subscriptions.open(ctx.clientId, () => transactionStatusStream(ctx.node, id, confirmations));
    },
    resolve: (update) => update,
  }),
  pendingTransaction: t.field({
    type: TransactionRef,
    description:
      'Each transfer the mempool accepts (submitted here or relayed by a peer); with includeCurrent, the mempool ' +
      'as it is first, oldest first. Transfers are PENDING when sent; follow one with transactionStatus.',
    args: {
      includeCurrent: t.arg.boolean({
        defaultValue: false,
        description: 'Send the transfers already waiting in the mempool first (default false).',
      }),
    },
    // Shared by its subscribers unless it first sends the mempool as it is (each subscriber's own).
    extensions: sharedStream((args) => args['includeCurrent'] !== true),
    subscribe: (_root, args, ctx) =>
      ctx.subscriptions.open(ctx.clientId, () =>
        pendingTransactionStream(ctx.node, args.includeCurrent ?? false, ctx.limits.subscriptionBacklog),
      ),
    resolve: (pending) => ({ id: pending.id, transaction: pending.transaction, block: null, position: null }),
  }),
}));
