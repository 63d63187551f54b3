import { defineConfig } from 'vitest/config';

/**
 * Files whose assertions bound how long something takes (the node's event-loop stalls, worker stop latency): they run
 * last and one at a time, after the parallel files, so no other test file competes with them for the two cores.
 */
const TIMING = [
  'test/e2e/adversarialPeers.test.ts',
  'test/mining/workerMiner.test.ts',
  // The costliest operations the default maxCost allows must answer in under 1 s.
  'test/api/costMeasurement.test.ts',
];

/**
 * Files left out of this run (`TEST_EXCLUDE=a.test.ts,b.test.ts`): vitest's own --exclude does not reach the projects
 * below, which set their own. `npm run test:node20` leaves out the Chromium tests of pages, which check the browser rather than the runtime.
 */
const EXCLUDED = (process.env['TEST_EXCLUDE'] ?? '').split(',').filter((file) => file !== '');

export default defineConfig({
  // graphql 16 ships CJS (main) and ESM (module). Node loads the CJS build for Pothos and yoga; make tests load the
  // same one, or graphql-js refuses types "from another module or realm".
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    globalSetup: ['./test/globalSetup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Vitest's default on a 2-core machine is one worker; most test time is spent waiting on node processes, sockets
    // and timers, so two files at a time cut the run from ~190 s to ~130 s here.
    maxWorkers: 2,
    reporters: ['default', './test/summaryReporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'parallel',
          include: ['test/**/*.test.ts'],
          exclude: [...TIMING, ...EXCLUDED],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'timing',
          include: TIMING,
          exclude: EXCLUDED,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
