import { MemoryChainStore } from '../../src/chain/store.js';
import { describeChainStoreContract } from './chainStoreContract.js';

// The in-memory store "reopens" as itself: the same object holds the same data.
describeChainStoreContract('MemoryChainStore', async () => {
  const store = new MemoryChainStore();
  return { store, reopen: async () => store, cleanup: async () => {} };
});
