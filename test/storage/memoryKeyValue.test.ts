import { describe, expect, it } from 'vitest';
import { MemoryKeyValueStore } from '../../src/chain/db/keyValue.js';
import { describeChainDbContract } from './chainDbContract.js';
import { describeKeyValueContract } from './keyValueContract.js';

// The in-memory backend "reopens" as itself: the same object holds the same data.
const memoryHarness = async () => {
  const kv = new MemoryKeyValueStore();
  return { kv, reopen: async () => kv, cleanup: async () => {} };
};

describeKeyValueContract('MemoryKeyValueStore', memoryHarness);
describeChainDbContract('MemoryKeyValueStore', memoryHarness);

describe('MemoryKeyValueStore keys', () => {
  it('orders keys by their bytes, high bytes and keys longer than the short-key path alike', () => {
    const kv = new MemoryKeyValueStore();
    const long = (fill: number) => Uint8Array.from({ length: 2_000 }, (_, i) => (i === 0 ? 7 : fill));
    const keys = [Uint8Array.of(7, 0x80), Uint8Array.of(7, 0xff, 0), Uint8Array.of(7, 0x7f), long(0x90), long(0x10)];
    keys.forEach((key, i) => {
      kv.put(key, Uint8Array.of(i));
    });
    const read = [...kv.range(Uint8Array.of(7), Uint8Array.of(8))].map(([key, value]) => [
      key.length,
      key[1],
      value[0],
    ]);
    expect(read).toEqual([
      [2_000, 0x10, 4],
      [2, 0x7f, 2],
      [2, 0x80, 0],
      [2_000, 0x90, 3],
      [3, 0xff, 1],
    ]);
    expect(kv.get(long(0x90))).toEqual(Uint8Array.of(3));
  });
});
