/**
 * The fleet view's pure half: which nodes `?nodes=` names, where each node and peer sits on the fork tree, and how
 * many nodes agree on one tip. The page reads the nodes (src/dashboard/app/App.ts); nothing here does I/O.
 */
import type { TreeLayout } from './forkTree.js';
import { parseNodeUrl } from './nodeEndpoint.js';

/** How a fleet member is doing: a peer's status from the node, or the page's own reading of a `?nodes=` node. */
export type FleetStatus = 'SELF' | 'REACHABLE' | 'UNREACHABLE' | 'REFUSED' | 'UNKNOWN' | 'CHECKING' | 'BAD_URL';

/** One marker's subject: this node, a node from `?nodes=` (read by the page), or one of this node's peers. */
export interface FleetMember {
  /** Unique: "self", "node <url>" or "peer <url>". */
  readonly key: string;
  readonly kind: 'self' | 'node' | 'peer';
  /** The URL as the page calls it (or the text given, for a bad one). */
  readonly url: string;
  /** host:port, for the marker. */
  readonly label: string;
  readonly status: FleetStatus;
  readonly height: number | null;
  /** Known for this node and `?nodes=` nodes; peers report only a height. */
  readonly tipHash: string | null;
  readonly problem: string | null;
}

/** Most nodes `?nodes=` may name: the page reads each every few seconds. */
export const MAX_FLEET_NODES = 32;

/** `?nodes=` read: the URLs to call (normalized, without duplicates or this page's node) and the entries refused. */
export interface FleetRequest {
  readonly urls: readonly string[];
  readonly refused: readonly { readonly text: string; readonly problem: string }[];
}

/**
 * Reads `?nodes=url,url` from a query string: each entry as `?node=` reads it (http(s) URL or host:port, /graphql
 * added); a bad entry is refused with the reason, never fatal; `ownUrl` (the node the page watches) is left out.
 */
export function parseFleetNodes(search: string, ownUrl: string): FleetRequest {
  const text = new URLSearchParams(search).get('nodes');
  const urls: string[] = [];
  const refused: { text: string; problem: string }[] = [];
  if (text === null) return { urls, refused };
  for (const entry of text.split(',')) {
    const trimmed = entry.trim();
    if (trimmed === '') continue;
    const parsed = parseNodeUrl(trimmed);
    if (typeof parsed === 'string') refused.push({ text: trimmed, problem: `?nodes= entry ${parsed}` });
    else if (parsed.href !== ownUrl && !urls.includes(parsed.href)) {
      if (urls.length < MAX_FLEET_NODES) urls.push(parsed.href);
      else refused.push({ text: trimmed, problem: `?nodes= lists at most ${MAX_FLEET_NODES} nodes` });
    }
  }
  return { urls, refused };
}

/** "127.0.0.1:4001" from "http://127.0.0.1:4001/graphql"; the text itself when it is no URL. */
export function fleetLabel(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * Everyone the fleet view shows: this node first, then the `?nodes=` nodes, then the peers no `?nodes=` entry already
 * covers (a node read directly says more than a peer's reported height).
 */
export function fleetMembers(
  self: FleetMember,
  nodes: readonly FleetMember[],
  peers: readonly { readonly url: string; readonly status: FleetStatus; readonly height: number | null }[],
): readonly FleetMember[] {
  const direct = new Set(nodes.map((node) => node.url));
  const peerMembers: FleetMember[] = peers
    .filter((peer) => !direct.has(peer.url) && peer.url !== self.url)
    .map((peer) => ({
      key: `peer ${peer.url}`,
      kind: 'peer',
      url: peer.url,
      label: fleetLabel(peer.url),
      status: peer.status,
      height: peer.height,
      tipHash: null,
      problem: null,
    }));
  return [self, ...nodes, ...peerMembers];
}

/** A member's marker on the tree. */
export interface FleetMarker {
  readonly member: FleetMember;
  readonly column: number;
  readonly row: number;
  /** On its tip block (the hash is known and drawn); otherwise at its height on the best chain. */
  readonly exact: boolean;
  /** Its tip is above the heights drawn: the marker sits on the last column. */
  readonly ahead: boolean;
  /** How many markers sit on the same spot before this one (they stack). */
  readonly stack: number;
}

/**
 * Where each member's marker goes: on its tip block when the tree holds that hash; else at its height on the best
 * chain (peers report only heights), clamped to the columns drawn. Members with no height (bad URL, not read yet,
 * unreachable before any answer) get no marker.
 */
export function placeFleetMarkers(layout: TreeLayout, members: readonly FleetMember[]): readonly FleetMarker[] {
  const byHash = new Map(layout.blocks.map((placed) => [placed.block.hash, placed]));
  const last = layout.window.to - layout.window.from;
  const stacks = new Map<string, number>();
  const markers: FleetMarker[] = [];
  for (const member of members) {
    let column: number;
    let row = 0;
    let exact = false;
    const placed = member.tipHash === null ? undefined : byHash.get(member.tipHash);
    if (placed !== undefined) {
      column = placed.column;
      row = placed.row;
      exact = true;
    } else if (member.height !== null) {
      column = Math.max(0, Math.min(last, member.height - layout.window.from));
    } else continue;
    const spot = `${column}:${row}`;
    const stack = stacks.get(spot) ?? 0;
    stacks.set(spot, stack + 1);
    markers.push({
      member,
      column,
      row,
      exact,
      ahead: member.height !== null && member.height > layout.window.to && !exact,
      stack,
    });
  }
  return markers;
}

/** How far the nodes whose tips are known agree. */
export interface FleetAgreement {
  readonly agreeing: number;
  /** This node and every `?nodes=` node with a usable URL (unreachable ones count: they do not agree). */
  readonly total: number;
  readonly tipHash: string | null;
  /** "3 of 4 nodes agree on tip 0000ab…". */
  readonly text: string;
}

/**
 * Counts this node and the `?nodes=` nodes on the most common tip (ties go to this node's tip). Peers do not count:
 * they report a height, not a hash.
 */
export function fleetAgreement(members: readonly FleetMember[]): FleetAgreement {
  const counted = members.filter((member) => member.kind !== 'peer' && member.status !== 'BAD_URL');
  const tally = new Map<string, number>();
  for (const member of counted) {
    // An unreachable node's last known tip is shown on the tree but is no agreement.
    const live = member.status === 'SELF' || member.status === 'REACHABLE';
    if (live && member.tipHash !== null) tally.set(member.tipHash, (tally.get(member.tipHash) ?? 0) + 1);
  }
  const own = counted.find((member) => member.kind === 'self')?.tipHash ?? null;
  let tipHash: string | null = null;
  let agreeing = 0;
  for (const [hash, count] of tally) {
    if (count > agreeing || (count === agreeing && hash === own)) {
      tipHash = hash;
      agreeing = count;
    }
  }
  const total = counted.length;
  const noun = total === 1 ? 'node' : 'nodes';
  const text =
    tipHash === null
      ? `no tip known yet from ${total} ${noun}`
      : `${agreeing} of ${total} ${noun} ${agreeing === 1 ? 'agrees' : 'agree'} on tip ${tipHash.slice(0, 8)}…`;
  return { agreeing, total, tipHash, text };
}
