import { REWARD_SENDER, type Transaction } from '../../chain/types.js';
import { parseAddress, parseHex, withGuard } from '../../guards/guards.js';
import { NotStoredError, type TransactionSubmission } from '../../node/node.js';
import { builder } from '../builder.js';
import { type ApiContext, requireAdmin } from '../context.js';
import { BLOCK_READ, listCost, pageItems, SIGNATURE_CHECK } from '../cost.js';
import { InvalidInputError, TransactionRejectedError } from '../errors.js';
import { badQueryInput } from '../inputErrors.js';
import { FIXED_API_LIMITS } from '../limits.js';
import { BlockRef, TransactionRef, type TransactionView } from '../refs.js';
import { SafeIntScalar } from '../scalars.js';
import { receiveWithFollowingFields } from '../submissionRun.js';

export const TransactionStatus = builder.enumType('TransactionStatus', {
  description: 'Where a transaction is.',
  values: {
    PENDING: { description: 'Accepted into the mempool, waiting for a block.' },
    CONFIRMED: { description: 'In a block of the best chain.' },
    DROPPED: {
      description:
        'Left the mempool without a block: it no longer applies (e.g. a reorganization spent its coins) or the ' +
        'mempool overflowed. Only transactionStatus reports it, with the reason.',
    },
  },
});

TransactionRef.implement({
  description:
    'A transfer of coins in the account model, or the mining reward (sender "0", the first transaction of every ' +
    'block). Transfers are signed with Ed25519 by the sender over the canonical encoding (docs/PROTOCOL.md).',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'SHA-256 of the canonical 81-byte encoding (the signature is not covered).' }),
    sender: t.string({
      description: 'Address (hex Ed25519 public key) of the sender, or "0" for the mining reward.',
      resolve: (view) => view.transaction.sender,
    }),
    recipient: t.string({ description: 'Address receiving the coins.', resolve: (view) => view.transaction.recipient }),
    amount: t.field({
      type: SafeIntScalar,
      description: 'Coins moved; a positive integer.',
      resolve: (view) => view.transaction.amount,
    }),
    nonce: t.field({
      type: SafeIntScalar,
      description: "The sender's sequence number (replay protection); for the reward, the block index.",
      resolve: (view) => view.transaction.nonce,
    }),
    signature: t.string({
      nullable: true,
      description: 'Ed25519 signature (128 hex characters) of the sender; null for the reward.',
      resolve: (view) => view.transaction.signature,
    }),
    isReward: t.boolean({
      description: 'True for the mining reward from sender "0".',
      resolve: (view) => view.transaction.sender === REWARD_SENDER,
    }),
    status: t.field({
      type: TransactionStatus,
      description: 'PENDING in the mempool or CONFIRMED in the best chain.',
      resolve: (view) => (view.block === null ? 'PENDING' : 'CONFIRMED'),
    }),
    block: t.field({
      type: BlockRef,
      nullable: true,
      description: 'The best-chain block holding it; null while pending.',
      resolve: (view) => view.block,
    }),
    blockIndex: t.int({
      nullable: true,
      description: 'Index of the block holding it; null while pending.',
      resolve: (view) => view.block?.block.header.index ?? null,
    }),
    position: t.int({
      nullable: true,
      description: 'Position inside its block (0 is the reward); null while pending.',
      resolve: (view) => view.position,
    }),
  }),
});

/** A transaction, found in the best chain or the mempool. */
export function findTransaction(context: ApiContext, id: string): TransactionView | null {
  const confirmed = context.node.chain.getTransaction(id);
  if (confirmed !== undefined) {
    return { id, transaction: confirmed.transaction, block: confirmed.block, position: confirmed.position };
  }
  const pending = context.node.mempool.get(id);
  return pending === undefined ? null : { id, transaction: pending.transaction, block: null, position: null };
}

/** Reads a user-supplied address: trimmed, lowercased, 64 hex characters. @throws {InvalidInputError} */
export function readAddress(field: string, value: string): string {
  return withGuard(
    () => parseAddress(field, value.trim()),
    (error) => new InvalidInputError(field, `${field} ${error.rule} (an Ed25519 public key)`),
  );
}

