/**
 * The relay batch: one mutation with an aliased `submitTransaction` field per transfer (`t0: submitTransaction(input:
 * $t0) …`), so up to RELAY_BATCH transfers reach a peer in one request. Its text depends only on the count, so the
 * documents of every count from 2 to RELAY_BATCH are known in advance: scripts/persistedDocuments.ts writes them into
 * a manifest of trusted documents (relay-persisted-documents.json), which a node in `--trusted-documents` mode
 * accepts. One transfer goes as PeerSubmitTransactionDocument (documents.ts).
 */

/** The relay mutation for `count` transfers; its variables are `t0` … `t<count-1>`, each a TransactionInput. */
export function relayTransactionsDocument(count: number): string {
  const indexes = Array.from({ length: count }, (_, i) => i);
  const definitions = indexes.map((i) => `$t${i}: TransactionInput!`).join(', ');
  const fields = indexes.map((i) => `t${i}: submitTransaction(input: $t${i}) { __typename ... on Error { code } }`);
  return `mutation PeerRelayTransactions(${definitions}) { ${fields.join(' ')} }`;
}
