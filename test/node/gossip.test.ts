import { describe, expect, it } from 'vitest';
import { Gossip } from '../../src/node/gossip.js';
import { PeerContacts } from '../../src/node/peerContacts.js';
import { buildChain, idOf, transfer } from '../helpers/chainBuilder.js';
import { bob, minerWallet } from '../helpers/keys.js';
import { fakePeers, stubHost } from './networkTestKit.js';

const A = 'http://127.0.0.1:5001/graphql';
const B = 'http://127.0.0.1:5002/graphql';
const flush = () => new Promise((resolve) => setTimeout(resolve, 10));

/** Gossip over two peers (B refused) and a branch whose last block carries one transfer. */
function gossip(pending: (id: string) => boolean) {
  const stub = stubHost({ isPending: pending });
  const peerFakes = fakePeers();
  const contacts = new PeerContacts(stub.host, peerFakes.connect);
  contacts.peers.add(A, stub.clock.now());
  contacts.peers.add(B, stub.clock.now());
  contacts.failed(B, 'REFUSED', 'SELF');
  const gossip = new Gossip(contacts, stub.host, () => 'http://127.0.0.1:4000/graphql');
  const payment = transfer(minerWallet, bob, 1, 0);
  const { blocks } = buildChain(2, { transactionsAt: (position) => (position === 1 ? [payment] : []) });
  const relayed = (url: string) => peerFakes.fakes.get(url)?.pushedTransactions ?? [];
  const requests = (url: string) => peerFakes.fakes.get(url)?.calls ?? 0;
  return { ...stub, gossip, payment, blocks, relayed, requests };
}

describe('Gossip', () => {
  it('relays again the still-pending transfers of blocks a reorganization disconnected, to due peers', async () => {
    const pendingIds = new Set<string>();
    const { host, gossip: g, payment, blocks, relayed } = gossip((id) => pendingIds.has(id));
    pendingIds.add(idOf(payment));
    g.start();
    const [oldFirst, oldTip] = [blocks[0]!, blocks[1]!];
    const reorganized = { depth: 2, oldTip, newTip: oldTip, disconnected: [oldFirst, oldTip], connected: [] };
    host.events.emit('chainReorganized', reorganized);
    await flush();
    expect(relayed(A)).toEqual([payment]); // the rewards are not pending: not relayed
    expect(relayed(B)).toEqual([]);
    g.stop();
  });

  it('sends nothing after stop, neither queued transfers nor new events', async () => {
    const { host, gossip: g, blocks, requests } = gossip(() => true);
    g.start();
    const tip = blocks[1]!;
    host.events.emit('chainReorganized', { depth: 1, oldTip: tip, newTip: tip, disconnected: [tip], connected: [] });
    g.stop();
    host.events.emit('tipChanged', { tip, connected: [tip] });
    await flush();
    expect(requests(A)).toBe(0);
  });
});
