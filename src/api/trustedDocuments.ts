import { createHash } from 'node:crypto';
import { printExecutableGraphQLDocument } from '@graphql-tools/documents';
import { type DocumentNode, GraphQLError, parse } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Trusted documents (`--trusted-documents`): the node runs only operations whose document is in its manifests.
 *
 * A manifest maps a document id to the document's text: `sha256:<hex>` of the text normalized as GraphQL Code
 * Generator's client preset normalizes it (`printExecutableGraphQLDocument`: definitions and selections sorted, except
 * a mutation's root fields, and white space collapsed), the GraphQL-over-HTTP persisted documents form. The node ships
 * four: the typed client's and the peer protocol's (written by codegen.ts), the dashboard's and the peers' relay
 * batches (written by scripts/persistedDocuments.ts). A request names its document in one of two ways:
 * - by id alone: `documentId` ("sha256:<hex>", or the bare hex) in the body or the GET query string, or Apollo's
 *   `extensions.persistedQuery.sha256Hash`; the node runs the manifest's text;
 * - by its whole text (`query`), as every client of this repository sends it: accepted when the id of its normalized
 *   text is in a manifest, so white space, comments and the order of fields do not matter.
 * Anything else is refused before it is parsed by yoga, validated or run: PERSISTED_QUERY_ONLY, naming the flag.
 * Over HTTP a yoga plugin does it (trustedDocumentsOnly); over graphql-ws, graphqlWebSocket.ts calls `admit`.
 */

/** The node flag of this mode, named in every refusal. */
export const TRUSTED_DOCUMENTS_FLAG = '--trusted-documents';
/** The `extensions.code` of every refusal. */
export const PERSISTED_QUERY_ONLY = 'PERSISTED_QUERY_ONLY';

/** A manifest of trusted documents: document id (`sha256:<hex>`) → document text. */
export type DocumentManifest = Readonly<Record<string, string>>;

/** Most admitted texts remembered by their exact characters, so a client's repeated text is not normalized again. */
const ADMITTED_TEXTS_CACHE = 1_000;
/** Longest text remembered that way (longer ones are normalized each time). */
const ADMITTED_TEXT_MAX_CHARS = 32 * 1024;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The id of a document: `sha256:` and the SHA-256 of its normalized text, as GraphQL Code Generator's client preset
 * computes it for `persisted-documents.json`. Equal for texts that differ only in white space, comments and the order
 * of fields. @throws {GraphQLError} when a text does not parse.
 */
export function documentId(document: DocumentNode | string, maxTokens?: number): string {
  const node = typeof document === 'string' ? parse(document, maxTokens === undefined ? {} : { maxTokens }) : document;
  return `sha256:${createHash('sha256').update(printExecutableGraphQLDocument(node)).digest('hex')}`;
}

/** A manifest built from documents, in their order: each document's id → its normalized text. */
export function manifestOf(documents: readonly (DocumentNode | string)[]): Record<string, string> {
  return Object.fromEntries(
    documents.map((document) => {
      const node = typeof document === 'string' ? parse(document) : document;
      return [documentId(node), printExecutableGraphQLDocument(node)];
    }),
  );
}

/** What a request asks to run: yoga's or graphql-ws's GraphQL parameters, plus `documentId` where one was sent. */
export interface OperationParams {
  readonly query?: unknown;
  readonly documentId?: unknown;
  readonly operationName?: string | null | undefined;
  readonly variables?: Readonly<Record<string, unknown>> | null | undefined;
  readonly extensions?: Readonly<Record<string, unknown>> | null | undefined;
}

/** The parameters to run (the trusted text in `query`, `documentId` dropped), or the refusal. */
export type Admission =
  | { readonly ok: true; readonly params: Omit<OperationParams, 'documentId'> }
  | { readonly ok: false; readonly error: GraphQLError };

/** What graphql-ws operations are checked against on a node with trusted documents only (`--trusted-documents`). */
export interface TrustedOperations {
  readonly documents: TrustedDocuments;
  /** The token limit of a document, applied while a text is parsed to find its id. */
  readonly maxTokens: number;
}

/** The trusted documents of a node: its manifests, merged. */
export class TrustedDocuments {
  readonly #byId: ReadonlyMap<string, string>;
  /** Exact texts already admitted → their id (bounded: cleared when full). */
  readonly #admittedTexts = new Map<string, string>();

  /**
   * With `verify` (the default), each entry's id is checked against its text (about 0.5 ms an entry).
   * @throws {Error} when a manifest entry's id is not the id of its text (a manifest not made by these rules).
   */
  constructor(manifests: readonly DocumentManifest[], { verify = true }: { readonly verify?: boolean } = {}) {
    const byId = new Map<string, string>();
    for (const manifest of manifests) {
      for (const [id, text] of Object.entries(manifest)) {
        const actual = verify ? documentId(text) : id;
        if (actual !== id) throw new Error(`trusted documents: the manifest entry ${id} is the text of ${actual}`);
        byId.set(id, text);
      }
    }
    this.#byId = byId;
  }

  /** How many documents are trusted. */
  get size(): number {
    return this.#byId.size;
  }

