import { afterEach, describe, expect, it } from 'vitest';
import { del, put } from '../../src/chain/db/keyValue.js';
import type { StoreHarness } from './chainDbContract.js';

const bytes = (...values: number[]) => Uint8Array.from(values);
const entries = (iterable: Iterable<readonly [Uint8Array, Uint8Array]>) =>
  [...iterable].map(([key, value]) => [[...key], [...value]]);

/** The key-value contract every backend meets: point reads, ordered ranges, ordered all-or-nothing batches. */
export function describeKeyValueContract(name: string, createHarness: () => Promise<StoreHarness>): void {
  describe(`${name}: the key-value contract`, () => {
    let harness: StoreHarness;
    afterEach(async () => {
      await harness?.cleanup();
    });

    it('reads back what it was given, and undefined for what it does not hold', async () => {
      harness = await createHarness();
      const { kv } = harness;
      expect(kv.get(bytes(1, 2))).toBeUndefined();
      kv.put(bytes(1, 2), bytes(9));
      expect([...kv.get(bytes(1, 2))!]).toEqual([9]);
      kv.delete(bytes(1, 2));
      expect(kv.get(bytes(1, 2))).toBeUndefined();
    });

    it('reads a range [gte, lt) in ascending byte order, across first bytes', async () => {
      harness = await createHarness();
      const { kv } = harness;
      // First bytes 0xe1 and up: no table of the chain database (a data directory holds its format version).
      kv.batch([
        put(bytes(0xe2, 0), bytes(4)),
        put(bytes(0xe1, 255), bytes(3)),
        put(bytes(0xe1, 1), bytes(1)),
        put(bytes(0xe1, 2, 0), bytes(2)),
      ]);
      const [e1, e2] = [0xe1, 0xe2];
      expect(entries(kv.range(bytes(e1), bytes(e2)))).toEqual([
        [[e1, 1], [1]],
        [[e1, 2, 0], [2]],
        [[e1, 255], [3]],
      ]);
      const across = [
        [[e1, 2, 0], [2]],
        [[e1, 255], [3]],
        [[e2, 0], [4]],
      ];
      expect(entries(kv.range(bytes(e1, 2), bytes(e2, 1)))).toEqual(across);
      expect(entries(kv.range(bytes(0xe3), bytes(0xe4)))).toEqual([]);
    });

    it('applies a batch in order (a put then a delete of one key leaves nothing) and keeps it after a reopen', async () => {
      harness = await createHarness();
      harness.kv.batch([put(bytes(5), bytes(1)), del(bytes(5)), put(bytes(6), bytes(2)), put(bytes(6), bytes(3))]);
      const kv = await harness.reopen();
      expect(kv.get(bytes(5))).toBeUndefined();
      expect([...kv.get(bytes(6))!]).toEqual([3]);
    });

    it('applies nothing of a batch that fails part-way', async () => {
      harness = await createHarness();
      const { kv } = harness;
      expect(() => kv.batch([put(bytes(7), bytes(1)), put(new Uint8Array(0), bytes(2))])).toThrow();
      expect(kv.get(bytes(7))).toBeUndefined();
    });

    it('settles batchSoon once the operations are readable, grouping calls of one turn', async () => {
      harness = await createHarness();
      const { kv } = harness;
      await Promise.all([kv.batchSoon([put(bytes(8), bytes(1))]), kv.batchSoon([put(bytes(9), bytes(2))])]);
      const reopened = await harness.reopen();
      expect([...reopened.get(bytes(8))!, ...reopened.get(bytes(9))!]).toEqual([1, 2]);
    });
  });
}
