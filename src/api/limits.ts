import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { Plugin } from 'graphql-yoga';

/** Request limits of the GraphQL API (the largest honest request this node or a peer sends stays well inside). */
export interface ApiLimits {
  /** Deepest selection nesting (peers need 3, the deepest documented query 6). */
  readonly maxDepth: number;
  /** Most aliases in one operation. */
  readonly maxAliases: number;
  /** Most lexical tokens in one document. */
  readonly maxTokens: number;
  /** Largest request body in bytes (a maximal block as JSON is about 0.5 MB). */
  readonly maxBodyBytes: number;
}

export const DEFAULT_API_LIMITS: ApiLimits = {
  maxDepth: 12,
  maxAliases: 20,
  maxTokens: 4_000,
  maxBodyBytes: 2 * 1024 * 1024,
};

/** The yoga plugins that enforce `limits`: graphql-armor for document shape, a body-size check for bytes. */
export function limitPlugins(limits: ApiLimits): Plugin[] {
  return [
    EnvelopArmorPlugin({
      maxDepth: { n: limits.maxDepth },
      maxAliases: { n: limits.maxAliases },
      maxTokens: { n: limits.maxTokens },
      // Cost analysis adds little over depth, alias and token caps for this schema; pages are capped in resolvers.
      costLimit: { enabled: false },
    }) as Plugin,
    bodySizeLimit(limits.maxBodyBytes),
  ];
}

/** Answers 413 before reading a body whose declared Content-Length is over `maxBytes`. */
function bodySizeLimit(maxBytes: number): Plugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      const declared = Number(request.headers.get('content-length') ?? '0');
      if (declared > maxBytes) {
        endResponse(
          new fetchAPI.Response(
            JSON.stringify({
              errors: [
                {
                  message: `request body of ${declared} bytes is over the limit of ${maxBytes} bytes`,
                  extensions: { code: 'PAYLOAD_TOO_LARGE' },
                },
              ],
            }),
            { status: 413, headers: { 'content-type': 'application/json' } },
          ),
        );
      }
    },
  };
}
