import { socketsSync } from '@fastnetstat/core';
const cfgs = [
  ['plain', { tcpCounters: false }],
  ['counters(INFO)', { tcpCounters: true }],
  ['tcpInfo', { tcpInfo: true, tcpCounters: false }],
  ['memory', { memory: true, tcpCounters: false }],
];
for (let r = 0; r < 3; r++) for (const [name, o] of cfgs) {
  const t = process.hrtime.bigint();
  const list = socketsSync({ tables: ['tcp', 'tcp6'], tcpStates: ['ESTABLISHED'], ...o });
  console.log(name.padEnd(16), (Number(process.hrtime.bigint() - t) / 1e6).toFixed(1), list.inet.length);
}
