import { builder } from '../builder.js';
import { BLOCK_READ, listCost, pageItems } from '../cost.js';
import { InvalidInputError } from '../errors.js';
import { badQueryInput } from '../inputErrors.js';
import { FIXED_API_LIMITS } from '../limits.js';
import { AccountRef, TransactionRef } from '../refs.js';
import { SafeIntScalar } from '../scalars.js';
import { findTransaction, readAddress } from './transaction.js';

const { defaultAccountTransactions: DEFAULT_FIRST, maxPageSize: MAX_FIRST } = FIXED_API_LIMITS;

AccountRef.implement({
  description: 'An address in the account model: its balance and nonce at the tip, and what is pending for it.',
  fields: (t) => ({
    id: t.id({
      description:
        'The address in lowercase (equal to `address`, however it was queried): the identity normalized caches ' +
        'key the account by. Not prefixed: caches key by `__typename` + `id`.',
      resolve: (a) => a.address,
    }),
    address: t.exposeString('address', { description: 'The address: a hex Ed25519 public key.' }),
    balance: t.field({
      type: SafeIntScalar,
      description: 'Coins held at the tip of the best chain.',
      resolve: (a, _args, ctx) => ctx.node.chain.getAccount(a.address).balance,
    }),
    nonce: t.field({
      type: SafeIntScalar,
      description: 'Transfers sent in the best chain: the nonce of the next transfer when nothing is pending.',
      resolve: (a, _args, ctx) => ctx.node.chain.getAccount(a.address).nonce,
    }),
    pendingBalance: t.field({
      type: SafeIntScalar,
      description: "Balance once the mempool's transactions are mined.",
      resolve: (a, _args, ctx) => ctx.node.mempool.pendingAccount(a.address).balance,
    }),
    pendingNonce: t.field({
      type: SafeIntScalar,
      description: 'The nonce the next transfer must carry, counting pending transfers.',
      resolve: (a, _args, ctx) => ctx.node.mempool.pendingAccount(a.address).nonce,
    }),
    transactionCount: t.int({
      description: 'Best-chain transactions sent or received (positions 0 … transactionCount-1, oldest first).',
      resolve: (a, _args, ctx) => ctx.node.chain.getAccountHistoryLength(a.address),
    }),
    transactions: t.field({
      type: [TransactionRef],
      description:
        'Best-chain transactions sent or received, newest first: the `first` before history position `before` ' +
        '(default: the newest). For the next page pass `before: <transactionCount - already fetched>`. ' +
        'Index lookups, however long the history.',
      // Each transaction is read with its block.
      complexity: (args) => listCost(pageItems(args.first, DEFAULT_FIRST, MAX_FIRST), BLOCK_READ),
      args: {
        first: t.arg.int({
          defaultValue: DEFAULT_FIRST,
          description: `How many, 1 to ${MAX_FIRST} (default ${DEFAULT_FIRST}).`,
        }),
        before: t.arg.int({ description: 'History position to stop before (exclusive); default transactionCount.' }),
      },
      resolve: (a, args, ctx) => {
        const first = args.first ?? DEFAULT_FIRST;
        if (first < 1 || first > MAX_FIRST) badQueryInput(`first must be from 1 to ${MAX_FIRST}, got ${first}`);
        const length = ctx.node.chain.getAccountHistoryLength(a.address);
        const end = args.before === null || args.before === undefined ? length : args.before;
        if (end < 0) badQueryInput(`before must not be negative, got ${end}`);
        const to = Math.min(end, length);
        return ctx.node.chain
          .getAccountHistory(a.address, Math.max(0, to - first), to)
          .reverse()
          .map((id) => findTransaction(ctx, id)!);
      },
    }),
  }),
});

builder.queryField('account', (t) =>
  t.field({
    type: AccountRef,
    description: 'Balance, nonce and history of an address (every well-formed address exists, with balance 0).',
    args: { address: t.arg.string({ required: true, description: 'Hex Ed25519 public key, 64 characters.' }) },
    resolve: (_root, args) => {
      try {
        return { address: readAddress('address', args.address) };
      } catch (error) {
        if (error instanceof InvalidInputError) badQueryInput(error.message);
        throw error;
      }
    },
  }),
);
