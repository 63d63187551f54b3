import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BLOCK_REJECTION_CODES, TRANSACTION_REJECTION_CODES } from '../../src/chain/rejections.js';

// Every consensus rule has a code, and every code must have exactly one test named after it ("CODE: sentence")
// that breaks that rule alone. Test files run in separate workers, so the check reads the test sources.

const BLOCK_RULE_FILES = ['blockValidation.test.ts', 'contextualValidation.test.ts'];
const TRANSACTION_RULE_FILES = ['transactionValidation.test.ts'];

/** The codes named by `it('CODE: …')` tests in the given files, one entry per test. */
function namedRuleTests(files: readonly string[]): string[] {
  const codes: string[] = [];
  for (const file of files) {
    const source = readFileSync(new URL(file, import.meta.url), 'utf8');
    for (const match of source.matchAll(/\bit\(\s*['"`]([A-Z][A-Z_]+): /g)) codes.push(match[1]!);
  }
  return codes;
}

describe('rule coverage', () => {
  it('has exactly one named test per block rejection code', () => {
    const tested = namedRuleTests(BLOCK_RULE_FILES);
    expect([...tested].sort()).toEqual([...BLOCK_REJECTION_CODES].sort());
  });

  it('has exactly one named test per transaction rejection code', () => {
    const tested = namedRuleTests(TRANSACTION_RULE_FILES);
    expect([...tested].sort()).toEqual([...TRANSACTION_REJECTION_CODES].sort());
  });

  it('keeps every code unique within its list', () => {
    expect(new Set(BLOCK_REJECTION_CODES).size).toBe(BLOCK_REJECTION_CODES.length);
    expect(new Set(TRANSACTION_REJECTION_CODES).size).toBe(TRANSACTION_REJECTION_CODES.length);
  });
});
