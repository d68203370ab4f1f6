/**
 * One scrape's numbers, from one pass over the socket rows (chunk by chunk,
 * so memory stays flat however big the tables) and the kernel's TcpExt
 * counters. Nothing here knows Prometheus' format: metrics.ts turns a
 * Snapshot into it. Column accessors only; an object is made per listening
 * socket, never per connection.
 *
 * Cardinality: no label here ever holds a remote address or a local port that
 * is not a listening one. Connections are counted by local port in typed
 * arrays (a port is an index), and only the listening ports are read out.
 */
import {
  INET_TABLES,
  statistics,
  TCP_STATES,
  UNIX_FLAG_ACCEPTCON,
  UNIX_STATES,
  type InetSockets,
  type OwnerAccess,
  type SocketChunk,
  type SocketsOptions,
  type TableName,
} from '@fastnetstat/core';

/** A gauge's value with its labels (label order as in the metric's definition). */
export interface Sample<L extends string> {
  labels: Record<L, string>;
  value: number;
}

export interface Snapshot {
  sockets: Sample<'protocol' | 'state'>[];
  listenQueueLength: Sample<'protocol' | 'address' | 'port' | 'program'>[];
  listenQueueLimit: Sample<'protocol' | 'address' | 'port' | 'program'>[];
  connections: Sample<'protocol' | 'port' | 'state'>[];
  processSockets: Sample<'pid' | 'program' | 'protocol'>[];
  /** TcpExt ListenOverflows and ListenDrops; undefined when the kernel has no such counter. */
  listenOverflows?: number;
  listenDrops?: number;
  /** How long reading and counting took. */
  seconds: number;
  /** Whether every socket's owner could be read (not as root: `partial` or `denied`). */
  ownerAccess: OwnerAccess;
}

const TCP_LISTEN = 10;
const TCP_ESTABLISHED = 1;
const TCP_CLOSE = 7;
/** The index of `unix` after the inet tables, in per-protocol counts. */
const UNIX = INET_TABLES.length;
const PROTOCOLS: readonly TableName[] = [...INET_TABLES, 'unix'];
/** State codes 0..15 (the kernel's TCP states end at 12, NEW_SYN_RECV). */
const STATE_CODES = 16;

