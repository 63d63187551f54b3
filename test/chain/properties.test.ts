import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blockHash } from '../../src/chain/block.js';
import type { Chain } from '../../src/chain/chain.js';
import { decodeBlock, decodeHeader, encodeBlock, encodeHeader } from '../../src/chain/encoding.js';
import { bytesToHex } from '../../src/chain/hex.js';
import { type AccountState, EMPTY_ACCOUNT } from '../../src/chain/ledger.js';
import { computeMerkleRoot } from '../../src/chain/merkle.js';
import { MAX_PROOF } from '../../src/chain/pow.js';
import { transactionId } from '../../src/chain/transaction.js';
import { type Block, type BlockHeader, REWARD_SENDER, type Transaction } from '../../src/chain/types.js';
import {
  addBlockOrThrow,
  asParent,
  buildChain,
  createTestChain,
  mineBlock,
  type ParentRef,
  transfer,
} from '../helpers/chainBuilder.js';
import { alice, bob, carol, type TestWallet } from '../helpers/keys.js';

// Invariants checked on generated inputs. Every property runs with a fixed seed, so failures reproduce and the
// suite is deterministic; run counts are kept modest so the whole chain suite stays fast.

const SEED = 42;

const hex32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(bytesToHex);
const hex64 = fc.uint8Array({ minLength: 64, maxLength: 64 }).map(bytesToHex);
const safeUint = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });

const headerArbitrary: fc.Arbitrary<BlockHeader> = fc.record({
  index: fc.integer({ min: 1, max: 0xffffffff }),
  timestamp: safeUint,
  previousHash: hex32,
  merkleRoot: hex32,
  difficulty: fc.integer({ min: 0, max: 255 }),
  proof: fc.integer({ min: 0, max: MAX_PROOF }),
});

const transactionArbitrary: fc.Arbitrary<Transaction> = fc.oneof(
  fc.record({
    sender: fc.constant(REWARD_SENDER),
    recipient: hex32,
    amount: safeUint,
    nonce: safeUint,
    signature: fc.constant(null),
  }),
  fc.record({ sender: hex32, recipient: hex32, amount: safeUint, nonce: safeUint, signature: hex64 }),
);

const blockArbitrary: fc.Arbitrary<Block> = fc.record({
  header: headerArbitrary,
  transactions: fc.array(transactionArbitrary, { maxLength: 6 }),
});

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean =>
  a.length === b.length && a.every((byte, i) => byte === b[i]);

