import { afterEach, describe, expect, it, vi } from 'vitest';
import { PeerContacts } from '../../src/node/peerContacts.js';
import { SyncScheduler } from '../../src/node/syncScheduler.js';
import { fakePeers, stubHost } from './networkTestKit.js';

const A = 'http://127.0.0.1:5001/graphql';

function scheduler(syncIntervalMs = 0) {
  const stub = stubHost();
  const peerFakes = fakePeers();
  const contacts = new PeerContacts(stub.host, peerFakes.connect);
  contacts.peers.add(A, stub.clock.now());
  const sync = new SyncScheduler(contacts, stub.host, { syncIntervalMs });
  /** Requests the peer received (0 before a connection is opened). */
  const calls = () => peerFakes.fakes.get(A)?.calls ?? 0;
  return { ...stub, contacts, sync, calls };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('SyncScheduler', () => {
  it('runs one sync per peer at a time: concurrent calls share it, and it runs once more afterwards', async () => {
    const { sync, calls, logs } = scheduler();
    const first = sync.syncFrom(A);
    const second = sync.syncFrom(A);
    const third = sync.syncFrom(A);
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect((await first).outcome).toBe('IN_SYNC');
    expect(calls()).toBe(2); // one status() per run: the first, and one rerun for both waiting requests
    expect(logs.filter((event) => event === 'peer.sync')).toHaveLength(2);
    await sync.syncFrom(A);
    expect(calls()).toBe(3);
  });

  it('records the outcome on the peer', async () => {
    const { sync, contacts } = scheduler();
    await sync.resolve();
    expect(contacts.peers.get(A)).toMatchObject({ status: 'REACHABLE', height: 1, failures: 0 });
  });

  it('resyncs on its timer until stopped', async () => {
    vi.useFakeTimers();
    const { sync, calls } = scheduler(1_000);
    sync.start();
    await vi.advanceTimersByTimeAsync(999);
    expect(calls()).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls()).toBe(2);
    sync.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls()).toBe(2);
  });
});
