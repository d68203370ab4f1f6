import { inspect, type InspectOptionsStylized } from 'node:util';
import { inetNtoa, inetNtop6 } from './names/inet.js';
import { awaitNative, callNative, FastnetstatError } from './errors.js';
import { filterRequest, type FilterExpression, type FilterFamily } from './filter-request.js';
import { LabelTable, namespaceInfo, type NamespaceInfo } from './labels.js';
import { native, type NativeHostListing, type NativeSocketOptions, type NativeSocketStream } from './native.js';
import { checkProcRoot, reportError, type ReportError } from './report.js';
import { nested, WireView } from './wire.js';
import { ASKED_MEMORY, ASKED_TCP_INFO, detailsAt, fillTcpInfo, hasTcpInfo, readMemory, readTcpInfo, type SocketMemory, type TcpInfo } from './details.js';
import { Inet, INET_LEN, NONE, Unix, UNIX_LEN } from './wire-layout.js';
import { InetColumns, InetRowFields, UnixColumns, UnixRowFields } from './wire-rows.js';

/** The kernel's inet socket tables, in the order netstat prints them. */
export const INET_TABLES = ['tcp', 'tcp6', 'udp', 'udp6', 'udplite', 'udplite6', 'raw', 'raw6'] as const;
export type InetTableName = (typeof INET_TABLES)[number];
export type TableName = InetTableName | 'unix';
export type Protocol = 'tcp' | 'udp' | 'udplite' | 'raw' | 'unix';
export type Family = 'inet' | 'inet6' | 'unix';

export interface SocketsOptions {
  /** Protocols to list (default: all). */
  protocols?: readonly Protocol[];
  /** Address families to list (default: all). */
  families?: readonly Family[];
  /** Exact tables to read, in order; overrides `protocols` and `families`. */
  tables?: readonly TableName[];
  /** Find the process owning each socket (walks /proc/PID/fd). Default false. */
  processes?: boolean;
  /** Read a /proc tree other than the live one (e.g. a support bundle's copy). */
  procRoot?: string;
  /**
   * Where rows come from: `netlink` (sock_diag), `proc` (the /proc/net text
   * tables) or `auto` (default: netlink on the live system, table by table,
   * /proc where netlink cannot answer or `procRoot` is given). Both give the same rows.
   */
  source?: 'auto' | 'proc' | 'netlink';
  /**
   * TCP states to list (default: all). With netlink the kernel filters, so
   * `['LISTEN']` never walks the established connections. Other protocols are not filtered.
   */
  tcpStates?: readonly TcpState[];
  /** Fill tcp timers' retransmit and probe counts (default true; false saves work with netlink). */
  tcpCounters?: boolean;
  /** Only inet sockets bound to this local port (the kernel filters; unix sockets are not filtered). */
  localPort?: number;
  /**
   * Which network namespace to list: one (a name under /run/netns as `ip
   * netns` uses, a path to a namespace file such as `/proc/PID/ns/net` or
   * `/run/docker/netns/ID`, or `pid:PID`), or `'all'`: every namespace of the
   * host, each read by a thread that enters it (root), or through a process
   * in it. Default: the one this process runs in. With `'all'`,
   * {@link sockets} returns a {@link HostSocketList}.
   */
  netns?: 'all' | (string & {});
  /**
   * Gather each row's labels (`netns`, `cgroup`, `container`, `pod`): default
   * true when `netns` is given, false otherwise (it costs a walk of the
   * cgroup tree and a read of the runtimes' files).
   */
  labels?: boolean;
  /** Where container runtimes keep their state, for names (default `/`; e.g. `/host` in a container). */
  hostRoot?: string;
  /**
   * Only the sockets this expression in ss's grammar selects (docs/filters.md): one text or its
   * words. With netlink the kernel runs what it can of it; `state`/`exclude` clauses choose the
   * states (without one, every state: ss's own default of connected sockets is the CLI's).
   * A malformed expression throws `EINVAL` with the parser's message.
   */
  filter?: FilterExpression;
  /**
   * How `filter` reads an address without an `inet:`/`inet6:`/`unix:` prefix, as ss's last
   * -4/-6/-x does: `'unix'` makes `src /run/*.sock` a unix path pattern. Default: the one
   * family `families` names, if it names one; else by the address's form.
   */
  filterFamily?: FilterFamily;
  /**
   * Ask the kernel for each tcp socket's tcp_info and congestion control
   * (what `ss -i` shows): rows get `tcpInfo`. Netlink only: refused with
   * `source: 'proc'` or `procRoot` (EINVAL). Default false.
   */
  tcpInfo?: boolean;
  /** Ask for each socket's memory counters (`ss -m`, unix sockets too): rows get `memory`. Netlink only, as `tcpInfo`. Default false. */
  memory?: boolean;
}