describe('encoding properties', () => {
  it('decodeHeader(encodeHeader(h)) is h, and the encoding is always 85 bytes', () => {
    fc.assert(
      fc.property(headerArbitrary, (header) => {
        const bytes = encodeHeader(header);
        expect(bytes.length).toBe(85);
        expect(decodeHeader(bytes)).toEqual(header);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('decodeBlock(encodeBlock(b)) is b, and re-encoding gives the same bytes', () => {
    fc.assert(
      fc.property(blockArbitrary, (block) => {
        const bytes = encodeBlock(block);
        const decoded = decodeBlock(bytes);
        expect(decoded).toEqual(block);
        expect(sameBytes(encodeBlock(decoded), bytes)).toBe(true);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('any 85 bytes with in-range fields decode to a header that re-encodes to the same bytes (one encoding per header)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 85, maxLength: 85 }), (random) => {
        const bytes = random.slice();
        // Keep the u64 fields (timestamp at 4, proof at 77) below 2^53 and the index (at 0) above 0.
        for (const offset of [4, 77]) {
          bytes[offset] = 0;
          bytes[offset + 1]! &= 0x1f;
        }
        bytes[3]! |= 0x01;
        expect(sameBytes(encodeHeader(decodeHeader(bytes)), bytes)).toBe(true);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('a transaction id never depends on the signature', () => {
    fc.assert(
      fc.property(transactionArbitrary, hex64, (tx, signature) => {
        fc.pre(tx.sender !== REWARD_SENDER);
        const resigned: Transaction = { ...tx, signature };
        expect(transactionId(resigned)).toBe(transactionId(tx));
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('changing any one id changes the merkle root', () => {
    fc.assert(
      fc.property(fc.array(hex32, { minLength: 1, maxLength: 9 }), fc.nat(), hex32, (ids, pick, replacement) => {
        const position = pick % ids.length;
        fc.pre(ids[position] !== replacement);
        const changed = ids.map((id, i) => (i === position ? replacement : id));
        expect(computeMerkleRoot(changed)).not.toBe(computeMerkleRoot(ids));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('tamper evidence', () => {
  // A valid mined block at difficulty 8 with the reward and two signed transfers, on a chain that holds its parent.
  function fixture(): { chain: Chain; block: Block; bytes: Uint8Array; hash: string } {
    const { chain } = buildChain(2, { miner: alice });
    const block = mineBlock({ chain, transactions: [transfer(alice, bob, 1, 0), transfer(alice, carol, 1, 1)] });
    return { chain, block, bytes: encodeBlock(block), hash: blockHash(block.header) };
  }

  /**
   * The outcome of offering `bytes` as the block with the original's hash: 'undecodable' when decodeBlock throws,
   * 'not canonical' when the decoded block encodes differently, else the chain's status.
   */
  function offer(chain: Chain, bytes: Uint8Array, originalHash: string): string {
    let decoded: Block;
    try {
      decoded = decodeBlock(bytes);
    } catch {
      return 'undecodable';
    }
    if (!sameBytes(encodeBlock(decoded), bytes)) return 'not canonical';
    return chain.addBlock(decoded, originalHash).status;
  }

  it('the untouched encoding is accepted (the fixture is valid)', () => {
    const { chain, bytes, hash } = fixture();
    expect(offer(chain, bytes, hash)).toBe('extended');
  });

  it('any single-byte change of an encoded valid block invalidates it (random position and xor)', () => {
    const { chain, block, bytes, hash } = fixture();
    const tipBefore = chain.tip.hash;
    const outcomes = new Set<string>();
    fc.assert(
      fc.property(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (position, xor) => {
        const changed = bytes.slice();
        changed[position]! ^= xor;
        const outcome = offer(chain, changed, hash);
        outcomes.add(outcome);
        expect(['undecodable', 'invalid', 'not canonical']).toContain(outcome);
        expect(chain.tip.hash).toBe(tipBefore);
      }),
      { seed: SEED, numRuns: 2_000 },
    );
    expect(outcomes.has('undecodable') && outcomes.has('invalid')).toBe(true);
    // None of the tampered copies poisoned the original: it is still accepted under its hash.
    expect(chain.addBlock(block, hash).status).toBe('extended');
  });

  it('flipping the lowest bit of every byte of an encoded valid block invalidates it (exhaustive over positions)', () => {
    const { chain, block, bytes, hash } = fixture();
    const accepted: number[] = [];
    for (let position = 0; position < bytes.length; position++) {
      const changed = bytes.slice();
      changed[position]! ^= 0x01;
      const outcome = offer(chain, changed, hash);
      if (outcome !== 'undecodable' && outcome !== 'invalid' && outcome !== 'not canonical') accepted.push(position);
    }
    expect(accepted).toEqual([]);
    expect(chain.addBlock(block, hash).status).toBe('extended');
  });
});

describe('fork choice properties', () => {
  const WALLETS: readonly TestWallet[] = [alice, bob, carol];

  interface ModelBlock {
    readonly ref: ParentRef;
    readonly parent: number;
    readonly height: number;
    readonly accounts: ReadonlyMap<string, AccountState>;
  }

  const stepArbitrary = fc.record({
    parentPick: fc.nat(),
    minerPick: fc.nat({ max: WALLETS.length - 1 }),
    pays: fc.boolean(),
    senderPick: fc.nat({ max: WALLETS.length - 1 }),
    recipientPick: fc.nat({ max: WALLETS.length - 1 }),
    amountPick: fc.nat(),
  });

  it('the tip is always the first-seen block of most work, and its state equals a model of its branch and the same chain built directly', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(fc.array(stepArbitrary, { minLength: 1, maxLength: 12 }), (steps) => {
        const { chain } = createTestChain();
        const model: ModelBlock[] = [{ ref: chain.genesis, parent: -1, height: 1, accounts: new Map() }];
        let best = 0;
        for (const step of steps) {
          const parentIndex = step.parentPick % model.length;
          const parent = model[parentIndex]!;
          const accounts = new Map(parent.accounts);
          const account = (address: string): AccountState => accounts.get(address) ?? EMPTY_ACCOUNT;
          const miner = WALLETS[step.minerPick]!;
          accounts.set(miner.address, { ...account(miner.address), balance: account(miner.address).balance + 1 });
          const transactions: Transaction[] = [];
          const sender = WALLETS[step.senderPick]!;
          const recipient = WALLETS[step.recipientPick]!;
          const funds = account(sender.address);
          if (step.pays && funds.balance > 0) {
            const amount = 1 + (step.amountPick % funds.balance);
            transactions.push(transfer(sender, recipient, amount, funds.nonce));
            accounts.set(sender.address, { balance: funds.balance - amount, nonce: funds.nonce + 1 });
            accounts.set(recipient.address, {
              ...account(recipient.address),
              balance: account(recipient.address).balance + amount,
            });
          }
          // Distinct timestamps keep siblings with the same miner and transfers distinct.
          const timestamp = parent.ref.block.header.timestamp + 1_000 + model.length;
          const block = mineBlock({ parent: parent.ref, miner, transactions, timestamp });
          const result = chain.addBlock(block);
          expect(['extended', 'reorg', 'side']).toContain(result.status);
          seen.add(result.status);
          if (transactions.length > 0) seen.add('with a transfer');
          model.push({ ref: asParent(block), parent: parentIndex, height: parent.height + 1, accounts });
          // Equal difficulty everywhere: more work means a greater height; a tie keeps the block seen first.
          if (parent.height + 1 > model[best]!.height) best = model.length - 1;
          expect(chain.tip.hash).toBe(model[best]!.ref.hash);
        }
        const tip = model[best]!;
        for (const wallet of WALLETS)
          expect(chain.getAccount(wallet.address)).toEqual(tip.accounts.get(wallet.address) ?? EMPTY_ACCOUNT);
        const supply = WALLETS.reduce((sum, wallet) => sum + chain.getAccount(wallet.address).balance, 0);
        expect(supply).toBe((tip.height - 1) * chain.params.reward);

        const path: Block[] = [];
        for (let i = best; i > 0; i = model[i]!.parent) path.unshift(model[i]!.ref.block);
        const { chain: direct } = createTestChain();
        for (const block of path) addBlockOrThrow(direct, block);
        expect(chain.tip.totalWork).toBe(direct.tip.totalWork);
        for (const wallet of WALLETS) {
          expect(chain.getAccountTransactionIds(wallet.address)).toEqual(
            direct.getAccountTransactionIds(wallet.address),
          );
        }
        for (const block of path) {
          for (const tx of block.transactions) {
            const id = transactionId(tx);
            expect(chain.getTransaction(id)?.block.hash).toBe(direct.getTransaction(id)?.block.hash);
          }
        }
      }),
      { seed: SEED, numRuns: 60 },
    );
    // The generated trees did exercise every outcome.
    expect([...seen].sort()).toEqual(['extended', 'reorg', 'side', 'with a transfer']);
  });
});
