import { MemoryKeyValueStore } from '../../src/chain/db/keyValue.js';
import { describeChainStoreContract } from './chainStoreContract.js';
import { describeKeyValueContract } from './keyValueContract.js';

// The in-memory backend "reopens" as itself: the same object holds the same data.
const memoryHarness = async () => {
  const kv = new MemoryKeyValueStore();
  return { kv, reopen: async () => kv, cleanup: async () => {} };
};

describeKeyValueContract('MemoryKeyValueStore', memoryHarness);
describeChainStoreContract('MemoryKeyValueStore', memoryHarness);
