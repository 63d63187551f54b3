import { describe, expect, it } from 'vitest';
import { PeerContacts } from '../../src/node/peerContacts.js';
import { PeerProtocolError, PeerUnreachableError } from '../../src/peer/peerApi.js';
import { fakePeers, stubHost } from './networkTestKit.js';

const A = 'http://127.0.0.1:5001/graphql';
const facts = { height: 3, genesisHash: 'g'.repeat(64), address: 'a'.repeat(64) };

describe('PeerContacts', () => {
  it('announces peerChanged once per visible change (status, lastError, height)', () => {
    const { host, clock, changes } = stubHost();
    const contacts = new PeerContacts(host, fakePeers().connect);
    contacts.peers.add(A, clock.now());
    contacts.succeeded(A, facts);
    contacts.succeeded(A, facts);
    contacts.failedWith(A, new PeerUnreachableError('cannot connect: ECONNREFUSED'));
    contacts.failedWith(A, new PeerUnreachableError('cannot connect: ECONNREFUSED'));
    contacts.failedWith(A, new PeerProtocolError('node.height is not a number'));
    expect(changes.map((peer) => [peer.status, peer.lastError])).toEqual([
      ['REACHABLE', null],
      ['UNREACHABLE', 'cannot connect: ECONNREFUSED'],
      ['REFUSED', 'PROTOCOL_ERROR: node.height is not a number'],
    ]);
    expect(contacts.peers.get(A)).toMatchObject({ failures: 3, retryAt: clock.now() + 60_000 });
  });

  it('lists only due peers, by the host clock', () => {
    const { host, clock } = stubHost();
    const contacts = new PeerContacts(host, fakePeers().connect);
    contacts.peers.add(A, clock.now());
    contacts.failed(A, 'UNREACHABLE', 'down');
    expect(contacts.due()).toEqual([]);
    clock.advance(1000);
    expect(contacts.due().map((peer) => peer.url)).toEqual([A]);
  });

  it('keeps one connection per peer until the peer is forgotten', () => {
    const { host, clock } = stubHost();
    const { connect } = fakePeers();
    let opened = 0;
    const contacts = new PeerContacts(host, (url) => {
      opened++;
      return connect(url);
    });
    contacts.peers.add(A, clock.now());
    const first = contacts.client(A);
    expect(contacts.client(A)).toBe(first);
    expect(opened).toBe(1);
    expect(contacts.forget(A)).toBe(true);
    expect(contacts.forget(A)).toBe(false);
    expect(contacts.peers.size).toBe(0);
    expect(contacts.client(A)).not.toBe(first);
    expect(opened).toBe(2);
  });
});
