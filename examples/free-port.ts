/**
 * Free a port: ask the processes listening on it to stop (SIGTERM), then wait
 * until nothing listens there.  Usage: tsx examples/free-port.ts PORT [timeoutMs]
 */
import { portOwners } from '@fastnetstat/core';

const port = Number(process.argv[2]);
const timeoutMs = Number(process.argv[3] ?? 5000);

const listening = async () => (await portOwners(port, { protocol: 'tcp' })).filter((s) => s.state === 'LISTEN');

const pids = new Set((await listening()).map((s) => s.pid).filter((pid): pid is number => pid !== undefined));
for (const pid of pids) {
  console.log(`sending SIGTERM to ${pid}`);
  process.kill(pid, 'SIGTERM');
}
const deadline = Date.now() + timeoutMs;
while ((await listening()).length > 0) {
  if (Date.now() > deadline) {
    console.error(`port ${port} is still in use after ${timeoutMs} ms`);
    process.exit(1);
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
}
console.log(`port ${port} is free`);