export type TcpState = Exclude<(typeof TCP_STATES)[number], ''>;

export type TableStatus = 'not-requested' | 'read' | 'missing' | 'failed';

/** How reading one kernel table went (`error`, `errno` and `message` when it failed). */
export interface TableReport extends ReportError {
  table: TableName;
  status: TableStatus;
  /** Lines that could not be parsed and were skipped. */
  bogusLines: number;
}

/**
 * How much of the process walk could be read: `partial` and `denied` mean some
 * processes' fds were not readable (not root), so some owners are unknown.
 */
export type OwnerAccess = 'not-requested' | 'complete' | 'partial' | 'denied';
const OWNER_ACCESS: readonly OwnerAccess[] = ['not-requested', 'complete', 'partial', 'denied'];

export const TCP_STATES = [
  '', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT',
  'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING',
] as const;

export const UNIX_TYPES: Record<number, string> = { 1: 'STREAM', 2: 'DGRAM', 3: 'RAW', 4: 'RDM', 5: 'SEQPACKET' };
export const UNIX_STATES = ['FREE', 'UNCONNECTED', 'CONNECTING', 'CONNECTED', 'DISCONNECTING'] as const;
/** __SO_ACCEPTCON etc. in /proc/net/unix flags. */
export const UNIX_FLAG_ACCEPTCON = 1 << 16;
export const UNIX_FLAG_WAITDATA = 1 << 17;
export const UNIX_FLAG_NOSPACE = 1 << 18;

const utf8 = new TextDecoder('utf-8');

function tableMask(tables: readonly TableName[]): { mask: number; unix: boolean } {
  let mask = 0;
  let unix = false;
  for (const t of tables) {
    if (t === 'unix') unix = true;
    else {
      const i = INET_TABLES.indexOf(t);
      if (i < 0) throw new FastnetstatError('EINVAL', `unknown socket table '${String(t)}'`);
      mask |= 1 << i;
    }
  }
  return { mask, unix };
}

/** The tables that `options` select, in netstat's order. */
export function selectTables(options: SocketsOptions = {}): TableName[] {
  if (options.tables) return [...options.tables];
  const protocols = options.protocols ?? ['tcp', 'udp', 'udplite', 'raw', 'unix'];
  const families = options.families ?? ['inet', 'inet6', 'unix'];
  for (const p of protocols) {
    if (!['tcp', 'udp', 'udplite', 'raw', 'unix'].includes(p)) throw new FastnetstatError('EINVAL', `unknown protocol '${String(p)}'`);
  }
  for (const f of families) {
    if (!['inet', 'inet6', 'unix'].includes(f)) throw new FastnetstatError('EINVAL', `unknown address family '${String(f)}'`);
  }
  const out: TableName[] = [];
  for (const p of ['tcp', 'udp', 'udplite', 'raw'] as const) {
    if (!protocols.includes(p)) continue;
    if (families.includes('inet')) out.push(p);
    if (families.includes('inet6')) out.push(`${p}6`);
  }
  if (protocols.includes('unix') && families.includes('unix')) out.push('unix');
  return out;
}

