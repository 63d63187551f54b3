import { describe, expect, it } from 'vitest';
import { backoffDelay, isBackingOff, MAX_BACKOFF_MS, PeerSet } from '../../src/peer/peerSet.js';

const A = 'http://127.0.0.1:5001/graphql';
const B = 'http://127.0.0.1:5002/graphql';
const C = 'http://127.0.0.1:5003/graphql';
const facts = { height: 7, genesisHash: 'g'.repeat(64), address: 'a'.repeat(64) };

describe('PeerSet backoff', () => {
  it('backs an unreachable peer off 1 s, 2 s, 4 s … capped at 60 s', () => {
    const peers = new PeerSet();
    peers.add(A, 0);
    const delays: number[] = [];
    let now = 1_000_000;
    for (let i = 0; i < 9; i++) {
      peers.recordFailure(A, 'UNREACHABLE', 'cannot connect', now);
      const { retryAt } = peers.get(A)!;
      delays.push(retryAt! - now);
      now = retryAt!;
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
    expect(peers.get(A)).toMatchObject({ status: 'UNREACHABLE', failures: 9, lastError: 'cannot connect' });
    expect(MAX_BACKOFF_MS).toBe(60_000);
  });

  it('backs a refused peer off a full minute at once, keeping what it reported', () => {
    const peers = new PeerSet();
    peers.add(A, 0);
    const status = { ...facts, tipHash: 'h'.repeat(64), totalWork: '9' };
    peers.recordFailure(A, 'REFUSED', 'SELF', 500, status);
    expect(peers.get(A)).toEqual({
      url: A,
      status: 'REFUSED',
      ...facts,
      lastSeen: 500,
      lastError: 'SELF',
      addedAt: 0,
      failures: 1,
      retryAt: 500 + MAX_BACKOFF_MS,
    });
    expect(backoffDelay('REFUSED', 1)).toBe(MAX_BACKOFF_MS);
    expect(backoffDelay('UNREACHABLE', 3)).toBe(4000);
  });

  it('clears the backoff after a good answer', () => {
    const peers = new PeerSet();
    peers.add(A, 0);
    peers.recordFailure(A, 'UNREACHABLE', 'down', 100);
    peers.recordFailure(A, 'UNREACHABLE', 'down', 200);
    peers.recordSuccess(A, facts, 300);
    const cleared = { status: 'REACHABLE', failures: 0, retryAt: null, lastError: null, lastSeen: 300 };
    expect(peers.get(A)).toMatchObject(cleared);
    peers.recordFailure(A, 'UNREACHABLE', 'down again', 400);
    expect(peers.get(A)!.retryAt).toBe(1400);
  });

  it('says which peers are due: neither refused nor backing off', () => {
    const peers = new PeerSet();
    for (const url of [A, B, C]) peers.add(url, 0);
    peers.recordFailure(B, 'UNREACHABLE', 'down', 1000); // retry at 2000
    peers.recordFailure(C, 'REFUSED', 'GENESIS_MISMATCH', 1000); // retry at 61000, but refused
    expect(peers.due(1999).map((peer) => peer.url)).toEqual([A]);
    expect(peers.due(2000).map((peer) => peer.url)).toEqual([A, B]);
    expect(peers.due(100_000).map((peer) => peer.url)).toEqual([A, B]);
    expect(isBackingOff(peers.get(C)!, 60_999)).toBe(true);
    expect(isBackingOff(peers.get(C)!, 61_000)).toBe(false);
  });

  it('returns the record only when status, lastError or height changed', () => {
    const peers = new PeerSet();
    peers.add(A, 0);
    expect(peers.recordSuccess(A, facts, 1)).toMatchObject({ status: 'REACHABLE', height: 7 });
    expect(peers.recordSuccess(A, facts, 2)).toBeUndefined();
    expect(peers.recordSuccess(A, { ...facts, height: 8 }, 3)).toMatchObject({ height: 8 });
    expect(peers.recordFailure(A, 'UNREACHABLE', 'down', 4)).toMatchObject({ status: 'UNREACHABLE' });
    expect(peers.recordFailure(A, 'UNREACHABLE', 'down', 5)).toBeUndefined();
    expect(peers.get(A)!.failures).toBe(2);
    expect(peers.recordFailure(A, 'UNREACHABLE', 'timeout', 6)).toMatchObject({ lastError: 'timeout' });
  });

  it('ignores contacts with a peer it does not know', () => {
    const peers = new PeerSet();
    expect(peers.recordSuccess(A, facts, 1)).toBeUndefined();
    expect(peers.recordFailure(A, 'REFUSED', 'x', 1)).toBeUndefined();
    expect(peers.size).toBe(0);
  });
});
