// pid-port portToPid(PORT) in process (it spawns `ss -tunlp` and parses it).
// Prints {"ms","pid"}.
import { portToPid } from 'pid-port';

const port = Number(process.argv[2] || 5001);
const t0 = performance.now();
const pid = await portToPid(port);
process.stdout.write(JSON.stringify({ ms: performance.now() - t0, pid }) + '\n');