/** @internal The binding's options for a listing's. */
export function nativeOptions(options: SocketsOptions): NativeSocketOptions {
  const { mask, unix } = tableMask(selectTables(options));
  checkProcRoot(options.procRoot);
  const request: NativeSocketOptions = { procRoot: options.procRoot, inetTables: mask, unix, owners: options.processes === true };
  if (options.source !== undefined) {
    if (!['auto', 'proc', 'netlink'].includes(options.source)) {
      throw new FastnetstatError('EINVAL', `unknown source '${String(options.source)}' (auto, proc or netlink)`);
    }
    request.source = options.source;
  }
  if (options.tcpStates !== undefined) {
    let states = 0;
    for (const state of options.tcpStates) {
      const n = TCP_STATES.indexOf(state);
      if (n <= 0) throw new FastnetstatError('EINVAL', `unknown TCP state '${String(state)}'`);
      states |= 1 << n;
    }
    request.tcpStates = states >>> 0;
  }
  if (options.tcpCounters !== undefined) request.tcpCounters = options.tcpCounters;
  if (options.localPort !== undefined) {
    if (!Number.isInteger(options.localPort) || options.localPort < 0 || options.localPort > 65535) {
      throw new FastnetstatError('EINVAL', `port ${String(options.localPort)} is out of range (0-65535)`);
    }
    request.localPort = options.localPort;
  }
  if (options.netns !== undefined) {
    if (typeof options.netns !== 'string' || options.netns === '') throw new FastnetstatError('EINVAL', "netns must be 'all' or a namespace name, path or pid:PID");
    if (options.netns !== 'all') request.netns = options.netns;
  }
  if (options.hostRoot !== undefined) request.hostRoot = options.hostRoot;
  Object.assign(request, filterRequest(options));
  if (options.tcpInfo || options.memory) {
    const what = options.tcpInfo ? 'tcpInfo' : 'memory';
    if (options.source === 'proc') throw new FastnetstatError('EINVAL', `${what} comes from netlink: not with source 'proc'`);
    if (options.procRoot !== undefined) throw new FastnetstatError('EINVAL', `${what} comes from netlink: not with procRoot (a copy of /proc has none)`);
    request.tcpInfo = options.tcpInfo === true;
    request.memory = options.memory === true;
  }
  return request;
}

/** The details a listing asked for, as the rows' ASKED_* bits. */
function detailsAsked(options: SocketsOptions): number {
  return (options.tcpInfo ? ASKED_TCP_INFO : 0) | (options.memory ? ASKED_MEMORY : 0);
}

/** Marks a listing's rows with the details asked for (they show them, null where absent). */
function withDetails<T extends SocketList>(list: T, options: SocketsOptions): T {
  list.wire.detailsAsked = detailsAsked(options);
  return list;
}

/** Whether a listing goes through the host path (namespaces and labels). */
function hostListing(options: SocketsOptions): { all: boolean; labels: boolean } | undefined {
  const labels = options.labels ?? options.netns !== undefined;
  if (options.netns === undefined && !labels) return undefined;
  return { all: options.netns === 'all', labels };
}

function fromHost(listing: NativeHostListing, all: boolean, options: SocketsOptions): SocketList | HostSocketList {
  const table = new LabelTable(listing);
  const lists = listing.namespaces.map((ns) => {
    const info = namespaceInfo(ns);
    const list = withDetails(new SocketList(ns.buffer, info), options);
    list.wire.labels = { netns: info.netns, table };
    return list;
  });
  return all ? new HostSocketList(lists, listing.hiddenProcesses) : lists[0]!;
}

/** Lists sockets synchronously (for scripts; blocks the event loop). */
export function socketsSync(options: SocketsOptions & { netns: 'all' }): HostSocketList;
export function socketsSync(options?: SocketsOptions): SocketList;
export function socketsSync(options: SocketsOptions = {}): SocketList | HostSocketList {
  const request = nativeOptions(options);
  const host = hostListing(options);
  if (host) return fromHost(callNative(() => native().listHostSocketsSync(request, host)), host.all, options);
  const buffer = callNative(() => native().listSocketsSync(request));
  return withDetails(new SocketList(buffer), options);
}

/** Lists sockets off the main thread. */
export async function sockets(options: SocketsOptions & { netns: 'all' }): Promise<HostSocketList>;
export async function sockets(options?: SocketsOptions): Promise<SocketList>;
export async function sockets(options: SocketsOptions = {}): Promise<SocketList | HostSocketList> {
  const request = nativeOptions(options);
  const host = hostListing(options);
  if (host) return fromHost(await awaitNative(() => native().listHostSockets(request, host)), host.all, options);
  const buffer = await awaitNative(() => native().listSockets(request));
  return withDetails(new SocketList(buffer), options);
}

