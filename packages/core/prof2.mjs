import { socketsSync } from '@fastnetstat/core';
for (let r = 0; r < 20; r++) socketsSync({ tables: ['tcp', 'tcp6'], tcpStates: ['ESTABLISHED'], tcpInfo: true, memory: true, tcpCounters: false });
