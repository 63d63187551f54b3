/** Most hashes a block locator holds (enough for 2^32 blocks: 10 dense entries, then one per doubling). */
export const MAX_LOCATOR_LENGTH = 64;

/**
 * Best-chain indexes of a block locator for a chain of `height` blocks: the 10 newest, then gaps that double, and
 * always genesis (index 1). Sent to a peer, it finds the newest shared block in one request and O(log n) bytes,
 * however long the chains are and wherever they fork (the scheme of Bitcoin's getheaders).
 */
export function locatorIndexes(height: number): number[] {
  const indexes: number[] = [];
  let step = 1;
  for (let index = height; index > 1; index -= step) {
    indexes.push(index);
    if (indexes.length >= 10) step *= 2;
  }
  indexes.push(1);
  return indexes;
}
