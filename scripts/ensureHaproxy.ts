/**
 * Makes sure the load balancer the balancer test and `devnet --balancer` run is installed: Debian's haproxy at
 * /usr/sbin/haproxy (or HAPROXY_PATH), installed with apt-get when missing. The package's service is not used: the
 * devnet and the test run haproxy in the foreground with their own configuration.
 *
 *   tsx scripts/ensureHaproxy.ts
 */
import { ensureDebianPackage } from './ensureDebianPackage.js';

ensureDebianPackage({
  script: 'ensureHaproxy',
  packageName: 'haproxy',
  defaultPath: '/usr/sbin/haproxy',
  pathVariable: 'HAPROXY_PATH',
  neededBy:
    'The balancer test (test/e2e/balancer.test.ts) and `npm run devnet -- --balancer` need HAProxy 2.6 or newer.',
  // The recommended liblua and vim-haproxy are not needed to run it.
  installArguments: ['--no-install-recommends'],
});
