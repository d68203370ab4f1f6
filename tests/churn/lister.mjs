// The API side of the churn test: run inside the test's namespace (by churn.test.ts, through
// `ip netns exec`, as root or as nobody), it lists the sockets with @fastnetstat/core many times
// and prints one compact JSON line per listing (the check's result, not the rows).
//
//   node tests/churn/lister.mjs CONFIG.json
//
// CONFIG: { iterations, sources: ['proc', 'netlink'], modes: ['sync', 'async'], stable: Stable[],
//           owner: "PID/fns-stable" | null }
// Each iteration makes one listing per source and mode, in turn. A listing that throws is
// reported (code, message, stack) and the loop goes on.
import { readFileSync } from 'node:fs';
import { sockets, socketsSync } from '@fastnetstat/core';
import { checkRows } from './check.mjs';

const cfg = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const TABLES = ['tcp', 'tcp6', 'udp', 'udp6', 'unix'];

/** Rows in the shape check.mjs wants, and what the listing said about itself. */
function reduce(list) {
  const rows = [];
  for (const s of list.inet) {
    rows.push({
      table: s.table,
      inode: s.inode,
      local: `${s.localAddress}:${s.localPort}`,
      remote: `${s.remoteAddress}:${s.remotePort}`,
      state: s.state ?? '',
      owner: s.pid == null ? '-' : `${s.pid}/${s.processName}`,
    });
  }
  for (const s of list.unix) {
    rows.push({ table: 'unix', inode: s.inode, local: '', remote: '', state: s.state ?? '', owner: s.pid == null ? '-' : `${s.pid}/${s.processName}` });
  }
  return rows;
}

let n = 0;
for (let i = 0; i < cfg.iterations; i++) {
  for (const source of cfg.sources) {
    for (const mode of cfg.modes) {
      const options = { processes: true, source };
      const t0 = performance.now();
      const out = { n: n++, source, mode };
      try {
        const list = mode === 'sync' ? socketsSync(options) : await sockets(options);
        const rows = reduce(list);
        out.ms = Math.round(performance.now() - t0);
        out.ownerAccess = list.ownerAccess;
        // 'missing' is a kernel without that table (udplite): not an error
        out.failedTables = list.reports.filter((r) => r.status === 'failed' || r.bogusLines > 0);
        Object.assign(out, checkRows(rows, { stable: cfg.stable, tables: TABLES, owner: cfg.owner }));
      } catch (e) {
        out.error = { code: e?.code, message: String(e?.message ?? e), stack: String(e?.stack ?? '') };
      }
      process.stdout.write(JSON.stringify(out) + '\n');
    }
  }
}