const TransactionInput = builder.inputType('TransactionInput', {
  description:
    'A transfer signed outside the node. Sign the 81-byte canonical encoding (docs/PROTOCOL.md) with the ' +
    "sender's Ed25519 key, e.g. with `signTransfer` from src/wallet/wallet.ts.",
  fields: (t) => ({
    sender: t.string({ required: true, description: "Sender's address (hex Ed25519 public key)." }),
    recipient: t.string({ required: true, description: "Recipient's address." }),
    amount: t.field({ type: SafeIntScalar, required: true, description: 'Positive integer number of coins.' }),
    nonce: t.field({
      type: SafeIntScalar,
      required: true,
      description: "The sender's next nonce: `account(address) { pendingNonce }`.",
    }),
    signature: t.string({ required: true, description: 'Ed25519 signature, 128 hex characters.' }),
  }),
});

const TransactionReceiptRef = builder.objectRef<{ view: TransactionView; expectedBlockIndex: number }>(
  'TransactionAccepted',
);
TransactionReceiptRef.implement({
  description: 'A transaction the mempool accepted, and the block it is expected to join.',
  fields: (t) => ({
    transaction: t.field({ type: TransactionRef, description: 'The queued transaction.', resolve: (r) => r.view }),
    expectedBlockIndex: t.int({
      description: "Index of the block it will join when blocks are mined from this node's mempool in order.",
      resolve: (r) => r.expectedBlockIndex,
    }),
  }),
});

const TransactionSimulatedRef = builder.objectRef<{ view: TransactionView; expectedBlockIndex: number }>(
  'TransactionSimulated',
);
TransactionSimulatedRef.implement({
  description:
    'submitTransaction would accept this transfer now: nothing was queued, relayed or written. The answer holds ' +
    'while the mempool and the tip stay as they are.',
  fields: (t) => ({
    transaction: t.field({
      type: TransactionRef,
      description: 'The transfer as it would be queued (its id is final; it is not in the mempool).',
      resolve: (r) => r.view,
    }),
    expectedBlockIndex: t.int({
      description: "Index of the block it would join when blocks are mined from this node's mempool in order.",
      resolve: (r) => r.expectedBlockIndex,
    }),
  }),
});

/**
 * Reads a TransactionInput as submitTransaction and simulateTransaction check it.
 * @throws {TransactionRejectedError} for the reward sender; {InvalidInputError} naming a malformed field.
 */
function readTransactionInput(input: {
  sender: string;
  recipient: string;
  amount: number;
  nonce: number;
  signature: string;
}): Transaction {
  if (input.sender.trim() === REWARD_SENDER) {
    throw new TransactionRejectedError('REWARD_NOT_ALLOWED', 'input.sender "0" is reserved for the block reward');
  }
  const signature = withGuard(
    () => parseHex('input.signature', input.signature.trim(), 64),
    (error) => new InvalidInputError(error.field, `${error.field} ${error.rule} (Ed25519)`),
  );
  return {
    sender: readAddress('input.sender', input.sender),
    recipient: readAddress('input.recipient', input.recipient),
    amount: input.amount,
    nonce: input.nonce,
    signature,
  };
}

/** TransactionInput as GraphQL hands it over. */
type TransactionInputFields = Parameters<typeof readTransactionInput>[0];

/**
 * Offers a transfer that arrived over the API to the node. A failed write of an accepted one is marked handled here,
 * so that a transfer received ahead of its field (receiveWithFollowingFields) whose field never runs cannot fail the
 * process; the field's own answer (toReceipt) still sees the failure.
 */
function receive(context: ApiContext, tx: Transaction): Promise<TransactionSubmission> {
  const submission = context.node.receiveTransaction(tx);
  submission.then(
    (result) => {
      if (result.ok) result.durable.catch(() => {});
    },
    () => {},
  );
  return submission;
}

/** Turns the node's answer into the mutation's result, or throws the typed refusal. */
async function toReceipt(
  result: TransactionSubmission,
): Promise<{ view: TransactionView; expectedBlockIndex: number }> {
  if (!result.ok) throw new TransactionRejectedError(result.rejection.code, result.rejection.message);
  const { pending, expectedBlockIndex, durable } = result;
  try {
    await durable;
  } catch (error) {
    // The store failed: the transfer left the mempool unannounced, so the client hears it was not queued.
    if (error instanceof NotStoredError) throw new TransactionRejectedError('NOT_STORED', error.message);
    throw error;
  }
  return {
    view: { id: pending.id, transaction: pending.transaction, block: null, position: null },
    expectedBlockIndex,
  };
}

const { defaultPendingTransactions: DEFAULT_PENDING, maxPendingTransactions: MAX_PENDING } = FIXED_API_LIMITS;