  /** The ids of every trusted document. */
  ids(): string[] {
    return [...this.#byId.keys()];
  }

  /** The text of a trusted document, or undefined. */
  textOf(id: string): string | undefined {
    return this.#byId.get(id);
  }

  /**
   * Checks what a request asks to run. A whole text is admitted as sent when its id is trusted; an id alone is
   * replaced by its document's text. `documentId` is never passed on (yoga refuses parameters it does not know).
   * A `query` that is not a string is passed on for yoga to refuse as it refuses it anywhere.
   */
  admit(params: OperationParams, maxTokens?: number): Admission {
    const { query, documentId: givenId, ...rest } = params;
    if (query !== undefined && query !== null && typeof query !== 'string')
      return { ok: true, params: { ...rest, query } };
    if (typeof query === 'string' && query.trim() !== '') {
      const known = this.#admittedTexts.get(query);
      if (known !== undefined) return { ok: true, params: { ...rest, query } };
      let id: string;
      try {
        id = documentId(query, maxTokens);
      } catch {
        return refuse('the document does not parse, so it is not one of the trusted documents of this node');
      }
      if (!this.#byId.has(id))
        return refuse(`the document (id ${id}) is not one of the trusted documents of this node`);
      if (query.length <= ADMITTED_TEXT_MAX_CHARS) {
        if (this.#admittedTexts.size >= ADMITTED_TEXTS_CACHE) this.#admittedTexts.clear();
        this.#admittedTexts.set(query, id);
      }
      return { ok: true, params: { ...rest, query } };
    }
    const id = requestedId(givenId, rest.extensions);
    if (id === undefined) return refuse('the request has neither a document nor a document id');
    const text = id === null ? undefined : this.#byId.get(id);
    if (text === undefined) {
      return refuse(
        `no trusted document of this node has the id ${JSON.stringify(describeId(givenId, rest.extensions))}`,
      );
    }
    return { ok: true, params: { ...rest, query: text } };
  }
}

/**
 * The document id a request names: `documentId` ("sha256:<hex>" or the bare hex) or Apollo's
 * `extensions.persistedQuery.sha256Hash` (the hex). Undefined when it names none, null when it names one that
 * cannot be an id.
 */
function requestedId(documentIdParam: unknown, extensions: OperationParams['extensions']) {
  const given = describeId(documentIdParam, extensions);
  if (given === undefined) return undefined;
  if (typeof given !== 'string') return null;
  const hex = given.startsWith('sha256:') ? given.slice('sha256:'.length) : given;
  return SHA256_HEX.test(hex) ? `sha256:${hex}` : null;
}

/** The id as the request gave it (for the refusal), or undefined when it gave none. */
function describeId(documentIdParam: unknown, extensions: OperationParams['extensions']): unknown {
  if (documentIdParam !== undefined && documentIdParam !== null && documentIdParam !== '') return documentIdParam;
  const persisted = extensions?.['persistedQuery'];
  if (typeof persisted === 'object' && persisted !== null && 'sha256Hash' in persisted) return persisted.sha256Hash;
  return undefined;
}

function refuse(why: string): Admission {
  const message =
    `${why}. This node runs trusted documents only (${TRUSTED_DOCUMENTS_FLAG}): send a document of its manifests, ` +
    'whole or by its id (documentId "sha256:<hex>", or extensions.persistedQuery.sha256Hash)';
  return { ok: false, error: new GraphQLError(message, { extensions: { code: PERSISTED_QUERY_ONLY } }) };
}

/**
 * The yoga plugin of `--trusted-documents` over HTTP (POST, GET, SSE, each operation of a batch): admits or refuses
 * the parameters of each operation before yoga checks, parses or runs them. A GET request's `documentId` is read
 * from the query string (yoga's GET parser keeps only query, operationName, variables and extensions).
 */
export function trustedDocumentsOnly(trusted: TrustedDocuments, maxTokens: number): Plugin {
  return {
    onParams({ params, request, setParams, setResult }) {
      const given = params as OperationParams;
      const documentIdParam =
        given.documentId ??
        (request.method === 'GET' ? new URL(request.url, 'http://node').searchParams.get('documentId') : undefined);
      const admission = trusted.admit({ ...given, documentId: documentIdParam }, maxTokens);
      if (admission.ok) {
        setParams(admission.params as typeof params);
        return;
      }
      const { message, extensions } = admission.error;
      setResult({ errors: [new GraphQLError(message, { extensions: { ...extensions, http: { status: 400 } } })] });
      // yoga's own check of the parameters runs after this hook: what it sees must pass, so the refusal stands.
      setParams({ query: '' });
    },
  };
}

/**
 * Loads the node's manifests (only a node in `--trusted-documents` mode does): the typed client's and the peer
 * protocol's (codegen.ts), the dashboard's and the relay batches' (scripts/persistedDocuments.ts). Their ids are not
 * recomputed here (that would add tens of ms to the start): the generators made them, `npm test` checks them
 * (test/api/trustedDocuments.test.ts), and the drift checks keep them in step with the documents.
 */
export async function loadTrustedDocuments(): Promise<TrustedDocuments> {
  const manifests = await Promise.all([
    import('../client/gql/persisted-documents.json', { with: { type: 'json' } }),
    import('../peer/gql/persisted-documents.json', { with: { type: 'json' } }),
    import('../peer/relay-persisted-documents.json', { with: { type: 'json' } }),
    import('../dashboard/app/persisted-documents.json', { with: { type: 'json' } }),
  ]);
  return new TrustedDocuments(
    manifests.map((module) => module.default as DocumentManifest),
    { verify: false },
  );
}
