import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/api/server.js';
import { loadTrustedDocuments, type TrustedDocuments } from '../../src/api/trustedDocuments.js';
import { createYogaApp, type YogaOptions } from '../../src/api/yoga.js';
import { nodeHttpFetch } from '../helpers/nodeHttp.js';
import {
  buildFixture,
  type CaseNode,
  type CaseRequest,
  type ConformanceCase,
  caseRateLimit,
  check,
  describeExchange,
  expand,
  loadCases,
  send,
} from './harness.js';

/**
 * The GraphQL conformance suite (in the spirit of ethereum/hive's graphql simulator): every `*.json` file next to this
 * one is one case (format: README.md in this folder). Each case runs twice, against a fresh node holding the same fixed
 * chain (so a mutation in one case cannot leak into another): in process through `yoga.fetch`, and over a real HTTP
 * server on 127.0.0.1, whose HTTP layer reads and caps bodies itself before yoga sees them.
 */

const CASE_DIR = fileURLToPath(new URL('.', import.meta.url));
const MIN_CASES = 60;
const cases = loadCases(CASE_DIR);
/** CONFORMANCE_SHOW=<part of a file name> prints the responses of the matching cases (for writing new cases). */
const SHOW = process.env.CONFORMANCE_SHOW;

/** The placeholder values of the first build: every per-case build must reproduce them exactly. */
let reference: Readonly<Record<string, unknown>>;

beforeAll(async () => {
  const fixture = await buildFixture();
  reference = fixture.values;
  fixture.testNode.node.close();
});

type FetchApp = (url: string, init: RequestInit) => Promise<Response>;
type Fixture = Awaited<ReturnType<typeof buildFixture>>;

/** A request through node:http, which sends the Host header it is given (fetch replaces it). */
const requestWithHost = nodeHttpFetch();

let trustedDocuments: Promise<TrustedDocuments> | undefined;

/** The app options of a case's own node (`"node"` in the case); undefined for the default node. */
async function appOptions(node: CaseNode | undefined): Promise<YogaOptions | undefined> {
  if (node === undefined) return undefined;
  const rateLimit = caseRateLimit(node);
  const options: YogaOptions = {
    graphiql: node.graphiql === true,
    ...(rateLimit === null ? {} : { limits: { rateLimit } }),
  };
  if (node.trustedDocuments !== true) return options;
  trustedDocuments ??= loadTrustedDocuments();
  return { ...options, trustedDocuments: await trustedDocuments };
}

/** How a case reaches the node: returns the fetch to use and a cleanup. */
const TRANSPORTS: Record<
  string,
  (fixture: Fixture, options: YogaOptions | undefined) => Promise<{ fetchApp: FetchApp; close: () => Promise<void> }>
> = {
  'in process': async (fixture, options) => ({
    fetchApp: (options === undefined ? fixture.testNode.yoga : createYogaApp(fixture.testNode.node, options))
      .fetch as FetchApp,
    close: async () => undefined,
  }),
  'over HTTP': async (fixture, options) => {
    const server = await startServer(fixture.testNode.node, {
      host: '127.0.0.1',
      port: 0,
      graphiql: false,
      ...options,
    });
    const base = server.url.slice(0, -'/graphql'.length);
    return {
      // fetch sets Host itself; a case that sends its own Host header goes through node:http instead.
      fetchApp: (url, init) =>
        new Headers(init.headers).has('host')
          ? requestWithHost(url.replace('http://conformance', base), init)
          : fetch(url.replace('http://conformance', base), init),
      close: () => server.close(),
    };
  },
};

it(`has at least ${MIN_CASES} case files`, () => {
  expect(cases.length).toBeGreaterThanOrEqual(MIN_CASES);
});

describe.each(Object.keys(TRANSPORTS))('GraphQL conformance (%s)', (transport) => {
  for (const { file, testCase } of cases) {
    const name = `${testCase.knownBug === undefined ? '' : '[known bug] '}${file}: ${testCase.description}`;
    it.skipIf(testCase.onlyOverHttp !== undefined && transport !== 'over HTTP')(name, async () => {
      const fixture = await buildFixture();
      const { fetchApp, close } = await TRANSPORTS[transport]!(fixture, await appOptions(testCase.node));
      try {
        expect(fixture.values, 'the fixed chain must be the same on every build').toEqual(reference);
        for (const [i, step] of (testCase.setup ?? []).entries()) {
          const done = await send(fetchApp, expand(step, fixture) as CaseRequest);
          const body = done.body as { errors?: unknown } | null;
          if (done.status !== 200 || (typeof body === 'object' && body !== null && 'errors' in body)) {
            throw new Error(`${file}: setup[${i}] did not succeed:\n${describeExchange(done)}`);
          }
        }
        const request = expand(testCase.request, fixture) as CaseRequest;
        // In `match` and `headers` the keys are paths and names (`$` is the whole body): only the values expand.
        const expandValues = <T>(record: Record<string, T>) =>
          Object.fromEntries(Object.entries(record).map(([key, value]) => [key, expand(value, fixture)])) as Record<
            string,
            T
          >;
        const expected: ConformanceCase = {
          ...testCase,
          ...(testCase.responses === undefined ? {} : { responses: expand(testCase.responses, fixture) as unknown[] }),
          ...(testCase.match === undefined ? {} : { match: expandValues(testCase.match) }),
          ...(testCase.headers === undefined ? {} : { headers: expandValues(testCase.headers) }),
        };
        const exchange = await send(fetchApp, request);
        const failures = check(expected, exchange);
        if (SHOW !== undefined && file.includes(SHOW)) console.log(`${file}\n${describeExchange(exchange)}`);
        if (testCase.readback !== undefined) {
          // Straight to the node in process: past the HTTP server's Host check and rate limit.
          const readFetch = fixture.testNode.yoga.fetch as FetchApp;
          const readback = await send(readFetch, expand(testCase.readback.request, fixture) as CaseRequest);
          const readCase: ConformanceCase = {
            description: `${testCase.description} (readback)`,
            request: testCase.readback.request,
            status: 200,
            match: expandValues(testCase.readback.match),
          };
          const readFailures = check(readCase, readback);
          if (readFailures.length > 0) {
            failures.push(
              'readback:',
              ...readFailures.map((line) => `  ${line}`),
              '--- readback response ---',
              describeExchange(readback),
            );
          }
        }
        const report = () => `${failures.join('\n')}\n--- actual response ---\n${describeExchange(exchange)}`;
        if (testCase.knownBug !== undefined) {
          console.warn(
            failures.length === 0
              ? `KNOWN BUG APPEARS FIXED in ${file} (${testCase.knownBug}): the case now holds; remove its "knownBug" mark.`
              : `KNOWN BUG in ${file}: ${testCase.knownBug}\n${report()}`,
          );
          return;
        }
        if (failures.length > 0) throw new Error(`${file} (${testCase.description}) does not hold:\n${report()}`);
      } finally {
        await close();
        fixture.testNode.node.close();
      }
    });
  }
});
