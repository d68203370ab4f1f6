/**
 * Who listens on a port?  Usage: tsx examples/who-listens.ts PORT
 * The kernel filters by port and the process walk stops once the owners are found.
 */
import { portOwners, FastnetstatError } from '@fastnetstat/core';

const port = Number(process.argv[2]);
try {
  const owners = await portOwners(port, { protocol: ['tcp', 'udp'] });
  if (owners.length === 0) {
    console.log(`nothing is bound to port ${port}`);
  }
  for (const s of owners) {
    const who = s.pid === undefined ? 'unknown process (not root?)' : `${s.pid} ${s.processName}`;
    console.log(`${s.table} ${s.localAddress}:${s.localPort} ${s.state} ${who}`);
  }
} catch (error) {
  if (error instanceof FastnetstatError) {
    console.error(`who-listens: ${error.message} (${error.code})`);
    process.exit(1);
  }
  throw error;
}
