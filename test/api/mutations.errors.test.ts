import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signTransaction } from '../../src/chain/transaction.js';
import { type SignedTransfer, signTransfer } from '../../src/wallet/wallet.js';
import { createTestNode, testWallet } from '../helpers/testNode.js';
import {
  fund,
  gql,
  gqlData,
  gqlError,
  mineBlocks,
  observableState,
  SEND,
  SUBMIT_TRANSACTION,
  type TestNode,
} from './apiTestKit.js';

const alice = testWallet('errors-alice');
const bob = testWallet('errors-bob');
const mallory = testWallet('errors-mallory');

type TransferInput = Omit<SignedTransfer, 'id'>;

function inputOf(signed: SignedTransfer): TransferInput {
  const { id: _id, ...input } = signed;
  return input;
}

/** Flips the last hex digit of a string: a same-length, still-hex, but wrong value. */
function flipLastHexDigit(hex: string): string {
  return hex.slice(0, -1) + (hex.endsWith('0') ? '1' : '0');
}

interface ExpectedRefusal {
  readonly typename: 'TransactionRejectedError' | 'InvalidInputError';
  readonly code: string;
  readonly field?: string;
  /** What the message must mention: the field or the rule. */
  readonly message: RegExp;
}

let testNode: TestNode;
let addresses: string[];

beforeEach(async () => {
  testNode = createTestNode();
  addresses = [alice.address, bob.address, testNode.node.wallet.address];
  await fund(testNode, alice, 2);
});

afterEach(() => testNode.node.close());

/** Submits `input`, expects the typed refusal, and checks that nothing observable changed. */
async function expectSubmitRefused(input: Record<string, unknown>, expected: ExpectedRefusal): Promise<void> {
  const before = await observableState(testNode.yoga, addresses);
  const data = await gqlData(testNode.yoga, SUBMIT_TRANSACTION, { input });
  const result = data.submitTransaction;
  expect(result.__typename).toBe(expected.typename);
  expect(result.code).toBe(expected.code);
  expect(result.message).toMatch(expected.message);
  if (expected.field !== undefined) expect(result.field).toBe(expected.field);
  expect(await observableState(testNode.yoga, addresses)).toEqual(before);
}

/** Sends `variables` to `send`, expects the typed refusal, and checks that nothing observable changed. */
async function expectSendRefused(variables: Record<string, unknown>, expected: ExpectedRefusal): Promise<void> {
  const before = await observableState(testNode.yoga, addresses);
  const data = await gqlData(testNode.yoga, SEND, variables);
  expect(data.send.__typename).toBe(expected.typename);
  expect(data.send.code).toBe(expected.code);
  expect(data.send.message).toMatch(expected.message);
  if (expected.field !== undefined) expect(data.send.field).toBe(expected.field);
  expect(await observableState(testNode.yoga, addresses)).toEqual(before);
}

/** A valid transfer of 1 coin from alice to bob with her next nonce. */
function validTransfer(overrides: { amount?: number; nonce?: number } = {}): SignedTransfer {
  return signTransfer(alice, { recipient: bob.address, amount: overrides.amount ?? 1, nonce: overrides.nonce ?? 0 });
}

