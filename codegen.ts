import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for everything that talks to a node over GraphQL (peers today, the typed client later), generated
 * from the committed schema.graphql. `npm run check:codegen` fails when the output is stale.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['src/peer/documents.ts'],
  ignoreNoDocuments: false,
  generates: {
    'src/peer/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false, gqlTagName: 'graphql' },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        importExtension: '.js',
        scalars: { SafeInt: 'number', BigInt: 'string' },
      },
    },
  },
};

export default config;
