// @fastnetstat/core in process: every inet socket with its process, rows
// iterated reading a couple of fields. Prints {"ms","warmMs","rows"} as JSON:
// ms is the first call in a fresh process (native module load included; the
// import of the package is not), warmMs a second call in the same process.
import { sockets } from '@fastnetstat/core';

async function once() {
  const t0 = performance.now();
  const list = await sockets({ families: ['inet', 'inet6'], protocols: ['tcp', 'udp'], processes: true });
  let rows = 0;
  let check = 0;
  for (const s of list.inet) {
    rows++;
    check += s.localPort + (s.pid ?? 0);
  }
  return { ms: performance.now() - t0, rows, check };
}

const first = await once();
const warm = await once();
process.stdout.write(JSON.stringify({ ms: first.ms, warmMs: warm.ms, rows: first.rows }) + '\n');