/** How {@link streamSocketsSync} hands out chunks. */
export interface StreamOptions {
  /**
   * Write every chunk into one buffer, reused: a chunk is then valid only
   * until the next one is taken, and chunks make no garbage (on a huge table
   * the garbage collector would otherwise let spent chunks pile up before it
   * runs). Default false: every chunk is its own.
   */
  reuse?: boolean;
}

/** Room for a full chunk of inet rows with its owners: grown when a chunk needs more. */
const REUSED_BUFFER_BYTES = 256 * 1024;

/**
 * Lists sockets a chunk at a time, while the tables are still being read:
 * memory holds a few chunks however large the tables are, and the first rows
 * arrive before the last are read. Chunks come table by table, in the order
 * the tables are selected; see {@link SocketChunk}. Leaving the loop early
 * (`break`, an exception) stops the listing. Blocks the event loop while it
 * waits for each chunk; {@link streamSockets} does not.
 */
export function streamSocketsSync(options: SocketsOptions = {}, how: StreamOptions = {}): Generator<SocketChunk, void, undefined> {
  const stream = openStream(options);
  let reused = how.reuse === true ? Buffer.allocUnsafe(REUSED_BUFFER_BYTES) : undefined;
  const take = (): Uint8Array | null => {
    if (reused === undefined) return stream.nextSync();
    let length = stream.nextIntoSync(reused);
    if (length !== null && length > reused.length) {
      reused = Buffer.allocUnsafe(length);
      length = stream.nextIntoSync(reused);
    }
    return length === null ? null : reused.subarray(0, length);
  };
  return (function* chunks() {
    try {
      for (;;) {
        const buffer = callNative(take);
        if (buffer === null) return;
        yield withDetails(new SocketChunk(buffer), options);
      }
    } finally {
      stream.close();
    }
  })();
}

/** {@link streamSocketsSync}, waiting for each chunk off the main thread. */
export function streamSockets(options: SocketsOptions = {}): AsyncGenerator<SocketChunk, void, undefined> {
  const stream = openStream(options);
  return (async function* chunks() {
    try {
      for (;;) {
        const buffer = await awaitNative(() => stream.next());
        if (buffer === null) return;
        yield withDetails(new SocketChunk(buffer), options);
      }
    } finally {
      stream.close();
    }
  })();
}

function openStream(options: SocketsOptions): NativeSocketStream {
  if (options.netns === 'all') throw new FastnetstatError('EINVAL', "a stream lists one namespace: use sockets({ netns: 'all' }) for every one");
  const request = nativeOptions(options);
  return callNative(() => new (native().SocketStream)(request));
}

/** The result of one listing: inet and unix rows over one packed buffer. */
export class SocketList implements Iterable<InetSocket | UnixSocket> {
  readonly inet: InetSockets;
  readonly unix: UnixSockets;
  /** @internal */
  readonly wire: WireView;
  /** The namespace listed, when the listing named one or gathered labels. */
  readonly namespace: NamespaceInfo | undefined;

  /** @internal */
  constructor(buffer: Uint8Array, namespace?: NamespaceInfo, window?: { table: number; first: number; count: number }) {
    this.wire = new WireView(buffer, window);
    this.namespace = namespace;
    this.inet = new InetSockets(this.wire);
    this.unix = new UnixSockets(this.wire);
  }

  /**
   * The listing as a stream would hand it out: one chunk per table read, in
   * order (each with its table's report), over this listing's buffer.
   */
  tables(): SocketChunk[] {
    const chunks: SocketChunk[] = [];
    const whole = this.wire;
    for (let t = 0; t < 9; t++) {
      if (whole.report(t).status === 'not-requested') continue;
      let first = 0;
      let count = whole.unixCount;
      if (t < 8) {
        first = 0;
        while (first < this.inet.length && this.inet.tableIndex(first) !== t) first++;
        count = 0;
        while (first + count < this.inet.length && this.inet.tableIndex(first + count) === t) count++;
      }
      const chunk = new SocketChunk(whole.bytes, this.namespace, { table: t, first, count });
      chunk.wire.labels = whole.labels;
      chunk.wire.detailsAsked = whole.detailsAsked;
      chunks.push(chunk);
    }
    return chunks;
  }

  get ownerAccess(): OwnerAccess {
    return OWNER_ACCESS[this.wire.ownerAccess] ?? 'not-requested';
  }

