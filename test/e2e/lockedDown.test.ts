import { afterAll, describe, expect, it } from 'vitest';
import { type NodeProcess, startNodeProcess } from '../helpers/nodeProcess.js';

// A node started with --no-graphiql --introspection off (the default on a non-loopback --host): no editor, no
// schema answers, while the API itself works.

const started: NodeProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((node) => node.stop()));
});

describe('GraphiQL and introspection turned off', () => {
  it('serves no GraphiQL page or files, refuses introspection, and still answers queries', async () => {
    const node = await startNodeProcess(['--difficulty', '8', '--no-graphiql', '--introspection', 'off']);
    started.push(node);
    expect(node.output()).toMatch(/GraphQL: http:\/\/\S+ \(GraphiQL is off/);
    const page = await fetch(node.url, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toContain('graphiql');
    expect((await fetch(node.url.replace('/graphql', '/graphiql/graphiql.js'))).status).toBe(404);
    const ask = async (query: string) =>
      (
        await fetch(node.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query }),
        })
      ).json();
    expect((await ask('{ __schema { queryType { name } } }')).errors[0].message).toMatch(/introspection/);
    expect((await ask('{ node { height } }')).data.node.height).toBe(1);
  });
});