builder.queryFields((t) => ({
  simulateTransaction: t.field({
    type: TransactionSimulatedRef,
    description:
      'What submitTransaction would answer for this signed transfer (every refusal code, and the block it would ' +
      'join), with nothing queued, relayed or written.',
    complexity: 1 + SIGNATURE_CHECK,
    args: { input: t.arg({ type: TransactionInput, required: true, description: 'The signed transfer to try.' }) },
    errors: {
      types: [InvalidInputError, TransactionRejectedError],
      directResult: true,
      union: { name: 'SimulateTransactionResult', description: 'The transfer would be accepted, or why not.' },
    },
    resolve: (_root, { input }, context) => {
      const result = context.node.simulateTransaction(readTransactionInput(input));
      if (!result.ok) throw new TransactionRejectedError(result.rejection.code, result.rejection.message);
      const { pending, expectedBlockIndex } = result;
      return {
        view: { id: pending.id, transaction: pending.transaction, block: null, position: null },
        expectedBlockIndex,
      };
    },
  }),
  transaction: t.field({
    type: TransactionRef,
    nullable: true,
    description: 'A transaction by id, confirmed or pending; null when unknown.',
    // A confirmed transaction is read with its block.
    complexity: 1 + BLOCK_READ,
    args: { id: t.arg.id({ required: true, description: 'Transaction id (64 hex characters).' }) },
    resolve: (_root, args, context) => findTransaction(context, String(args.id).trim().toLowerCase()),
  }),
  pendingTransactions: t.field({
    type: [TransactionRef],
    description: 'The mempool in the order blocks will take it (oldest first), at most `first` entries.',
    complexity: (args) => listCost(pageItems(args.first, DEFAULT_PENDING, MAX_PENDING)),
    args: {
      first: t.arg.int({
        defaultValue: DEFAULT_PENDING,
        description: `How many to return, 1 to ${MAX_PENDING} (default ${DEFAULT_PENDING}).`,
      }),
    },
    resolve: (_root, args, context) => {
      const first = args.first ?? DEFAULT_PENDING;
      if (first < 1 || first > MAX_PENDING) badQueryInput(`first must be from 1 to ${MAX_PENDING}, got ${first}`);
      return context.node.mempool
        .list(first)
        .map((pending) => ({ id: pending.id, transaction: pending.transaction, block: null, position: null }));
    },
  }),
}));

builder.mutationFields((t) => ({
  submitTransaction: t.field({
    type: TransactionReceiptRef,
    description: 'Queues a transfer signed by the client. Refusals come back as typed errors; nothing is queued then.',
    complexity: 1 + SIGNATURE_CHECK,
    args: { input: t.arg({ type: TransactionInput, required: true, description: 'The signed transfer.' }) },
    errors: {
      types: [InvalidInputError, TransactionRejectedError],
      directResult: true,
      union: { name: 'SubmitTransactionResult', description: 'The accepted transaction, or why it was refused.' },
    },
    // The submitTransaction fields that follow this one in the mutation (a relay batch) are received with it, so
    // their writes share a group commit; each field still answers for its own transfer (see submissionRun.ts).
    resolve: async (_root, { input }, context, info) =>
      toReceipt(
        await receiveWithFollowingFields(
          context,
          info,
          () => receive(context, readTransactionInput(input)),
          (args) => receive(context, readTransactionInput(args.input as TransactionInputFields)),
        ),
      ),
  }),
  send: t.field({
    type: TransactionReceiptRef,
    description:
      "The tutorial's one-step transaction: the node signs a transfer from its own wallet (with its next nonce) " +
      'and queues it.',
    complexity: 1 + SIGNATURE_CHECK,
    args: {
      recipient: t.arg.string({ required: true, description: "Recipient's address (64 hex characters)." }),
      amount: t.arg({ type: SafeIntScalar, required: true, description: 'Positive integer number of coins.' }),
    },
    errors: {
      types: [InvalidInputError, TransactionRejectedError],
      directResult: true,
      union: { name: 'SendResult', description: 'The accepted transaction, or why it was refused.' },
    },
    resolve: (_root, args, context) => {
      requireAdmin(context, 'send');
      const recipient = readAddress('recipient', args.recipient);
      if (args.amount <= 0) {
        throw new TransactionRejectedError('INVALID_AMOUNT', `amount must be a positive integer, got ${args.amount}`);
      }
      return toReceipt(context.node.send(recipient, args.amount));
    },
  }),
}));
