import { type Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/** An answer read whole: its status, body (text and bytes) and headers as node:http gives them. */
export interface RawAnswer {
  readonly status: number;
  readonly body: string;
  readonly bytes: Buffer;
  readonly headers: IncomingHttpHeaders;
}

/** What one request sends: a Host header of its own is sent as given, and an agent may fix the source address. */
export interface RawRequest {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly agent?: Agent;
  readonly signal?: AbortSignal | null;
}

/**
 * One request through node:http, read whole. Unlike fetch, it sends the Host header it is given (fetch replaces it),
 * and its agent can leave from another loopback address (each one is another client to a node).
 */
export function rawRequest(url: string, request: RawRequest = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: request.method ?? (request.body === undefined ? 'GET' : 'POST'),
        headers: request.headers ?? {},
        ...(request.agent === undefined ? {} : { agent: request.agent }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, body: bytes.toString('utf8'), bytes, headers: res.headers });
        });
      },
    );
    request.signal?.addEventListener('abort', () => req.destroy(request.signal?.reason as Error));
    req.on('error', reject);
    req.end(request.body);
  });
}

/** A fetch over rawRequest (string bodies, buffered answers): enough for the tests and the typed client. */
export function nodeHttpFetch(agent?: Agent): typeof fetch {
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const answer = await rawRequest(input instanceof Request ? input.url : String(input), {
      method: init.method ?? 'GET',
      headers: Object.fromEntries(new Headers(init.headers)),
      ...(typeof init.body === 'string' ? { body: init.body } : {}),
      ...(agent === undefined ? {} : { agent }),
      signal: init.signal ?? null,
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    return new Response(answer.bytes.length === 0 ? null : new Uint8Array(answer.bytes), {
      status: answer.status,
      headers,
    });
  }) as typeof fetch;
}
