/**
 * `npm run bench` starts and ends with this: the date, the machine and its load, so a whole run's figures can be
 * quoted with the machine they were measured on (the README's do). A load average above the core count when the run
 * starts means other work shares the cores and every figure of the run is slower than this machine can do.
 */
import { arch, cpus, loadavg, release, totalmem } from 'node:os';

const phase = process.argv[2] === 'end' ? 'end' : 'start';
const [one, five, fifteen] = loadavg().map((value) => value.toFixed(2));
if (phase === 'start') {
  const cores = cpus();
  console.log(`bench run started ${new Date().toISOString()}`);
  console.log(
    `machine: ${cores[0]?.model.trim() ?? 'unknown CPU'}, ${cores.length} cores, ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()} ${arch()}, Node ${process.version}`,
  );
}
console.log(`load average at the ${phase} of the run: ${one} ${five} ${fifteen} (1, 5, 15 min)`);
if (phase === 'end') console.log(`bench run ended ${new Date().toISOString()}`);
