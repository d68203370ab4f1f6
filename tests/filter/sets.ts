/**
 * The two sides of a filter case as sets of socket keys: what `ss -H -e -n` prints, and what
 * `fastnetstat --json` lists. A socket's key is its inode (`ino:N`); a TIME_WAIT socket has
 * none, so its key is its protocol, addresses and ports (`tw:tcp:127.0.0.1|3000>127.0.0.1|41234`).
 * ss prints no inode for raw sockets either: they are keyed by addresses too (the zoo's raw
 * sockets differ in them). Only the protocols both tools list are compared: tcp, udp, raw and unix (ss also lists
 * netlink, packet, mptcp, ... sockets, netstat's udplite has no ss counterpart).
 */

/** ss's netid of each compared protocol, and ours. */
const NETIDS: Record<string, string> = { tcp: 'tcp', udp: 'udp', raw: 'raw', u_str: 'unix', u_dgr: 'unix', u_seq: 'unix' };
/** Every netid ss 6.1 prints (to tell a netid column from a state column). */
const ALL_NETIDS = new Set([...Object.keys(NETIDS), 'nl', 'p_raw', 'p_dgr', 'mptcp', 'sctp', 'dccp', 'v_str', 'v_dgr', 'tipc', 'xdp', 'icmp6', 'unknown', '???']);

export interface SocketSet {
  /** key -> a readable description of the socket, for failure messages. */
  keys: Map<string, string>;
  /** key -> its kind: fastnetstat's protocol and state (`tcp TIME_WAIT`, `unix STREAM UNCONNECTED`), ss's netid and state (`u_str UNCONN`). */
  kinds: Map<string, string>;
}

/** An address as keys compare it: lowercase, a wildcard (0.0.0.0, ::, ss's *) as `*`. */
function addressKey(addr: string): string {
  const a = addr.toLowerCase();
  return a === '0.0.0.0' || a === '::' || a === '*' ? '*' : a;
}

/** `addr|port` from ss's `127.0.0.1:22`, `[::1]:22`, `*:22`, `0.0.0.0:*`. */
function endpoint(text: string): string {
  const colon = text.lastIndexOf(':');
  let addr = text.slice(0, colon);
  if (addr.startsWith('[') && addr.endsWith(']')) addr = addr.slice(1, -1);
  addr = addr.replace(/%.*$/, ''); // ss appends %dev to an address bound to a device
  const port = text.slice(colon + 1);
  return `${addressKey(addr)}|${port === '*' ? '0' : port}`;
}

/** The key of a socket that has no inode to go by (TIME_WAIT; raw in ss's text). */
const addressed = (proto: string, local: string, remote: string) => `addr:${proto}:${local}>${remote}`;

/**
 * The protocol of a listing without a netid column (ss hides it when one table is listed):
 * the one protocol its options name.
 */
function onlyProtocol(options: readonly string[]): string {
  const letters = options.filter((o) => /^-[a-zA-Z0-9]+$/.test(o)).join('');
  for (const [letter, proto] of [['t', 'tcp'], ['u', 'udp'], ['w', 'raw'], ['x', 'unix']] as const) if (letters.includes(letter)) return proto;
  return 'tcp';
}

