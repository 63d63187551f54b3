/// <reference lib="dom" />

/** A GraphQL request that failed: the node could not be reached, answered an HTTP error, or returned errors. */
export class GraphQLRequestError extends Error {
  override readonly name = 'GraphQLRequestError';
}

/** How long one HTTP request may take before the page gives up on it. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * POSTs one operation as JSON to `url` and returns its `data`.
 * @throws {GraphQLRequestError} when the node cannot be reached, answers with an HTTP error, or returns errors.
 */
export async function requestGraphQL<T>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  // AbortSignal.timeout is newer than some browsers this page supports (Safari 15): a timer does the same.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query, variables }),
      // Same-origin by default; a cross-origin node answers only when it allows this origin (--cors-origin).
      credentials: 'omit',
      signal: abort.signal,
    });
  } catch {
    clearTimeout(timer);
    throw new GraphQLRequestError(
      `${url}: ${abort.signal.aborted ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s` : 'unreachable'}`,
    );
  }
  let body: { data?: T | null; errors?: readonly { message: string }[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new GraphQLRequestError(`${url}: HTTP ${response.status}, not a GraphQL answer`);
  } finally {
    clearTimeout(timer);
  }
  if (body.errors !== undefined && body.errors.length > 0) {
    throw new GraphQLRequestError(body.errors.map((error) => error.message).join('; '));
  }
  if (!response.ok || body.data === undefined || body.data === null) {
    throw new GraphQLRequestError(`${url}: HTTP ${response.status} without data`);
  }
  return body.data;
}
