import {
  type AccountDetail,
  type BlockDetail,
  SEARCH_HEX_QUERY,
  SEARCH_INDEX_QUERY,
  type SearchHexResult,
  type SearchIndexResult,
  type TransactionDetail,
} from './documents.js';
import { requestGraphQL } from './requestGraphQL.js';

/** What the search box found. */
export type SearchOutcome =
  | { readonly kind: 'block'; readonly query: string; readonly block: BlockDetail }
  | { readonly kind: 'transaction'; readonly query: string; readonly transaction: TransactionDetail }
  | { readonly kind: 'account'; readonly query: string; readonly account: AccountDetail }
  | { readonly kind: 'none'; readonly query: string; readonly message: string };

/**
 * Looks up what the user typed: a number is a best-chain block index; 64 hex characters are asked as a block hash, a
 * transaction id and an address in one request (a block wins, then a transaction, else the address).
 * @throws {GraphQLRequestError} when the node cannot be asked.
 */
export async function searchChain(endpoint: string, typed: string): Promise<SearchOutcome> {
  const query = typed.trim().replace(/^#/, '');
  if (/^\d+$/.test(query)) {
    const index = Number(query);
    if (index < 1 || index > 2 ** 31 - 1)
      return { kind: 'none', query, message: `No block #${query}: indexes start at 1 (genesis).` };
    const found = await requestGraphQL<SearchIndexResult>(endpoint, SEARCH_INDEX_QUERY, { index });
    return found.block === null
      ? { kind: 'none', query, message: `No block #${query} on the best chain yet.` }
      : { kind: 'block', query, block: found.block };
  }
  const hex = query.toLowerCase().replace(/^0x/, '');
  if (/^[0-9a-f]{64}$/.test(hex)) {
    const found = await requestGraphQL<SearchHexResult>(endpoint, SEARCH_HEX_QUERY, { hex, id: hex });
    if (found.block !== null) return { kind: 'block', query, block: found.block };
    if (found.transaction !== null) return { kind: 'transaction', query, transaction: found.transaction };
    return { kind: 'account', query, account: found.account };
  }
  if (query === '0') return { kind: 'none', query, message: 'Sender "0" is the mining reward, not an account.' };
  return {
    kind: 'none',
    query,
    message: 'Type a block index (e.g. 42), or 64 hex characters: a block hash, a transaction id or an address.',
  };
}
