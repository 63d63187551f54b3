import { type GraphQLNamedType, isEnumType, isInputObjectType, isInterfaceType, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/api/schema.js';

function ownTypes(): GraphQLNamedType[] {
  return Object.values(schema.getTypeMap()).filter(
    (type) => !type.name.startsWith('__') && !['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name),
  );
}

describe('the schema documents itself (what GraphiQL users read)', () => {
  it('gives every type a description', () => {
    const missing = ownTypes()
      .filter((type) => !type.description?.trim())
      .map((type) => type.name);
    expect(missing).toEqual([]);
  });

  it('gives every field, argument, input field and enum value a description', () => {
    const missing: string[] = [];
    for (const type of ownTypes()) {
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description?.trim()) missing.push(`${type.name}.${field.name}`);
          for (const arg of field.args)
            if (!arg.description?.trim()) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      } else if (isInputObjectType(type)) {
        for (const field of Object.values(type.getFields()))
          if (!field.description?.trim()) missing.push(`${type.name}.${field.name}`);
      } else if (isEnumType(type) && type.name !== 'ErrorCode') {
        for (const value of type.getValues())
          if (!value.description?.trim()) missing.push(`${type.name}.${value.name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('keeps the public names of DESIGN.md', () => {
    const query = schema.getQueryType()!.getFields();
    const mutation = schema.getMutationType()!.getFields();
    const subscription = schema.getSubscriptionType()!.getFields();
    for (const name of ['node', 'chain', 'block', 'transaction', 'pendingTransactions', 'account', 'peers'])
      expect(query).toHaveProperty(name);
    for (const name of ['submitTransaction', 'send', 'mine', 'registerNodes', 'resolve', 'submitBlock'])
      expect(mutation).toHaveProperty(name);
    expect(subscription).toHaveProperty('newBlock');
    expect(query.block!.args.map((arg) => arg.name).sort()).toEqual(['hash', 'index']);
    expect(subscription.newBlock!.args.map((arg) => arg.name)).toEqual(['afterIndex']);
  });

  it('keeps the public names of the transaction lifecycle (issue 14)', () => {
    const subscription = schema.getSubscriptionType()!.getFields();
    const status = subscription['transactionStatus']!;
    expect(
      status.args
        .map((arg) => `${arg.name}: ${arg.type}${arg.defaultValue === undefined ? '' : ` = ${arg.defaultValue}`}`)
        .sort(),
    ).toEqual(['confirmations: Int = 1', 'id: ID!']);
    const update = schema.getType(String(status.type).replace('!', ''));
    expect(isObjectType(update) && Object.keys(update.getFields()).sort()).toEqual([
      'blockHash',
      'blockIndex',
      'confirmations',
      'id',
      'reason',
      'status',
    ]);
    const lifecycle = schema.getType('TransactionStatus');
    expect(
      isEnumType(lifecycle) &&
        lifecycle
          .getValues()
          .map((value) => value.name)
          .sort(),
    ).toEqual(['CONFIRMED', 'DROPPED', 'PENDING']);
    expect(subscription['pendingTransaction']!.args.map((arg) => arg.name)).toEqual(['includeCurrent']);
    const simulate = schema.getQueryType()!.getFields()['simulateTransaction']!;
    expect(simulate.args.map((arg) => `${arg.name}: ${arg.type}`)).toEqual(['input: TransactionInput!']);
  });

  it('keeps the public names of entity ids (normalized caches) and of the sync status', () => {
    for (const name of ['Block', 'Account', 'Peer', 'Transaction']) {
      const type = schema.getType(name);
      expect(isObjectType(type) && String(type.getFields()['id']?.type)).toBe('ID!');
    }
    expect(String(schema.getQueryType()!.getFields()['syncStatus']?.type)).toBe('SyncStatus!');
    expect(String(schema.getSubscriptionType()!.getFields()['syncStatus']?.type)).toBe('SyncStatus!');
    const status = schema.getType('SyncStatus');
    expect(
      isObjectType(status) &&
        Object.fromEntries(Object.values(status.getFields()).map((f) => [f.name, String(f.type)])),
    ).toEqual({ behind: 'Int!', bestPeerHeight: 'Int', height: 'Int!', peersAhead: 'Int!', syncing: 'Boolean!' });
  });
});
