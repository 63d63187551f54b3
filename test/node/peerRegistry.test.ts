import { describe, expect, it } from 'vitest';
import { PeerContacts } from '../../src/node/peerContacts.js';
import { PeerRegistry, PeerUrlError } from '../../src/node/peerRegistry.js';
import { MemoryPeerStore } from '../../src/node/peerStore.js';
import { fakePeers, stubHost } from './networkTestKit.js';

const A = 'http://127.0.0.1:5001/graphql';
const B = 'http://10.0.0.2:5002/graphql';

function registry(options: { allow?: string[]; publicUrl?: string | null; store?: MemoryPeerStore } = {}) {
  const stub = stubHost();
  const peerFakes = fakePeers();
  const contacts = new PeerContacts(stub.host, peerFakes.connect);
  const store = options.store ?? new MemoryPeerStore();
  const registry = new PeerRegistry(
    contacts,
    stub.host,
    { peerStore: store, ...(options.allow === undefined ? {} : { peerAllowList: options.allow }) },
    () => options.publicUrl ?? null,
  );
  return { ...stub, ...peerFakes, contacts, store, registry };
}

describe('PeerRegistry', () => {
  it('restores stored peers as UNKNOWN, skipping malformed entries', () => {
    const store = new MemoryPeerStore();
    store.putPeer(A, 5);
    store.putPeer('ftp://nowhere', 6);
    const { contacts } = registry({ store });
    expect(contacts.peers.list()).toMatchObject([{ url: A, status: 'UNKNOWN', addedAt: 5 }]);
  });

  it('registers, probes, stores and announces a new peer, and asks it to register the public URL back', async () => {
    const { registry: peers, store, changes, fakes } = registry({ publicUrl: 'http://127.0.0.1:4000/graphql' });
    const { added } = await peers.register(['127.0.0.1:5001', 'http://127.0.0.1:5001/graphql']);
    expect(added.map((peer) => [peer.url, peer.status])).toEqual([[A, 'REACHABLE']]);
    expect(store.listPeers().map((peer) => peer.url)).toEqual([A]);
    expect(changes.map((peer) => peer.status)).toEqual(['UNKNOWN', 'REACHABLE']);
    expect(fakes.get(A)!.registered).toEqual(['http://127.0.0.1:4000/graphql']);
  });

  it('refuses a host outside the allow-list (host or host:port) and then registers nothing', async () => {
    const { registry: peers, contacts } = registry({ allow: ['127.0.0.1:5001', '10.0.0.2'] });
    const refused = await peers.register([A, '127.0.0.1:5002']).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PeerUrlError);
    expect(refused).toMatchObject({ field: 'urls[1]' });
    expect(contacts.peers.size).toBe(0);
    await peers.register([A, B]);
    expect(contacts.peers.list().map((peer) => peer.url)).toEqual([A, B]);
  });

  it('removes peers from the set and the store; a malformed URL removes nothing', async () => {
    const { registry: peers, contacts, store } = registry();
    await peers.register([A, B]);
    expect(() => peers.remove([A, 'ftp://x'])).toThrow(PeerUrlError);
    expect(contacts.peers.size).toBe(2);
    expect(peers.remove([A, 'http://127.0.0.1:9/graphql'])).toMatchObject({ removed: [A], peers: [{ url: B }] });
    expect(store.listPeers().map((peer) => peer.url)).toEqual([B]);
  });
});