  /** The report for one table. */
  report(table: TableName): TableReport {
    const index = table === 'unix' ? 8 : INET_TABLES.indexOf(table);
    const raw = this.wire.report(index);
    return { table, status: raw.status, ...reportError(raw), bogusLines: raw.count };
  }

  /** Reports of every table that was requested. */
  get reports(): TableReport[] {
    return (['tcp', 'tcp6', 'udp', 'udp6', 'udplite', 'udplite6', 'raw', 'raw6', 'unix'] as const)
      .map((t) => this.report(t))
      .filter((r) => r.status !== 'not-requested');
  }

  *[Symbol.iterator](): Iterator<InetSocket | UnixSocket> {
    yield* this.inet;
    yield* this.unix;
  }

  toJSON(): unknown {
    const json: Record<string, unknown> = { inet: this.inet.toJSON(), unix: this.unix.toJSON(), ownerAccess: this.ownerAccess, reports: this.reports };
    if (this.namespace) json.namespace = this.namespace;
    return json;
  }

  /** Printed by console.log / util.inspect as its rows and reports, not as the packed buffer. */
  [inspect.custom](_depth: number, options: InspectOptionsStylized, show: typeof inspect): string {
    const shown = { inet: this.inet, unix: this.unix, ownerAccess: this.ownerAccess, reports: this.reports };
    return `${this.constructor.name} ${show(shown, nested(options))}`;
  }
}

/**
 * Part of a streamed listing: rows of one table, in the table's order. Every
 * selected table comes as one or more chunks and ends with a chunk whose
 * `last` is true; its `report(table).status` is the table's (a missing or
 * failed table is one empty chunk). `report(table).bogusLines` counts the
 * lines skipped within this chunk.
 */
export class SocketChunk extends SocketList {
  /** The table these rows are from. */
  get table(): TableName {
    const index = this.wire.chunkTable;
    return index === 8 ? 'unix' : INET_TABLES[index]!;
  }

  /** Whether this chunk ends its table. */
  get last(): boolean {
    return this.wire.chunkIsLast;
  }
}

/**
 * A listing of every network namespace of the host (`netns: 'all'`): walk
 * `namespaces` (the own one first, the others by inode), or every row at
 * once through `inet`, `unix` and iteration. Rows carry their namespace,
 * cgroup, container and pod.
 */
export class HostSocketList implements Iterable<InetSocket | UnixSocket> {
  /** @internal */
  constructor(
    readonly namespaces: SocketList[],
    /** Processes whose namespace could not be read (not root): some namespaces may be missing. */
    readonly hiddenProcesses: number,
  ) {}

  /** Every inet row of every namespace. */
  get inet(): InetSocket[] {
    return this.namespaces.flatMap((list) => [...list.inet]);
  }

  /** Every unix row of every namespace. */
  get unix(): UnixSocket[] {
    return this.namespaces.flatMap((list) => [...list.unix]);
  }

  /** The owners walk is one for the host: its access is every namespace's. */
  get ownerAccess(): OwnerAccess {
    return this.namespaces[0]?.ownerAccess ?? 'not-requested';
  }

  /** Namespaces nothing could be read of (no privilege to enter, no readable process in them). */
  get unreadable(): NamespaceInfo[] {
    return this.namespaces.map((l) => l.namespace!).filter((ns) => ns.access === 'unreadable');
  }

  *[Symbol.iterator](): Iterator<InetSocket | UnixSocket> {
    for (const list of this.namespaces) yield* list;
  }

  toJSON(): unknown {
    return { namespaces: this.namespaces.map((l) => l.toJSON()), hiddenProcesses: this.hiddenProcesses };
  }
}

/** Column access to the inet rows by index: no object per row. */
export class InetSockets extends InetColumns<InetSocket> {
  /** @internal */
  constructor(wire: WireView) {
    super(wire, wire.inetAt, INET_LEN, wire.inetCount, Inet.owner);
  }

