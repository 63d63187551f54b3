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
