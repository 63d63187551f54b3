import { type FieldNode, type GraphQLResolveInfo, getArgumentValues, Kind } from 'graphql';

/** Transfers received ahead for the fields of a run, by field node, per request (its context object). */
const receivedAhead = new WeakMap<object, Map<FieldNode, Promise<unknown>>>();

/**
 * Runs a mutation field that receives a transfer (submitTransaction), and receives with it the transfers of the
 * fields of the same name that directly follow it in the operation (a peer's relay batch, `t0: submitTransaction(…)
 * t1: submitTransaction(…) …`), in document order, so that they join one group commit instead of waiting for one
 * flush each: GraphQL runs a mutation's fields one after the other, and each answers only once its transfer is
 * durable. Each field still answers exactly for its own transfer, once that is durable; the order in which transfers
 * reach the mempool is the document's, as before. What changes is only that a transfer is checked while the one
 * before it is being flushed (as concurrent requests' transfers are).
 *
 * A following field joins the run only when it is a plain field (no directive, not in a fragment, its response key
 * unused so far) whose arguments coerce and for which `receiveArgs` returns a promise; the run stops at the first
 * other field, so no other mutation (mine, send…) is overtaken. A field received ahead is answered from the promise
 * kept for it when its turn comes. If execution stops before then (an unexpected error in a non-null field), its
 * transfer stays accepted and durable, as if the client had sent it alone.
 * @throws whatever `receiveOwn` throws (the field's own input error); nothing following is received then.
 */
export function receiveWithFollowingFields<T>(
  context: object,
  info: GraphQLResolveInfo,
  receiveOwn: () => Promise<T>,
  receiveArgs: (args: Record<string, unknown>) => Promise<T> | undefined,
): Promise<T> {
  const node = info.fieldNodes[0]!;
  const ahead = receivedAhead.get(context);
  const kept = ahead?.get(node);
  if (kept !== undefined) {
    ahead!.delete(node);
    return kept as Promise<T>;
  }
  const own = receiveOwn();
  if (info.operation.operation !== 'mutation' || info.fieldNodes.length !== 1 || (node.directives?.length ?? 0) > 0) {
    return own;
  }
  const selections = info.operation.selectionSet.selections;
  const start = selections.indexOf(node);
  if (start < 0) return own;
  const definition = info.parentType.getFields()[info.fieldName]!;
  // Response keys of the whole operation's top level: a later field that shares one is merged with it by execution.
  const keys = new Set<string>();
  for (const selection of selections) {
    if (selection.kind !== Kind.FIELD) continue;
    const key = selection.alias?.value ?? selection.name.value;
    if (keys.has(key)) return own;
    keys.add(key);
  }
  for (let i = start + 1; i < selections.length; i++) {
    const next = selections[i]!;
    if (next.kind !== Kind.FIELD || next.name.value !== info.fieldName || (next.directives?.length ?? 0) > 0) break;
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(definition, next, info.variableValues);
    } catch {
      break;
    }
    let received: Promise<T> | undefined;
    try {
      received = receiveArgs(args);
    } catch {
      break;
    }
    if (received === undefined) break;
    // Marked as handled: a field execution never reaches must not fail the process; its own turn still sees it.
    received.catch(() => {});
    let map = receivedAhead.get(context);
    if (map === undefined) {
      map = new Map();
      receivedAhead.set(context, map);
    }
    map.set(next, received);
  }
  return own;
}