  protected row(i: number): InetSocket {
    return new InetSocket(this, i);
  }
  override cgroupIdOf(i: number): number {
    return this.cgroupId(i);
  }
  table(i: number): InetTableName {
    return INET_TABLES[this.tableIndex(i)]!;
  }
  isIPv6(i: number): boolean {
    return (this.tableIndex(i) & 1) === 1;
  }
  /** 4 (IPv4) or 16 (IPv6) network-order bytes; a view, not a copy. */
  localAddressBytes(i: number): Uint8Array {
    const at = this.at_(i, Inet.localAddr);
    return this.wire.bytes.subarray(at, at + (this.isIPv6(i) ? 16 : 4));
  }
  remoteAddressBytes(i: number): Uint8Array {
    const at = this.at_(i, Inet.remoteAddr);
    return this.wire.bytes.subarray(at, at + (this.isIPv6(i) ? 16 : 4));
  }
  /**
   * A value equal for equal local addresses (a number for IPv4, a string for
   * IPv6): for caching per address without making an array per row.
   */
  localAddressKey(i: number): number | string {
    return this.addressKey(i, Inet.localAddr);
  }
  remoteAddressKey(i: number): number | string {
    return this.addressKey(i, Inet.remoteAddr);
  }
  private addressKey(i: number, field: number): number | string {
    const at = this.at_(i, field);
    const v = this.v;
    if (!this.isIPv6(i)) return v.getUint32(at, false);
    return `${v.getUint32(at, false)}:${v.getUint32(at + 4, false)}:${v.getUint32(at + 8, false)}:${v.getUint32(at + 12, false)}`;
  }
  /** Row `i`'s tcp_info and congestion control (asked with `tcpInfo`); null when not asked or not given. */
  tcpInfo(i: number): TcpInfo | null {
    const at = detailsAt(this.wire, this.detailsIndex(i));
    return at < 0 || (this.wire.detailsAsked & ASKED_TCP_INFO) === 0 ? null : readTcpInfo(this.wire, at);
  }
  /**
   * Row `i`'s tcp_info as {@link tcpInfo} gives it, written into `into` (every
   * field, nested objects reused) and returned; null when there is none. For
   * loops over many rows: no object per row.
   */
  tcpInfoInto(i: number, into: TcpInfo): TcpInfo | null {
    const at = detailsAt(this.wire, this.detailsIndex(i));
    if (at < 0 || (this.wire.detailsAsked & ASKED_TCP_INFO) === 0 || !hasTcpInfo(this.wire, at)) return null;
    return fillTcpInfo(this.wire, at, into);
  }
  /** Row `i`'s memory counters (asked with `memory`); null when not asked or not given. */
  memory(i: number): SocketMemory | null {
    const at = detailsAt(this.wire, this.detailsIndex(i));
    return at < 0 || (this.wire.detailsAsked & ASKED_MEMORY) === 0 ? null : readMemory(this.wire, at);
  }
  /** Whether the remote address is set (not 0.0.0.0 or ::), without copying it. */
  hasRemoteAddress(i: number): boolean {
    const at = this.at_(i, Inet.remoteAddr);
    const v = this.v;
    if (!this.isIPv6(i)) return v.getUint32(at, true) !== 0;
    return (v.getUint32(at, true) | v.getUint32(at + 4, true) | v.getUint32(at + 8, true) | v.getUint32(at + 12, true)) !== 0;
  }
}

