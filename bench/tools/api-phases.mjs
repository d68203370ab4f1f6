// Where the API's in-process time goes (run inside a populated namespace, e.g.
// node bench/netns.mjs --size 48000 -- node bench/tools/api-phases.mjs):
// import, the addon's require, the raw native call (listSockets, sync and
// async, with and without processes), and decoding/iterating the rows.
import { createRequire } from 'node:module';

const t0 = performance.now();
const core = await import('@fastnetstat/core');
const tImport = performance.now() - t0;
const requireFromCore = createRequire(createRequire(import.meta.url).resolve('@fastnetstat/core'));
const t1 = performance.now();
const native = requireFromCore('@fastnetstat/native');
const tAddon = performance.now() - t1;

const INET = 0b1111; // tcp, tcp6, udp, udp6
const time = async (f) => {
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const s = performance.now();
    await f();
    runs.push(performance.now() - s);
  }
  runs.sort((a, b) => a - b);
  return `${runs[2].toFixed(1)} (min ${runs[0].toFixed(1)})`;
};
const opts = { families: ['inet', 'inet6'], protocols: ['tcp', 'udp'], processes: true };
const list = await core.sockets(opts);
const out = {
  rows: list.inet.length,
  'import @fastnetstat/core': tImport.toFixed(1),
  'require @fastnetstat/native': tAddon.toFixed(1),
  'native listSocketsSync, no processes': await time(() => native.listSocketsSync({ inetTables: INET, unix: false, owners: false })),
  'native listSocketsSync, processes': await time(() => native.listSocketsSync({ inetTables: INET, unix: false, owners: true })),
  'native listSockets (async), processes': await time(() => native.listSockets({ inetTables: INET, unix: false, owners: true })),
  'native listSockets (async), tcp only, processes': await time(() => native.listSockets({ inetTables: 0b11, unix: false, owners: true })),
  'sockets() + iterate (InetSocket objects: localPort, pid)': await time(async () => {
    let c = 0;
    for (const s of (await core.sockets(opts)).inet) c += s.localPort + (s.pid ?? 0);
    return c;
  }),
  'iterate only, InetSocket objects': await time(() => {
    let c = 0;
    for (const s of list.inet) c += s.localPort + (s.pid ?? 0);
    return c;
  }),
  'iterate only, by index (rows.localPort(i), rows.pid(i))': await time(() => {
    let c = 0;
    const r = list.inet;
    for (let i = 0; i < r.length; i++) c += r.localPort(i) + (r.pid(i) ?? 0);
    return c;
  }),
};
for (const [k, v] of Object.entries(out)) console.log(`${k.padEnd(60)} ${v} ms`);
