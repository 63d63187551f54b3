import { vi } from 'vitest';
import { type PreverifyOutcome, SignaturePool } from '../../src/node/signaturePool.js';

/**
 * Records the outcome of every SignaturePool.preverify call from now on (the pool still runs): the returned list fills
 * as checks ahead finish. `vi.restoreAllMocks()` removes the spy.
 */
export function recordPreverified(): PreverifyOutcome[] {
  const outcomes: PreverifyOutcome[] = [];
  const original = SignaturePool.prototype.preverify;
  vi.spyOn(SignaturePool.prototype, 'preverify').mockImplementation(function (this: SignaturePool, txs) {
    return original.call(this, txs).then((outcome) => {
      outcomes.push(outcome);
      return outcome;
    });
  });
  return outcomes;
}
