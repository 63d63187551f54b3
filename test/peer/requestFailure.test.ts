import { GraphQLError } from 'graphql';
import { ClientError } from 'graphql-request';
import { describe, expect, it } from 'vitest';
import { contactFailure, PeerProtocolError, PeerUnreachableError } from '../../src/peer/peerApi.js';
import { classifyRequestFailure } from '../../src/peer/requestFailure.js';

/** What fetch (undici) throws when the connection fails: a TypeError whose cause is the system error. */
function fetchFailed(cause: object): TypeError {
  return new TypeError('fetch failed', { cause });
}

describe('classifyRequestFailure', () => {
  it('reads an answer without data: HTTP status and GraphQL errors', () => {
    const errors = [new GraphQLError('no', { extensions: { code: 'UNAUTHORIZED' } })];
    const error = new ClientError({ status: 401, errors, headers: new Headers(), body: '' }, { query: '{ x }' });
    expect(classifyRequestFailure(error)).toEqual({ kind: 'answer', status: 401, errors });
    const bare = new ClientError({ status: 502, headers: new Headers(), body: 'Bad Gateway' }, { query: '{ x }' });
    expect(classifyRequestFailure(bare)).toEqual({ kind: 'answer', status: 502, errors: [] });
  });

  it('sees a timeout in the abort signal, thrown directly or as the cause of fetch failing', () => {
    expect(classifyRequestFailure(new DOMException('timed out', 'TimeoutError'))).toEqual({ kind: 'timeout' });
    expect(classifyRequestFailure(new DOMException('aborted', 'AbortError'))).toEqual({ kind: 'timeout' });
    const wrapped = fetchFailed(new DOMException('timed out', 'TimeoutError'));
    expect(classifyRequestFailure(wrapped)).toEqual({ kind: 'timeout' });
  });

  it('names the system error of a failed connection', () => {
    const refused = fetchFailed(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    expect(classifyRequestFailure(refused)).toEqual({ kind: 'connect', detail: 'ECONNREFUSED' });
    const hangUp = fetchFailed(new Error('socket hang up'));
    expect(classifyRequestFailure(hangUp)).toEqual({ kind: 'connect', detail: 'socket hang up' });
    expect(classifyRequestFailure(fetchFailed({}))).toEqual({ kind: 'connect', detail: undefined });
  });

  it('leaves anything else as other, with its message', () => {
    const notJson = new SyntaxError('Unexpected token <');
    expect(classifyRequestFailure(notJson)).toEqual({ kind: 'other', message: 'Unexpected token <' });
    const bug = new TypeError('x is not a function');
    expect(classifyRequestFailure(bug)).toEqual({ kind: 'other', message: 'x is not a function' });
    expect(classifyRequestFailure('odd')).toEqual({ kind: 'other', message: 'odd' });
    expect(classifyRequestFailure(undefined)).toEqual({ kind: 'other', message: 'undefined' });
  });
});

describe('contactFailure', () => {
  it('counts PeerUnreachableError (by class, not by name) as UNREACHABLE and anything else as a protocol error', () => {
    expect(contactFailure(new PeerUnreachableError('cannot connect: ECONNREFUSED'))).toEqual({
      status: 'UNREACHABLE',
      message: 'cannot connect: ECONNREFUSED',
    });
    expect(contactFailure(new PeerProtocolError('node.height is not an integer ≥ 1'))).toEqual({
      status: 'REFUSED',
      message: 'PROTOCOL_ERROR: node.height is not an integer ≥ 1',
    });
    const impostor = Object.assign(new Error('looks unreachable'), { name: 'PeerUnreachableError' });
    expect(contactFailure(impostor).status).toBe('REFUSED');
    expect(contactFailure('bare string')).toEqual({ status: 'REFUSED', message: 'PROTOCOL_ERROR: bare string' });
  });
});