describe('submitTransaction refuses a malformed transfer with a typed error and changes nothing', () => {
  const cases: Array<[string, () => Record<string, unknown>, ExpectedRefusal]> = [
    [
      'a negative amount',
      () => ({ ...inputOf(validTransfer()), amount: -1 }),
      { typename: 'TransactionRejectedError', code: 'INVALID_AMOUNT', message: /amount/ },
    ],
    [
      'a zero amount',
      () => ({ ...inputOf(validTransfer()), amount: 0 }),
      { typename: 'TransactionRejectedError', code: 'INVALID_AMOUNT', message: /amount/ },
    ],
    [
      'a negative nonce',
      () => ({ ...inputOf(validTransfer()), nonce: -1 }),
      { typename: 'TransactionRejectedError', code: 'INVALID_NONCE', message: /nonce/ },
    ],
    [
      'an empty sender',
      () => ({ ...inputOf(validTransfer()), sender: '' }),
      { typename: 'InvalidInputError', code: 'INVALID_INPUT', field: 'input.sender', message: /input\.sender/ },
    ],
    [
      'an empty recipient',
      () => ({ ...inputOf(validTransfer()), recipient: '' }),
      { typename: 'InvalidInputError', code: 'INVALID_INPUT', field: 'input.recipient', message: /input\.recipient/ },
    ],
    [
      'a recipient that is not hex',
      () => ({ ...inputOf(validTransfer()), recipient: 'bob' }),
      {
        typename: 'InvalidInputError',
        code: 'INVALID_INPUT',
        field: 'input.recipient',
        message: /input\.recipient.*64 hex/,
      },
    ],
    [
      'a recipient one hex digit short',
      () => ({ ...inputOf(validTransfer()), recipient: bob.address.slice(1) }),
      { typename: 'InvalidInputError', code: 'INVALID_INPUT', field: 'input.recipient', message: /input\.recipient/ },
    ],
    [
      'a sender with a non-hex character',
      () => ({ ...inputOf(validTransfer()), sender: `${alice.address.slice(0, -1)}g` }),
      { typename: 'InvalidInputError', code: 'INVALID_INPUT', field: 'input.sender', message: /input\.sender/ },
    ],
    [
      'a signature that is not 128 hex characters',
      () => ({ ...inputOf(validTransfer()), signature: 'not-a-signature' }),
      { typename: 'InvalidInputError', code: 'INVALID_INPUT', field: 'input.signature', message: /input\.signature/ },
    ],
    [
      'a well-formed but wrong signature',
      () => {
        const input = inputOf(validTransfer());
        return { ...input, signature: flipLastHexDigit(input.signature) };
      },
      { typename: 'TransactionRejectedError', code: 'INVALID_SIGNATURE', message: /signature/ },
    ],
    [
      "a signature by another key over the sender's transfer",
      () => {
        const forged = signTransaction(
          { sender: alice.address, recipient: bob.address, amount: 1, nonce: 0 },
          mallory.privateKey,
        );
        return { ...forged };
      },
      { typename: 'TransactionRejectedError', code: 'INVALID_SIGNATURE', message: /signature/ },
    ],
    [
      'an amount raised after signing',
      () => ({ ...inputOf(validTransfer()), amount: 2 }),
      { typename: 'TransactionRejectedError', code: 'INVALID_SIGNATURE', message: /signature/ },
    ],
    [
      'a recipient changed after signing',
      () => ({ ...inputOf(validTransfer()), recipient: mallory.address }),
      { typename: 'TransactionRejectedError', code: 'INVALID_SIGNATURE', message: /signature/ },
    ],
    [
      'the reward sender "0"',
      () => ({ ...inputOf(validTransfer()), sender: '0' }),
      { typename: 'TransactionRejectedError', code: 'REWARD_NOT_ALLOWED', message: /"0".*reward/ },
    ],
    [
      'a nonce ahead of the account',
      () => inputOf(validTransfer({ nonce: 5 })),
      { typename: 'TransactionRejectedError', code: 'NONCE_MISMATCH', message: /nonce/ },
    ],
    [
      'an amount above the balance',
      () => inputOf(validTransfer({ amount: 3 })),
      { typename: 'TransactionRejectedError', code: 'INSUFFICIENT_BALANCE', message: /balance/ },
    ],
  ];

  it.each(cases)('refuses %s', async (_name, makeInput, expected) => {
    await expectSubmitRefused(makeInput(), expected);
  });
});

describe('submitTransaction refuses a transfer that conflicts with the chain or the mempool', () => {
  it('refuses a nonce already used by a confirmed transfer with NONCE_MISMATCH', async () => {
    const first = await gqlData(testNode.yoga, SUBMIT_TRANSACTION, { input: inputOf(validTransfer()) });
    expect(first.submitTransaction.__typename).toBe('TransactionAccepted');
    await mineBlocks(testNode, 1);
    // A different transfer (to mallory) reusing nonce 0, which the chain has already consumed.
    await expectSubmitRefused(inputOf(signTransfer(alice, { recipient: mallory.address, amount: 1, nonce: 0 })), {
      typename: 'TransactionRejectedError',
      code: 'NONCE_MISMATCH',
      message: /nonce/,
    });
  });

  it('refuses a second transfer with the nonce of a pending one with NONCE_MISMATCH', async () => {
    await gqlData(testNode.yoga, SUBMIT_TRANSACTION, { input: inputOf(validTransfer()) });
    await expectSubmitRefused(inputOf(signTransfer(alice, { recipient: mallory.address, amount: 1, nonce: 0 })), {
      typename: 'TransactionRejectedError',
      code: 'NONCE_MISMATCH',
      message: /nonce/,
    });
  });

  it('counts pending transfers: two that each fit but together exceed the balance get INSUFFICIENT_BALANCE for the second', async () => {
    const first = await gqlData(testNode.yoga, SUBMIT_TRANSACTION, { input: inputOf(validTransfer({ amount: 1 })) });
    expect(first.submitTransaction.__typename).toBe('TransactionAccepted');
    await expectSubmitRefused(inputOf(validTransfer({ amount: 2, nonce: 1 })), {
      typename: 'TransactionRejectedError',
      code: 'INSUFFICIENT_BALANCE',
      message: /balance.*pending/,
    });
  });

  it('refuses the same transfer submitted twice with ALREADY_KNOWN', async () => {
    const input = inputOf(validTransfer());
    await gqlData(testNode.yoga, SUBMIT_TRANSACTION, { input });
    await expectSubmitRefused(input, {
      typename: 'TransactionRejectedError',
      code: 'ALREADY_KNOWN',
      message: /already/,
    });
  });

  it('refuses a transfer that is already confirmed with ALREADY_KNOWN', async () => {
    const input = inputOf(validTransfer());
    await gqlData(testNode.yoga, SUBMIT_TRANSACTION, { input });
    await mineBlocks(testNode, 1);
    await expectSubmitRefused(input, {
      typename: 'TransactionRejectedError',
      code: 'ALREADY_KNOWN',
      message: /already/,
    });
  });
});

