import { describe, expect, it } from 'vitest';
import { createYogaApp } from '../../src/api/yoga.js';
import { createTestNode } from '../helpers/testNode.js';

// --introspection off: the schema is not answered and errors do not suggest field names (both reveal the schema).

async function ask(introspection: boolean, query: string) {
  const testNode = createTestNode({ label: `introspection-${introspection}` });
  const yoga = createYogaApp(testNode.node, { graphiql: false, introspection });
  try {
    const response = await yoga.fetch('http://node/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    return await response.json();
  } finally {
    testNode.node.close();
  }
}

describe('introspection', () => {
  it('answers __schema and suggests names when on (the default)', async () => {
    expect((await ask(true, '{ __schema { queryType { name } } }')).data.__schema.queryType.name).toBe('Query');
    expect((await ask(true, '{ node { heigh } }')).errors[0].message).toMatch(/Did you mean "height"\?/);
  });

  it('refuses __schema and __type and hides suggestions when off; __typename still works', async () => {
    for (const query of ['{ __schema { queryType { name } } }', '{ __type(name: "Block") { name } }']) {
      const body = await ask(false, query);
      expect(body.data).toBeUndefined();
      expect(body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(body.errors[0].message).toMatch(/introspection has been disabled/);
    }
    expect((await ask(false, '{ node { heigh } }')).errors[0].message).toMatch(/\[Suggestion hidden\]$/);
    expect((await ask(false, '{ __typename node { height } }')).data).toEqual({
      __typename: 'Query',
      node: { height: 1 },
    });
  });
});
