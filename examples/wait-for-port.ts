/**
 * Wait until something listens on a port.  Usage: tsx examples/wait-for-port.ts PORT [timeoutMs]
 */
import { watch } from '@fastnetstat/core';

const port = Number(process.argv[2]);
const timeoutMs = Number(process.argv[3] ?? 10_000);
const stop = AbortSignal.timeout(timeoutMs);

for await (const { list } of watch({ protocols: ['tcp'], tcpStates: ['LISTEN'], localPort: port, processes: true }, { intervalMs: 100, signal: stop })) {
  if (list.inet.length > 0) {
    const listener = list.inet.at(0);
    console.log(`port ${port} is open (pid ${listener.pid ?? '?'} ${listener.processName ?? ''})`);
    process.exit(0);
  }
}
console.error(`nothing listened on port ${port} within ${timeoutMs} ms`);
process.exit(1);