/** The sockets `ss -H -e -n <options> <expr>` printed. */
export function parseSs(stdout: string, options: readonly string[]): SocketSet {
  const keys = new Map<string, string>();
  const kinds = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const t = line.trim().split(/\s+/).filter(Boolean);
    if (t.length < 4) continue;
    let i = 0;
    let proto: string;
    let netid: string;
    if (ALL_NETIDS.has(t[0]!)) {
      const mapped = NETIDS[t[0]!];
      if (!mapped) continue; // a table netstat does not list
      proto = mapped;
      netid = t[0]!;
      i++;
    } else {
      proto = onlyProtocol(options);
      netid = proto;
    }
    let state = '';
    if (!/^\d+$/.test(t[i]!)) state = t[i++]!; // the state column (hidden when one state is listed)
    i += 2; // Recv-Q, Send-Q
    if (proto === 'unix') {
      // `path inode peer peer-inode`; the socket's inode is the local "port"
      const inode = t[i + 1]!;
      keys.set(`ino:${inode}`, `unix ${t[i]} ${inode} -> ${t[i + 2]} ${t[i + 3]}`);
      kinds.set(`ino:${inode}`, `${netid} ${state}`);
      continue;
    }
    const local = t[i]!;
    const peer = t[i + 1]!;
    const ino = /\bino:(\d+)/.exec(line)?.[1] ?? '0';
    const what = `${proto} ${local} -> ${peer}`;
    const key = ino !== '0' && proto !== 'raw' ? `ino:${ino}` : addressed(proto, endpoint(local), endpoint(peer));
    keys.set(key, what);
    kinds.set(key, `${netid} ${state}`);
  }
  return { keys, kinds };
}

interface JsonInet {
  protocol: string;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  state: string;
  inode: number;
}
interface JsonUnix {
  inode: number;
  path: string | null;
  type: string;
  state: string;
}

/** The sockets a `fastnetstat --json` document lists (one document, or --all-netns's). */
export function parseJson(stdout: string): SocketSet {
  const doc = JSON.parse(stdout) as { inet: JsonInet[]; unix: JsonUnix[] };
  const keys = new Map<string, string>();
  const kinds = new Map<string, string>();
  for (const r of doc.inet) {
    if (r.protocol === 'udplite') continue;
    const what = `${r.protocol} ${r.localAddress}:${r.localPort} -> ${r.remoteAddress}:${r.remotePort} ${r.state}`;
    const key =
      r.inode !== 0 && r.protocol !== 'raw'
        ? `ino:${r.inode}`
        : addressed(r.protocol, `${addressKey(r.localAddress)}|${r.localPort}`, `${addressKey(r.remoteAddress)}|${r.remotePort}`);
    keys.set(key, what);
    kinds.set(key, `${r.protocol} ${r.state}`);
  }
  for (const r of doc.unix) {
    keys.set(`ino:${r.inode}`, `unix ${r.type} ${r.state} ${r.path ?? '*'} ${r.inode}`);
    kinds.set(`ino:${r.inode}`, `unix ${r.type} ${r.state}`);
  }
  return { keys, kinds };
}

/** What one side has and the other lacks, as lines; empty when the sets are equal. */
export function difference(expected: SocketSet, actual: SocketSet): string[] {
  const out: string[] = [];
  for (const [k, v] of expected.keys) if (!actual.keys.has(k)) out.push(`missing (ss lists it): ${v}`);
  for (const [k, v] of actual.keys) if (!expected.keys.has(k)) out.push(`extra (ss does not list it): ${v}`);
  return out;
}

/**
 * ss's options for a fastnetstat option list: the letters mean the same (-t -u -w -x -a -l -4
 * -6); netstat's -A/--protocol families become ss's -4/-6/-x, the JSON and output options drop.
 */
export function ssOptions(options: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < options.length; i++) {
    const o = options[i]!;
    if (o === '-A' || o.startsWith('--protocol')) {
      const list = o.includes('=') ? o.slice(o.indexOf('=') + 1) : options[++i]!;
      for (const f of list.split(',')) out.push(f === 'inet' ? '-4' : f === 'inet6' ? '-6' : '-x');
    } else if (o === '--inet') out.push('-4');
    else if (o === '--inet6') out.push('-6');
    else if (o === '--unix') out.push('-x');
    else if (/^-[a-zA-Z0-9]+$/.test(o)) {
      // a cluster: the letters that select keep their meaning; -n, -e, -p, -W, -o only change the text
      const letters = o.slice(1).replace(/[^tuwxal46]/g, '');
      if (letters) out.push(`-${letters}`);
    }
    // --json and other long options: output only
  }
  return out;
}
