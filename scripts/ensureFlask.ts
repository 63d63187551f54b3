/**
 * Makes sure the seed's baseline node bench:cache runs (bench/seedNode.py) can start: Debian's python3-flask, whose
 * /usr/bin/flask marks it installed (or FLASK_PATH), installed with apt-get when missing.
 *
 *   tsx scripts/ensureFlask.ts
 */
import { ensureDebianPackage } from './ensureDebianPackage.js';

ensureDebianPackage({
  script: 'ensureFlask',
  packageName: 'python3-flask',
  defaultPath: '/usr/bin/flask',
  pathVariable: 'FLASK_PATH',
  neededBy: "bench:cache compares this node with the seed's Flask node (bench/seedNode.py), which needs Flask.",
  installArguments: ['--no-install-recommends'],
});
