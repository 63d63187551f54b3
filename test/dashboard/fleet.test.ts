import { describe, expect, it } from 'vitest';
import {
  type FleetMember,
  fleetAgreement,
  fleetMembers,
  parseFleetNodes,
  placeFleetMarkers,
} from '../../src/dashboard/app/fleet.js';
import { createForkTree, layoutForkTree, reduceForkTree, type TreeBlock } from '../../src/dashboard/app/forkTree.js';

const OWN = 'http://127.0.0.1:4000/graphql';
const TIP_A = `0000ab12${'a'.repeat(56)}`;
const TIP_B = `0000cd34${'b'.repeat(56)}`;

function member(key: string, overrides: Partial<FleetMember>): FleetMember {
  return {
    key,
    kind: 'node',
    url: key,
    label: key,
    status: 'REACHABLE',
    height: 10,
    tipHash: TIP_A,
    problem: null,
    ...overrides,
  };
}

describe('the fleet view', () => {
  it('reads ?nodes= as node URLs, leaving out this node and repeats, and refusing what is no http(s) URL', () => {
    const search = `?nodes=${encodeURIComponent(
      '127.0.0.1:4001, http://127.0.0.1:4002/graphql,http://127.0.0.1:4000/graphql,127.0.0.1:4001,ftp://x:1,http://[::1,,',
    )}`;
    expect(parseFleetNodes(search, OWN)).toEqual({
      urls: ['http://127.0.0.1:4001/graphql', 'http://127.0.0.1:4002/graphql'],
      refused: [
        { text: 'ftp://x:1', problem: '?nodes= entry ftp://x:1 must be an http(s) URL, got ftp:' },
        { text: 'http://[::1', problem: '?nodes= entry http://[::1 is not a URL' },
      ],
    });
    expect(parseFleetNodes('?node=x', OWN)).toEqual({ urls: [], refused: [] });
  });

  it('counts this node and the ?nodes= nodes on the most common tip; peers and unreachable nodes do not agree', () => {
    const self = member('self', { kind: 'self', status: 'SELF' });
    const members = fleetMembers(
      self,
      [
        member('http://b/graphql', {}),
        member('http://c/graphql', {}),
        member('http://d/graphql', { tipHash: TIP_B }),
        member('http://e/graphql', { status: 'UNREACHABLE' }),
      ],
      [
        { url: 'http://b/graphql', status: 'REACHABLE', height: 10 },
        { url: 'http://p/graphql', status: 'REACHABLE', height: 9 },
      ],
    );
    expect(members.map((one) => one.key)).toEqual([
      'self',
      'http://b/graphql',
      'http://c/graphql',
      'http://d/graphql',
      'http://e/graphql',
      'peer http://p/graphql',
    ]);
    expect(fleetAgreement(members)).toEqual({
      agreeing: 3,
      total: 5,
      tipHash: TIP_A,
      text: '3 of 5 nodes agree on tip 0000ab12…',
    });
  });

  it("breaks a tie in this node's favour and says so when no tip is known yet", () => {
    const self = member('self', { kind: 'self', status: 'SELF', tipHash: TIP_B });
    expect(fleetAgreement([self, member('other', {})]).text).toBe('1 of 2 nodes agrees on tip 0000cd34…');
    expect(fleetAgreement([member('self', { kind: 'self', status: 'SELF', tipHash: null })]).text).toBe(
      'no tip known yet from 1 node',
    );
  });

  it('puts a marker on the tip block when its hash is drawn, else at the height on the best line, stacked', () => {
    const blocks: (TreeBlock & { isBest: boolean })[] = [];
    for (let index = 1; index <= 6; index++) {
      blocks.push({
        index,
        hash: `a${index}`,
        previousHash: `a${index - 1}`,
        timestamp: 0,
        transactionCount: 1,
        totalWork: String(index),
        firstSeenAt: null,
        origin: null,
        receivedFrom: null,
        isBest: true,
      });
    }
    blocks.push({ ...blocks[4]!, hash: 's5', previousHash: 'a4', isBest: false });
    const state = reduceForkTree(createForkTree(10), { type: 'tree', range: { from: 1, to: 6 }, blocks });
    const layout = layoutForkTree(state)!;
    const markers = placeFleetMarkers(layout, [
      member('self', { kind: 'self', status: 'SELF', tipHash: 'a6', height: 6 }),
      member('side', { tipHash: 's5', height: 5 }),
      member('peer', { kind: 'peer', tipHash: null, height: 6 }),
      member('ahead', { tipHash: 'elsewhere', height: 40 }),
      member('bad', { status: 'BAD_URL', tipHash: null, height: null }),
    ]);
    expect(markers.map((m) => [m.member.key, m.column, m.row, m.exact, m.ahead, m.stack])).toEqual([
      ['self', 5, 0, true, false, 0],
      ['side', 4, 1, true, false, 0],
      ['peer', 5, 0, false, false, 1],
      ['ahead', 5, 0, false, true, 2],
    ]);
  });
});
