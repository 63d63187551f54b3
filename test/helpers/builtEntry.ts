import { fileURLToPath } from 'node:url';

/**
 * The compiled command line that `npm start` and the `node-cli` bin run: tests that spawn real node processes start
 * this file (test/globalSetup.ts builds dist/ from the current source before any test runs).
 */
export const BUILT_MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