/** One inet socket, decoded on access. */
export class InetSocket extends InetRowFields<InetSockets> {
  get table(): InetTableName {
    return this.rows.table(this.index);
  }
  get protocol(): Exclude<Protocol, 'unix'> {
    return this.table.replace('6', '') as Exclude<Protocol, 'unix'>;
  }
  get family(): 'inet' | 'inet6' {
    return this.rows.isIPv6(this.index) ? 'inet6' : 'inet';
  }
  get localAddress(): string {
    const b = this.rows.localAddressBytes(this.index);
    return b.length === 4 ? inetNtoa(b) : inetNtop6(b);
  }
  get localPort(): number {
    return this.rows.localPort(this.index);
  }
  get remoteAddress(): string {
    const b = this.rows.remoteAddressBytes(this.index);
    return b.length === 4 ? inetNtoa(b) : inetNtop6(b);
  }
  get remotePort(): number {
    return this.rows.remotePort(this.index);
  }
  /** TCP state name (LISTEN, ESTABLISHED, ...); for udp/raw: ESTABLISHED when connected, else CLOSE. */
  get state(): string {
    return TCP_STATES[this.stateCode] ?? `UNKNOWN(${this.stateCode})`;
  }
  get timer(): { active: number; seconds: number; retransmits: number; probes: number } {
    const i = this.index;
    return {
      active: this.rows.timerActive(i),
      seconds: this.rows.timerTicks(i) / 100,
      retransmits: this.rows.retransmits(i),
      probes: this.rows.probes(i),
    };
  }
  /** tcp_info and congestion control, when the listing asked for them (`tcpInfo`) and the kernel gave them. */
  get tcpInfo(): TcpInfo | null {
    return this.rows.tcpInfo(this.index);
  }
  /** Memory counters, when the listing asked for them (`memory`) and the kernel gave them. */
  get memory(): SocketMemory | null {
    return this.rows.memory(this.index);
  }
  /** toJSON's tcpInfo and memory keys: only those the listing asked for. */
  private detailsFields(): Record<string, unknown> {
    const asked = this.rows.wire.detailsAsked;
    if (asked === 0) return {};
    const out: Record<string, unknown> = {};
    if (asked & ASKED_TCP_INFO) out.tcpInfo = this.tcpInfo;
    if (asked & ASKED_MEMORY) out.memory = this.memory;
    return out;
  }
  toJSON(): Record<string, unknown> {
    return {
      protocol: this.protocol,
      family: this.family,
      localAddress: this.localAddress,
      localPort: this.localPort,
      remoteAddress: this.remoteAddress,
      remotePort: this.remotePort,
      state: this.state,
      receiveQueue: this.receiveQueue,
      sendQueue: this.sendQueue,
      uid: this.uid,
      inode: this.inode,
      timer: this.timer,
      ...this.ownerLayoutAndLabels(),
      ...this.detailsFields(),
    };
  }
}

/** Column access to the unix rows by index. */
export class UnixSockets extends UnixColumns<UnixSocket> {
  /** @internal */
  constructor(wire: WireView) {
    super(wire, wire.unixAt, UNIX_LEN, wire.unixCount, Unix.owner);
  }

  protected row(i: number): UnixSocket {
    return new UnixSocket(this, i);
  }
  /** Row `i`'s memory counters (asked with `memory`; unix_diag gives them); null when not asked or not given. */
  memory(i: number): SocketMemory | null {
    const at = detailsAt(this.wire, this.detailsIndex(i));
    return at < 0 || (this.wire.detailsAsked & ASKED_MEMORY) === 0 ? null : readMemory(this.wire, at);
  }
  /** The path's raw bytes (abstract names start with '@'), or undefined when unbound. */
  pathBytes(i: number): Uint8Array | undefined {
    const offset = this.v.getUint32(this.at_(i, Unix.pathOffset), true);
    if (offset === NONE) return undefined;
    return this.wire.string(offset, this.v.getUint32(this.at_(i, Unix.pathLength), true));
  }
}

/** One unix domain socket, decoded on access. */
export class UnixSocket extends UnixRowFields<UnixSockets> {
  readonly protocol = 'unix';
  readonly family = 'unix';

  get acceptingConnections(): boolean {
    return (this.flags & UNIX_FLAG_ACCEPTCON) !== 0;
  }
  get type(): string {
    return UNIX_TYPES[this.typeCode] ?? 'UNKNOWN';
  }
  get state(): string {
    return UNIX_STATES[this.stateCode] ?? 'UNKNOWN';
  }
  get path(): string | undefined {
    const b = this.rows.pathBytes(this.index);
    return b && utf8.decode(b);
  }
  get pathBytes(): Uint8Array | undefined {
    return this.rows.pathBytes(this.index);
  }
  /** Memory counters (ss -xm's skmem), when the listing asked for them (`memory`) and netlink gave them. */
  get memory(): SocketMemory | null {
    return this.rows.memory(this.index);
  }
  toJSON(): Record<string, unknown> {
    return {
      protocol: 'unix',
      family: 'unix',
      refCount: this.refCount,
      flags: this.flags,
      type: this.type,
      state: this.state,
      inode: this.inode,
      path: this.path ?? null,
      ...this.ownerLayoutAndLabels(),
      ...((this.rows.wire.detailsAsked & ASKED_MEMORY) !== 0 ? { memory: this.memory } : {}),
    };
  }
}