describe('an amount that is not a SafeInt is a GraphQL validation error, not a typed result', () => {
  const badAmounts: Array<[string, unknown]> = [
    ['a fraction', 1.5],
    ['a string', '1'],
    ['2^53, just past the safe integers', 2 ** 53],
    ['a huge number', 1e20],
  ];

  it.each(badAmounts)('refuses %s in the input variable with extensions.code BAD_USER_INPUT', async (_name, amount) => {
    const before = await observableState(testNode.yoga, addresses);
    const error = await gqlError(testNode.yoga, SUBMIT_TRANSACTION, { input: { ...inputOf(validTransfer()), amount } });
    expect(error.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/\$input/);
    expect(error.message).toMatch(/amount/);
    expect(error.status).toBe(400);
    expect(error.data).toBeUndefined();
    expect(await observableState(testNode.yoga, addresses)).toEqual(before);
  });

  it.each(badAmounts)(
    'refuses %s as the amount variable of send with extensions.code BAD_USER_INPUT',
    async (_name, amount) => {
      const before = await observableState(testNode.yoga, addresses);
      const error = await gqlError(testNode.yoga, SEND, { recipient: bob.address, amount });
      expect(error.extensions?.['code']).toBe('BAD_USER_INPUT');
      expect(error.message).toMatch(/\$amount/);
      expect(error.message).toMatch(/SafeInt/);
      expect(await observableState(testNode.yoga, addresses)).toEqual(before);
    },
  );

  it.each([
    ['a fraction', '1.5'],
    ['a quoted number', '"1"'],
    ['2^53 + 1', '9007199254740993'],
  ])('refuses %s written inline with extensions.code GRAPHQL_VALIDATION_FAILED', async (_name, literal) => {
    const before = await observableState(testNode.yoga, addresses);
    const error = await gqlError(
      testNode.yoga,
      `mutation { send(recipient: "${bob.address}", amount: ${literal}) { __typename } }`,
    );
    expect(error.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(error.message).toMatch(/SafeInt/);
    expect(await observableState(testNode.yoga, addresses)).toEqual(before);
  });
});

describe('send refuses bad arguments with a typed error and changes nothing', () => {
  it.each([
    ['a negative amount', -1],
    ['a zero amount', 0],
  ])('refuses %s with INVALID_AMOUNT', async (_name, amount) => {
    await expectSendRefused(
      { recipient: bob.address, amount },
      { typename: 'TransactionRejectedError', code: 'INVALID_AMOUNT', message: /amount/ },
    );
  });

  it.each([
    ['an empty recipient', ''],
    ['a malformed recipient', 'not-an-address'],
    ['a recipient of 66 hex characters', `${bob.address}00`],
  ])('refuses %s with InvalidInputError naming the recipient', async (_name, recipient) => {
    await expectSendRefused(
      { recipient, amount: 1 },
      { typename: 'InvalidInputError', code: 'INVALID_INPUT', field: 'recipient', message: /recipient/ },
    );
  });

  it('refuses an amount above what the node wallet holds with INSUFFICIENT_BALANCE', async () => {
    const balance = testNode.node.chain.getAccount(testNode.node.wallet.address).balance;
    await expectSendRefused(
      { recipient: bob.address, amount: balance + 1 },
      { typename: 'TransactionRejectedError', code: 'INSUFFICIENT_BALANCE', message: /balance/ },
    );
  });

  it('counts its own pending sends against the node wallet balance', async () => {
    const balance = testNode.node.chain.getAccount(testNode.node.wallet.address).balance;
    const first = await gqlData(testNode.yoga, SEND, { recipient: bob.address, amount: balance });
    expect(first.send.__typename).toBe('TransactionAccepted');
    await expectSendRefused(
      { recipient: bob.address, amount: 1 },
      { typename: 'TransactionRejectedError', code: 'INSUFFICIENT_BALANCE', message: /pending/ },
    );
  });

  it('still answers a well-formed send after a refusal', async () => {
    await gql(testNode.yoga, SEND, { recipient: '', amount: 1 });
    const data = await gqlData(testNode.yoga, SEND, { recipient: bob.address, amount: 1 });
    expect(data.send.__typename).toBe('TransactionAccepted');
  });
});