/** A row's state as a label: netstat's TCP names; for udp and raw 1 is ESTABLISHED and 7 UNCONN (as ss). */
function inetStateName(table: number, code: number): string {
  if (table >= 2 && code === TCP_CLOSE) return 'UNCONN';
  return TCP_STATES[code] || 'UNKNOWN';
}
/** The states a table always reports (0 when none): stable series. */
function statesOf(table: number): number[] {
  if (table < 2) return [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  return [TCP_ESTABLISHED, TCP_CLOSE];
}
const UNIX_STATE_NAMES = [...UNIX_STATES, 'LISTENING'];
const UNIX_LISTENING = UNIX_STATES.length;

/** Whether a table's rows have service ports (tcp, udp, udplite; not raw, whose "port" is the protocol). */
const hasPorts = (table: number): boolean => table < 6;
/** tcp and tcp6 share a port space, as do udp/udp6 and udplite/udplite6. */
const portSpace = (table: number): number => table >> 1;

const utf8 = new TextDecoder('utf-8');

interface Listener {
  protocol: string;
  address: string;
  port: number;
  program: string;
  length: number;
  limit: number | null;
}

/**
 * Counts rows into reused typed arrays. One Collector serves a process's
 * scrapes one at a time (the server never runs two collections at once).
 */
export class Collector {
  /** [table * STATE_CODES + state] -> connections per local port (allocated on first use, kept). */
  private readonly byPort: (Uint32Array | undefined)[] = [];
  /** The (table, state) arrays this scrape wrote to, to zero after reading. */
  private touched: number[] = [];
  /** [port space] -> where a socket listens on the port: bit 0 in the IPv4 table, bit 1 in the IPv6 one. */
  private readonly listening = [new Uint8Array(65536), new Uint8Array(65536), new Uint8Array(65536)];

  /** The listening ports this scrape marked, as (port space, port). */
  private listeningPorts: Array<[space: number, port: number]> = [];

  /**
   * Reads one scrape. `chunks` is the socket listing (with owners); `options`
   * tell where the counters are read (procRoot).
   */
  async collect(chunks: AsyncIterable<SocketChunk> | Iterable<SocketChunk>, options: SocketsOptions): Promise<Snapshot> {
    try {
      return await this.read(chunks, options);
    } finally {
      // ready for the next scrape, even after a failed one
      for (const [space, port] of this.listeningPorts) this.listening[space]![port] = 0;
      for (const key of this.touched) this.byPort[key]!.fill(0);
      this.listeningPorts = [];
      this.touched = [];
    }
  }

  private async read(chunks: AsyncIterable<SocketChunk> | Iterable<SocketChunk>, options: SocketsOptions): Promise<Snapshot> {
    const started = process.hrtime.bigint();
    const stateCounts = new Map<number, Uint32Array>(); // protocol index -> count per state code
    const listeners = new Map<string, Listener>();
    const listeningPorts = this.listeningPorts;
    const perProcess = new Map<number, { program: string; counts: Uint32Array }>();

    const countsOf = (protocol: number): Uint32Array => {
      let counts = stateCounts.get(protocol);
      if (!counts) stateCounts.set(protocol, (counts = new Uint32Array(STATE_CODES + 1)));
      return counts;
    };
    const owned = (rows: InetSockets | SocketChunk['unix'], i: number, protocol: number): void => {
      const pid = rows.pid(i);
      if (pid === undefined) return;
      let entry = perProcess.get(pid);
      if (!entry) {
        const name = rows.processNameBytes(i);
        entry = { program: name ? utf8.decode(name) : '', counts: new Uint32Array(PROTOCOLS.length) };
        perProcess.set(pid, entry);
      }
      entry.counts[protocol]!++;
    };

    let ownerAccess: OwnerAccess = 'not-requested';
    for await (const chunk of chunks) {
      if (ownerAccess === 'not-requested') ownerAccess = chunk.ownerAccess;
      if (chunk.last) {
        const report = chunk.report(chunk.table);
        if (report.status === 'failed') throw new Error(`cannot read the ${chunk.table} table: ${report.error ?? 'failed'}`);
        if (report.status === 'read') countsOf(PROTOCOLS.indexOf(chunk.table));
      }
      const inet = chunk.inet;
      for (let i = 0; i < inet.length; i++) {
        const table = inet.tableIndex(i);
        const state = inet.state(i) & 15;
        countsOf(table)[state]!++;
        owned(inet, i, table);
        if (!hasPorts(table)) continue;
        const port = inet.localPort(i);
        const listens = table < 2 ? state === TCP_LISTEN : state === TCP_CLOSE && !inet.hasRemoteAddress(i);
        if (listens) {
          const marks = this.listening[portSpace(table)]!;
          if (port !== 0) {
            if (!marks[port]) listeningPorts.push([portSpace(table), port]);
            marks[port]! |= 1 << (table & 1);
          }
          if (table < 2) this.listener(listeners, inet, i);
          continue;
        }
        const key = table * STATE_CODES + state;
        let counts = this.byPort[key];
        if (!counts) this.byPort[key] = counts = new Uint32Array(65536);
        if (counts[port] === 0 && !this.touched.includes(key)) this.touched.push(key);
        counts[port]!++;
      }
      const unix = chunk.unix;
      for (let i = 0; i < unix.length; i++) {
        const state = unix.state(i);
        const code = state === 1 && (unix.flags(i) & UNIX_FLAG_ACCEPTCON) !== 0 ? UNIX_LISTENING : state < UNIX_LISTENING ? state : STATE_CODES;
        countsOf(UNIX)[code]!++;
        owned(unix, i, UNIX);
      }
    }

    const counters = await statistics({ family: 'inet', procRoot: options.procRoot, partial: true });
    const tcpExt = counters.counters.TcpExt;
    const snapshot: Snapshot = {
      sockets: this.socketSamples(stateCounts),
      listenQueueLength: [],
      listenQueueLimit: [],
      connections: this.connectionSamples(listeningPorts),
      processSockets: [],
      listenOverflows: tcpExt?.ListenOverflows,
      listenDrops: tcpExt?.ListenDrops,
      seconds: 0,
      ownerAccess,
    };
    for (const l of listeners.values()) {
      const labels = { protocol: l.protocol, address: l.address, port: String(l.port), program: l.program };
      snapshot.listenQueueLength.push({ labels, value: l.length });
      if (l.limit !== null) snapshot.listenQueueLimit.push({ labels, value: l.limit });
    }
    for (const [pid, { program, counts }] of perProcess) {
      counts.forEach((value, protocol) => {
        if (value) snapshot.processSockets.push({ labels: { pid: String(pid), program, protocol: PROTOCOLS[protocol]! }, value });
      });
    }
    snapshot.seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return snapshot;
  }

  /** A tcp LISTEN row: sockets with the same labels (a SO_REUSEPORT group) are summed. */
  private listener(listeners: Map<string, Listener>, rows: InetSockets, i: number): void {
    const row = rows.at(i);
    const name = rows.processNameBytes(i);
    const program = name ? utf8.decode(name) : '';
    const protocol = rows.table(i);
    const address = row.localAddress;
    const port = row.localPort;
    const key = `${protocol} ${address} ${port} ${program}`;
    const limit = rows.listenBacklog(i); // null from /proc
    const seen = listeners.get(key);
    if (seen) {
      seen.length += rows.rxQueue(i);
      seen.limit = seen.limit === null || limit === null ? null : seen.limit + limit;
    } else {
      listeners.set(key, { protocol, address, port, program, length: rows.rxQueue(i), limit });
    }
  }

  private socketSamples(stateCounts: Map<number, Uint32Array>): Snapshot['sockets'] {
    const samples: Snapshot['sockets'] = [];
    for (const [protocol, counts] of [...stateCounts].sort((a, b) => a[0] - b[0])) {
      const names = protocol === UNIX ? UNIX_STATE_NAMES : undefined;
      const always = protocol === UNIX ? [0, 1, 2, 3, 4, UNIX_LISTENING] : statesOf(protocol);
      const byName = new Map<string, number>();
      counts.forEach((value, code) => {
        if (!value && !always.includes(code)) return;
        const name = names ? (names[code] ?? 'UNKNOWN') : inetStateName(protocol, code);
        byName.set(name, (byName.get(name) ?? 0) + value);
      });
      for (const [state, value] of byName) samples.push({ labels: { protocol: PROTOCOLS[protocol]!, state }, value });
    }
    return samples;
  }

  /**
   * Connections on each listening port, by table and state: every state seen
   * on the port, and ESTABLISHED always (0 when none) in the tables where the
   * port listens.
   */
  private connectionSamples(listeningPorts: Array<[number, number]>): Snapshot['connections'] {
    const samples: Snapshot['connections'] = [];
    for (const [space, port] of listeningPorts.sort((a, b) => a[0] - b[0] || a[1] - b[1])) {
      const listensIn = this.listening[space]![port]!;
      for (const table of [space * 2, space * 2 + 1]) {
        const always = (listensIn & (1 << (table & 1))) !== 0;
        for (let state = 0; state < STATE_CODES; state++) {
          const value = this.byPort[table * STATE_CODES + state]?.[port] ?? 0;
          if (value || (always && state === TCP_ESTABLISHED)) {
            samples.push({ labels: { protocol: INET_TABLES[table]!, port: String(port), state: inetStateName(table, state) }, value });
          }
        }
      }
    }
    return samples;
  }
}
