import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for everything that talks to a node over GraphQL, generated from the committed schema.graphql: the
 * peer protocol (src/peer/gql/) and the typed client (src/client/gql/). Each target reads only its own documents, so
 * neither sees the other's operations. `npm run check:codegen` fails when an output is stale.
 *
 * Each target also gets its manifest of trusted documents, `persisted-documents.json`: every operation (with the
 * fragments it uses) normalized and keyed by `sha256:<hex>` of that text, the GraphQL-over-HTTP persisted documents
 * form. A node started with `--trusted-documents` runs only the documents of these manifests and of the ones
 * scripts/persistedDocuments.ts writes for the dashboard and the peers' relay batches (src/api/trustedDocuments.ts).
 */
const presetConfig = {
  fragmentMasking: false,
  gqlTagName: 'graphql',
  persistedDocuments: { mode: 'embedHashInDocument', hashAlgorithm: 'sha256' },
} as const;
const config = {
  useTypeImports: true,
  enumsAsTypes: true,
  strictScalars: true,
  importExtension: '.js',
  scalars: { SafeInt: 'number', BigInt: 'string' },
} as const;

const codegenConfig: CodegenConfig = {
  schema: 'schema.graphql',
  ignoreNoDocuments: false,
  generates: {
    'src/peer/gql/': { preset: 'client', documents: ['src/peer/documents.ts'], presetConfig, config },
    'src/client/gql/': { preset: 'client', documents: ['src/client/documents.ts'], presetConfig, config },
  },
};

export default codegenConfig;
