/**
 * Makes sure the HTTP load generator bench:cache runs is installed: Debian's wrk at /usr/bin/wrk (or WRK_PATH),
 * installed with apt-get when missing. wrk is C: it leaves more of the two cores to the servers than autocannon.
 *
 *   tsx scripts/ensureWrk.ts
 */
import { ensureDebianPackage } from './ensureDebianPackage.js';

ensureDebianPackage({
  script: 'ensureWrk',
  packageName: 'wrk',
  defaultPath: '/usr/bin/wrk',
  pathVariable: 'WRK_PATH',
  neededBy: 'bench:cache drives every server with wrk.',
});
