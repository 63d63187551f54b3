/**
 * Prints the Pothos schema to schema.graphql (sorted). With --check, compares instead and exits 1 on drift, so the
 * test command fails when the committed SDL is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSortedSchema } from '../src/api/schema.js';

const target = fileURLToPath(new URL('../schema.graphql', import.meta.url));
const printed = printSortedSchema();
if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(target, 'utf8');
  } catch {
    // a missing file is drift too
  }
  if (committed !== printed) {
    console.error('schema.graphql is stale: run `npm run schema` and commit the result.');
    process.exit(1);
  }
  console.log('schema.graphql matches the Pothos schema.');
} else {
  writeFileSync(target, printed);
  console.log(`wrote ${target}`);
}
