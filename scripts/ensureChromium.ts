/**
 * Makes sure the headless browser the dashboard and GraphiQL tests drive is installed: Debian's chromium at
 * /usr/bin/chromium (or CHROMIUM_PATH), installed with apt-get when missing. `npx playwright install` is not used:
 * its browser downloads are not reachable everywhere, and the distribution's package is.
 *
 *   tsx scripts/ensureChromium.ts
 */
import { ensureDebianPackage } from './ensureDebianPackage.js';

ensureDebianPackage({
  script: 'ensureChromium',
  packageName: 'chromium',
  defaultPath: '/usr/bin/chromium',
  pathVariable: 'CHROMIUM_PATH',
  neededBy: 'The browser tests (test/e2e/dashboard.test.ts, test/e2e/graphiql.test.ts) need Chromium or Chrome.',
});
