/**
 * Top talkers by queue size: the tcp sockets with the most bytes waiting to be
 * read or acknowledged.  Usage: tsx examples/top-queues.ts [N]
 * Uses the column accessors, so no object is made for rows that are not shown.
 */
import { sockets } from '@fastnetstat/core';

const count = Number(process.argv[2] ?? 10);
const list = await sockets({ protocols: ['tcp'], processes: true });
const rows = list.inet;
const order = Array.from({ length: rows.length }, (_, i) => i)
  .filter((i) => rows.rxQueue(i) + rows.txQueue(i) > 0)
  .sort((a, b) => rows.rxQueue(b) + rows.txQueue(b) - (rows.rxQueue(a) + rows.txQueue(a)))
  .slice(0, count);
for (const i of order) {
  const s = rows.at(i);
  console.log(
    `${String(s.receiveQueue).padStart(8)} ${String(s.sendQueue).padStart(8)}  ` +
      `${s.localAddress}:${s.localPort} -> ${s.remoteAddress}:${s.remotePort}  ${s.state}  ${s.pid ?? '-'}/${s.processName ?? '-'}`,
  );
}
if (order.length === 0) console.log('no tcp socket has queued data');
