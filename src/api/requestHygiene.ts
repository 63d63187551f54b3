import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Content types a POST may carry: JSON (or application/graphql), never a form post or text/plain, which any web page
 * can send without a preflight.
 */
const ACCEPTED_POST_TYPES = ['application/json', 'application/graphql-response+json', 'application/graphql'];

function errorResponse(Response: typeof globalThis.Response, status: number, code: string, message: string): Response {
  return new Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

/**
 * Transport rules yoga is lenient about: a POST that is not JSON is a 415 UNSUPPORTED_MEDIA_TYPE (why: README,
 * "Limits and admin access"), a GET whose `variables` or `extensions` is not JSON a 400 BAD_REQUEST (not a masked
 * 500), and graphql-js's variable errors without a code get `extensions.code: BAD_USER_INPUT`.
 */
export function requestHygiene(): Plugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method === 'POST') {
        const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
        if (!ACCEPTED_POST_TYPES.includes(type)) {
          endResponse(
            errorResponse(
              fetchAPI.Response,
              415,
              'UNSUPPORTED_MEDIA_TYPE',
              `POST bodies must be application/json, got "${type || 'none'}"`,
            ),
          );
        }
        return;
      }
      if (request.method === 'GET') {
        for (const name of ['variables', 'extensions']) {
          const value = url.searchParams.get(name);
          if (value === null) continue;
          try {
            JSON.parse(value);
          } catch {
            endResponse(errorResponse(fetchAPI.Response, 400, 'BAD_REQUEST', `the ${name} parameter must be JSON`));
            return;
          }
        }
      }
    },
    onExecutionResult({ result, setResult }) {
      if (result === undefined || Symbol.asyncIterator in result || result.errors === undefined) return;
      if (result.errors.every((error) => error.extensions?.['code'] !== undefined)) return;
      setResult({
        ...result,
        errors: result.errors.map((error) =>
          error.extensions?.['code'] !== undefined || !/^Variable "\$/.test(error.message)
            ? error
            : new GraphQLError(error.message, {
                nodes: error.nodes,
                source: error.source,
                positions: error.positions,
                path: error.path,
                originalError: error.originalError,
                extensions: { ...error.extensions, code: 'BAD_USER_INPUT' },
              }),
        ),
      });
    },
  };
}
