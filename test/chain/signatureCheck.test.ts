import { beforeEach, describe, expect, it } from 'vitest';
import {
  clearSignatureCache,
  createRewardTransaction,
  hasValidSignature,
  recordSignatureVerdict,
  SIGNATURE_RECORD_BYTES,
  type SignatureCheck,
  signatureCheckOf,
  signTransaction,
  verifySignatureRecord,
  writeSignatureRecord,
} from '../../src/chain/transaction.js';
import type { Transaction } from '../../src/chain/types.js';
import { transfer } from '../helpers/chainBuilder.js';
import { alice, bob, carol } from '../helpers/keys.js';

// Signature checks ahead of validation (Bitcoin Core's check queue feeding its sigcache): a worker verifies a record
// with the very check validation makes, and only a valid verdict on exactly those bytes enters the cache.

const recordOf = (check: SignatureCheck) => {
  const record = new Uint8Array(SIGNATURE_RECORD_BYTES);
  writeSignatureRecord(check, record, 0);
  return record;
};

const valid = transfer(alice, bob, 5, 0);
const otherSignature = transfer(alice, bob, 6, 0).signature!;
const invalids: Record<string, Transaction> = {
  'another payload signed by the sender': { ...valid, signature: otherSignature },
  'a changed amount': { ...valid, amount: 4 },
  'a changed recipient': { ...valid, recipient: carol.address },
  'this payload signed by someone else': signTransaction({ ...valid }, bob.privateKey),
  'a signature that is not a curve point': { ...valid, signature: 'ff'.repeat(64) },
  'a sender that is not a key': { ...valid, sender: 'ee'.repeat(32) },
};

beforeEach(() => clearSignatureCache());

describe('signature checks ahead of validation', () => {
  it("gives the worker's verdict exactly hasValidSignature's, for a valid transfer and for every kind of invalid one", () => {
    for (const [name, tx] of Object.entries({ valid, ...invalids })) {
      const record = recordOf(signatureCheckOf(tx)!);
      clearSignatureCache();
      expect(verifySignatureRecord(record), name).toBe(hasValidSignature(tx));
    }
    expect(verifySignatureRecord(recordOf(signatureCheckOf(valid)!))).toBe(true);
  });

  it('has nothing to check for the reward, a malformed transfer or a signature already in the cache', () => {
    expect(signatureCheckOf(createRewardTransaction(2, alice.address, 1))).toBeUndefined();
    expect(signatureCheckOf({ ...valid, signature: null })).toBeUndefined();
    expect(signatureCheckOf({ ...valid, signature: 'AB'.repeat(64) })).toBeUndefined();
    expect(signatureCheckOf({ ...valid, recipient: 'not hex' })).toBeUndefined();
    expect(signatureCheckOf({ ...valid, amount: -1 })).toBeUndefined();
    expect(signatureCheckOf(null as unknown as Transaction)).toBeUndefined();
    expect(signatureCheckOf({ ...valid, amount: '5' } as unknown as Transaction)).toBeUndefined();
    expect(signatureCheckOf(valid)).toBeDefined();
    expect(hasValidSignature(valid)).toBe(true);
    expect(signatureCheckOf(valid)).toBeUndefined();
  });

  it('caches a valid verdict, so the next check of that transfer is skipped', () => {
    const check = signatureCheckOf(valid)!;
    recordSignatureVerdict(check, verifySignatureRecord(recordOf(check)));
    expect(signatureCheckOf(valid)).toBeUndefined();
    expect(hasValidSignature(valid)).toBe(true);
  });

  it('never caches an invalid verdict: validation checks that signature again and refuses it', () => {
    const forged = invalids['another payload signed by the sender']!;
    const check = signatureCheckOf(forged)!;
    recordSignatureVerdict(check, verifySignatureRecord(recordOf(check)));
    expect(signatureCheckOf(forged)).toBeDefined();
    expect(hasValidSignature(forged)).toBe(false);
  });

  it('cannot be poisoned: a valid verdict covers only the exact payload and signature that were checked', () => {
    const tx = { ...valid };
    const check = signatureCheckOf(tx)!;
    const record = recordOf(check);
    // Whatever happens to the transaction object or to a copy of the record afterwards, the verdict stays bound to
    // the bytes the check holds.
    (tx as { amount: number }).amount = 1_000;
    record[70] = record[70]! ^ 1;
    recordSignatureVerdict(check, true);
    expect(hasValidSignature(tx)).toBe(false);
    for (const [name, tampered] of Object.entries(invalids)) expect(hasValidSignature(tampered), name).toBe(false);
    expect(hasValidSignature(valid)).toBe(true);
  });

  it('refuses a verdict for a check it did not make', () => {
    expect(() => recordSignatureVerdict({} as SignatureCheck, true)).toThrow(TypeError);
    expect(() => writeSignatureRecord({} as SignatureCheck, new Uint8Array(SIGNATURE_RECORD_BYTES), 0)).toThrow(
      TypeError,
    );
    expect(hasValidSignature(valid)).toBe(true);
  });

  it('refuses a record of the wrong length or of a reward', () => {
    const record = recordOf(signatureCheckOf(valid)!);
    expect(verifySignatureRecord(record.subarray(0, SIGNATURE_RECORD_BYTES - 1))).toBe(false);
    const reward = record.slice();
    reward[0] = 0;
    expect(verifySignatureRecord(reward)).toBe(false);
  });
});
