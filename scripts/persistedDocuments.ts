/**
 * `npm run documents` writes the manifests of trusted documents that GraphQL Code Generator does not write (codegen.ts
 * writes the typed client's and the peer protocol's, `src/{client,peer}/gql/persisted-documents.json`):
 *   src/dashboard/app/persisted-documents.json   the dashboard's operations (ALL_DOCUMENTS, plain strings)
 *   src/peer/relay-persisted-documents.json      the peers' relay batches of 2 to RELAY_BATCH transfers
 * Same form as codegen's: `sha256:<hex>` of the normalized text → that text (src/api/trustedDocuments.ts). A node in
 * `--trusted-documents` mode runs only the documents of the four manifests.
 *
 * `npm run check:documents` (`--check`, part of `npm test`) writes nothing and fails when a manifest is not what the
 * documents make: a document changed without its manifest.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { manifestOf } from '../src/api/trustedDocuments.js';
import { ALL_DOCUMENTS } from '../src/dashboard/app/documents.js';
import { RELAY_BATCH } from '../src/peer/peerApi.js';
import { relayTransactionsDocument } from '../src/peer/relayDocuments.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Each manifest this script owns, by path from the repository root, and the documents it lists. */
const MANIFESTS: Readonly<Record<string, readonly string[]>> = {
  'src/dashboard/app/persisted-documents.json': ALL_DOCUMENTS,
  'src/peer/relay-persisted-documents.json': Array.from({ length: RELAY_BATCH - 1 }, (_, i) =>
    relayTransactionsDocument(i + 2),
  ),
};

const check = process.argv.includes('--check');
const stale: string[] = [];
for (const [path, documents] of Object.entries(MANIFESTS)) {
  const text = `${JSON.stringify(manifestOf(documents), null, 2)}\n`;
  let current: string | undefined;
  try {
    current = readFileSync(`${ROOT}${path}`, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) continue;
  if (check) stale.push(path);
  else {
    writeFileSync(`${ROOT}${path}`, text);
    process.stdout.write(`documents: wrote ${path} (${documents.length} documents)\n`);
  }
}
if (stale.length > 0) {
  process.stderr.write(
    `documents: ${stale.join(', ')} ${stale.length === 1 ? 'is' : 'are'} not what the documents make ` +
      '(a document changed without its manifest): run `npm run documents` and commit the result\n',
  );
  process.exit(1);
}
if (check) process.stdout.write('documents: the manifests of trusted documents are up to date\n');
