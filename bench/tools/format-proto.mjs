// A prototype of a faster `-tan` / `-tanp` row formatter, to measure what the
// CLI's "after" phase (decode + format + write) could cost. Not used by the CLI.
// Run inside a populated namespace:
//   node bench/netns.mjs --size 48000 -- node bench/tools/format-proto.mjs [-p] [--check]
// Prints timings; with --check compares its bytes with `fastnetstat -tan[p]`.
//
// What it does differently from packages/cli/src/format/inet.ts:
// - numeric host strings cached per distinct address (a Map from the 32-bit
//   address; no subarray view per row), port strings cached per port;
// - the PID/Program name column computed once per owner, not per row;
// - each row is one string written straight into one preallocated Buffer with
//   latin1Write (no array of row strings, no join, no Buffer.from copy).
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { sockets } from '@fastnetstat/core';

const programs = process.argv.includes('-p');
const check = process.argv.includes('--check');

const pad = (s, n) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const rpad = (s, n) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
const STATES = ['', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING'].map((s) => pad(s, 11));

function format(list) {
  const rows = list.inet;
  const bytes = rows.wire.bytes;
  const view = rows.wire.view;
  const base = rows.wire.inetAt;
  const ROW = 80;
  const hosts = new Map();
  const ports = new Array(65536);
  const owners = new Map();
  const out = Buffer.allocUnsafe(rows.length * (programs ? 130 : 110) + 4096);
  let at = out.latin1Write(
    'Active Internet connections (servers and established)\nProto Recv-Q Send-Q Local Address           Foreign Address         State      ' +
      (programs ? ' PID/Program name    ' : '') + '\n', 0);
  const host4 = (o) => {
    const key = view.getUint32(o, false);
    let h = hosts.get(key);
    if (h === undefined) hosts.set(key, (h = `${bytes[o]}.${bytes[o + 1]}.${bytes[o + 2]}.${bytes[o + 3]}`));
    return h;
  };
  const port = (p) => (p === 0 ? '*' : (ports[p] ??= String(p)));
  const endpoint = (h, p) => {
    if (h.length + p.length > 22) {
      const n = Math.min(p.length, 18);
      return `${h.slice(0, 22 - n)}:${p.slice(0, n)}`;
    }
    return `${h}:${p}`;
  };
  for (const table of [0, 1]) {
    for (let i = 0; i < rows.length; i++) {
      const o = base + i * ROW;
      if (bytes[o + 76] !== table) continue;
      if (table === 1) {
        // the prototype handles IPv4 only; IPv6 rows would go through inetNtop6 with a cache
        continue;
      }
      const local = endpoint(host4(o), port(view.getUint16(o + 72, true)));
      const remote = endpoint(host4(o + 16), port(view.getUint16(o + 74, true)));
      const rx = view.getUint32(o + 48, true);
      const tx = view.getUint32(o + 52, true);
      const queues = rx === 0 && tx === 0 ? '     0      0' : `${rpad(String(rx), 6)} ${rpad(String(tx), 6)}`;
      let line = `tcp   ${queues} ${pad(local, 23)} ${pad(remote, 23)} ${STATES[bytes[o + 77]] ?? pad('', 11)}`;
      if (programs) {
        const owner = view.getUint32(o + 68, true);
        let text = owners.get(owner);
        if (text === undefined) {
          const pid = rows.pid(i);
          const name = rows.processNameBytes(i);
          text = pid === undefined || name === undefined ? pad('-', 20) : pad(`${pid}/${Buffer.from(name).toString('latin1')}`.slice(0, 19), 20);
          owners.set(owner, text);
        }
        line += ` ${text}`;
      }
      at += out.latin1Write(line + '\n', at);
    }
  }
  return out.subarray(0, at);
}

// Byte-level variant: cached byte arrays copied into the buffer, spaces by fill; no string per row.
const enc = (str) => Buffer.from(str, 'latin1');
const STATE_BYTES = STATES.map(enc);
function formatBytes(list) {
  const rows = list.inet;
  const bytes = rows.wire.bytes;
  const view = rows.wire.view;
  const base = rows.wire.inetAt;
  const hosts = new Map();
  const ports = new Array(65536);
  const owners = new Map();
  const out = Buffer.allocUnsafe(rows.length * (programs ? 130 : 110) + 4096);
  let at = out.latin1Write(
    'Active Internet connections (servers and established)\nProto Recv-Q Send-Q Local Address           Foreign Address         State      ' +
      (programs ? ' PID/Program name    ' : '') + '\n', 0);
  const ZERO = enc('tcp        0      0 ');
  const host4 = (o) => {
    const key = view.getUint32(o, false);
    let h = hosts.get(key);
    if (h === undefined) hosts.set(key, (h = enc(`${bytes[o]}.${bytes[o + 1]}.${bytes[o + 2]}.${bytes[o + 3]}`)));
    return h;
  };
  const port = (p) => (ports[p] ??= enc(p === 0 ? '*' : String(p)));
  const endpoint = (h, p) => {
    const start = at;
    if (h.length + p.length > 22) {
      const e = enc(`${h.toString('latin1')}:${p.toString('latin1')}`.slice(0, 22)); // (simplified: rare)
      out.set(e, at);
      at += e.length;
    } else {
      out.set(h, at);
      at += h.length;
      out[at++] = 58;
      out.set(p, at);
      at += p.length;
    }
    const end = start + 23;
    if (at < end) {
      out.fill(32, at, end);
      at = end;
    }
    out[at++] = 32;
  };
  for (let i = 0; i < rows.length; i++) {
    const o = base + i * 80;
    if (bytes[o + 76] !== 0) continue;
    const rx = view.getUint32(o + 48, true);
    const tx = view.getUint32(o + 52, true);
    if (rx === 0 && tx === 0) {
      out.set(ZERO, at);
      at += ZERO.length;
    } else {
      at += out.latin1Write(`tcp   ${rpad(String(rx), 6)} ${rpad(String(tx), 6)} `, at);
    }
    endpoint(host4(o), port(view.getUint16(o + 72, true)));
    endpoint(host4(o + 16), port(view.getUint16(o + 74, true)));
    const st = STATE_BYTES[bytes[o + 77]];
    out.set(st, at);
    at += st.length;
    if (programs) {
      const owner = view.getUint32(o + 68, true);
      let text = owners.get(owner);
      if (text === undefined) {
        const pid = rows.pid(i);
        const name = rows.processNameBytes(i);
        text = enc(' ' + (pid === undefined || name === undefined ? pad('-', 20) : pad(`${pid}/${Buffer.from(name).toString('latin1')}`.slice(0, 19), 20)));
        owners.set(owner, text);
      }
      out.set(text, at);
      at += text.length;
    }
    out[at++] = 10;
  }
  return out.subarray(0, at);
}

const t0 = performance.now();
const list = await sockets({ protocols: ['tcp'], families: ['inet', 'inet6'], processes: programs });
const t1 = performance.now();
const runs = [];
let text;
for (let r = 0; r < 7; r++) {
  const s = performance.now();
  text = format(list);
  runs.push(performance.now() - s);
}
const firstRun = runs[0];
runs.sort((a, b) => a - b);
console.log(`rows ${list.inet.length}; native+decode ${(t1 - t0).toFixed(1)} ms; string variant: first run ${firstRun.toFixed(1)} ms, median ${runs[3].toFixed(1)} ms, min ${runs[0].toFixed(1)} ms (${text.length} bytes)`);
{
  const runs2 = [];
  let b;
  for (let r = 0; r < 7; r++) {
    const s = performance.now();
    b = formatBytes(list);
    runs2.push(performance.now() - s);
  }
  const first = runs2[0];
  runs2.sort((a, b) => a - b);
  console.log(`byte-level variant: first run ${first.toFixed(1)} ms, median ${runs2[3].toFixed(1)} ms, min ${runs2[0].toFixed(1)} ms, ${b.equals(text) ? 'same bytes as the string variant' : 'BYTES DIFFER'}`);
}
if (check) {
  const cli = createRequire(import.meta.url).resolve('fastnetstat/bin/fastnetstat.cjs');
  const real = execFileSync(process.execPath, [cli, programs ? '-tanp' : '-tan'], { maxBuffer: 1 << 30 });
  // Only the IPv4 rows are formatted here; compare those (order within the table is the kernel's, same for both).
  const strip = (b) => b.toString('latin1').split('\n').filter((l) => !l.startsWith('tcp6')).join('\n');
  console.log(strip(real) === strip(text) ? 'output identical to the CLI (IPv4 rows)' : 'OUTPUT DIFFERS from the CLI');
}
