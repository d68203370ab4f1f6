/**
 * The questions programs ask most, answered on top of `sockets()`: who owns a
 * port, what is listening, and what opens and closes over time.
 */
import { closeBatch, notifiedTables, openCloseStream } from './closes.js';
import { awaitNative, FastnetstatError } from './errors.js';
import { checkFilter } from './filter.js';
import {
  sockets,
  socketsSync,
  type InetSocket,
  type InetTableName,
  type HostSocketList,
  type SocketList,
  type SocketsOptions,
  type UnixSocket,
} from './sockets.js';

export type InetProtocol = 'tcp' | 'udp' | 'udplite' | 'raw';

export interface PortOwnersOptions {
  /** Protocols to look in (default: tcp and udp). */
  protocol?: InetProtocol | readonly InetProtocol[];
  procRoot?: string;
  source?: SocketsOptions['source'];
  /** A namespace to look in, or `'all'`: every namespace of the host (see `SocketsOptions.netns`). */
  netns?: SocketsOptions['netns'];
  /** See `SocketsOptions.hostRoot`. */
  hostRoot?: string;
  /** Only the owners' sockets this expression selects too (see `SocketsOptions.filter`). */
  filter?: SocketsOptions['filter'];
}

function portQuery(port: number, options: PortOwnersOptions): SocketsOptions {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new FastnetstatError('EINVAL', `port ${String(port)} is out of range (1-65535)`);
  }
  const protocol = options.protocol ?? ['tcp', 'udp'];
  return {
    protocols: typeof protocol === 'string' ? [protocol] : protocol,
    families: ['inet', 'inet6'],
    processes: true,
    localPort: port,
    procRoot: options.procRoot,
    source: options.source,
    netns: options.netns,
    hostRoot: options.hostRoot,
    filter: options.filter,
  };
}

/**
 * The sockets bound to a local port, with their owning processes (`pid`,
 * `processName`): the kernel filters by port and the process walk stops as
 * soon as every one of them has its owner. Rows whose owner cannot be read
 * (another user's process, when not root) have `pid` undefined. With
 * `netns: 'all'`, every namespace of the host is searched, and each row
 * carries its `netns`, `container` and `pod`: who holds the port anywhere.
 */
export async function portOwners(port: number, options: PortOwnersOptions = {}): Promise<InetSocket[]> {
  return [...(await sockets(portQuery(port, options))).inet];
}

/** {@link portOwners} on the calling thread. */
export function portOwnersSync(port: number, options: PortOwnersOptions = {}): InetSocket[] {
  return [...socketsSync(portQuery(port, options)).inet];
}

export interface Listeners {
  /** tcp sockets in LISTEN, and udp/udplite/raw sockets with no remote address. */
  inet: InetSocket[];
  /** unix sockets accepting connections. */
  unix: UnixSocket[];
}

function listenerQuery(options: SocketsOptions): SocketsOptions {
  return { processes: true, ...options, tcpStates: ['LISTEN'] };
}

function listening(list: SocketList | HostSocketList): Listeners {
  const inet: InetSocket[] = [];
  for (const s of list.inet) {
    const unconnected = s.remotePort === 0 && /^(0\.0\.0\.0|::)$/.test(s.remoteAddress);
    if (s.protocol === 'tcp' ? s.state === 'LISTEN' : unconnected) inet.push(s);
  }
  return { inet, unix: [...list.unix].filter((s) => s.acceptingConnections) };
}

/**
 * What is listening: netstat -l's selection (tcp LISTEN, unconnected udp
 * and raw, accepting unix sockets), with owning processes unless
 * `processes: false`. The kernel is asked for listening tcp sockets only.
 */
export async function listeners(options: SocketsOptions = {}): Promise<Listeners> {
  return listening(await sockets(listenerQuery(options)));
}

/** {@link listeners} on the calling thread. */
export function listenersSync(options: SocketsOptions = {}): Listeners {
  return listening(socketsSync(listenerQuery(options)));
}

/** One snapshot of a {@link watch}, and what changed since the previous one. */
export interface WatchEvent<List extends SocketList | HostSocketList = SocketList> {
  time: Date;
  /** The snapshot (a {@link HostSocketList} with `netns: 'all'`). */
  list: List;
  /** Sockets present now and not in the previous snapshot (everything, the first time). */
  opened: Array<InetSocket | UnixSocket>;
  /** Sockets in the previous snapshot and gone now (rows of the previous list). */
  closed: Array<InetSocket | UnixSocket>;
  /**
   * Made by the kernel's close notifications between two snapshots (see
   * `WatchOptions.closes`): `closed` holds what they told, `opened` is empty
   * and `list` is the last snapshot. False for a snapshot's event.
   */
  notified: boolean;
}

export interface WatchOptions {
  /** Time between snapshots (default 1000 ms). */
  intervalMs?: number;
  /** Stops the iteration. */
  signal?: AbortSignal;
  /**
   * Where tcp and udp closes come from. `'auto'` (default): the kernel's close
   * notifications, as they happen, where it offers them (the live system, one
   * namespace, tcp or udp selected; no privilege in the own namespace,
   * CAP_SYS_ADMIN to enter another), else the snapshots. `'notifications'`:
   * those or an error. `'snapshots'`: only the difference between snapshots.
   * Other tables' closes always come from the snapshots.
   */
  closes?: 'auto' | 'notifications' | 'snapshots';
}

/** Identity of a socket across snapshots: its inode, or its addresses when it has none (TIME_WAIT). */
function identity(s: InetSocket | UnixSocket): string {
  // socket inodes are unique across namespaces; the rest is per namespace
  if (s.inode !== 0) return `${s.protocol}:${s.inode}`;
  if (s.netns) return `${s.netns.inode}:${identityIn(s)}`;
  return identityIn(s);
}

function identityIn(s: InetSocket | UnixSocket): string {
  if (s.protocol === 'unix') return `unix:0:${s.path ?? ''}:${s.index}`;
  const inet = s as InetSocket;
  return `${inet.table}:${inet.localAddress}:${inet.localPort}:${inet.remoteAddress}:${inet.remotePort}`;
}

function keyed(list: SocketList | HostSocketList): Map<string, InetSocket | UnixSocket> {
  const map = new Map<string, InetSocket | UnixSocket>();
  for (const s of list) map.set(identity(s), s);
  return map;
}

/**
 * Snapshots every `intervalMs`, each with the sockets opened and closed since
 * the one before, until the loop breaks or `signal` aborts.
 *
 * ```ts
 * for await (const { opened, closed } of watch({ protocols: ['tcp'] }, { intervalMs: 500 })) { ... }
 * ```
 */
export function watch(options: SocketsOptions & { netns: 'all' }, watchOptions?: WatchOptions): AsyncGenerator<WatchEvent<HostSocketList>>;
export function watch(options?: SocketsOptions, watchOptions?: WatchOptions): AsyncGenerator<WatchEvent>;
export async function* watch(options: SocketsOptions = {}, watchOptions: WatchOptions = {}): AsyncGenerator<WatchEvent<SocketList | HostSocketList>> {
  const intervalMs = watchOptions.intervalMs ?? 1000;
  if (!Number.isFinite(intervalMs) || intervalMs < 0) {
    throw new FastnetstatError('EINVAL', `intervalMs must be a non-negative number, not ${String(intervalMs)}`);
  }
  const signal = watchOptions.signal;
  const stream = closeStream(options, watchOptions.closes ?? 'auto');
  // A notification tells a socket's endpoints, not the state it was in before it closed: where
  // the listing selects by state, a close not in the last snapshot may be of a socket it would
  // never have listed, so only the closes of listed sockets are told.
  const statesNarrowed =
    stream !== undefined && (options.tcpStates !== undefined || (options.filter !== undefined && checkFilter(options.filter, options).states !== undefined));
  const stop = () => stream?.close();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    let previous = new Map<string, InetSocket | UnixSocket>();
    while (!signal?.aborted) {
      const list = await sockets(options);
      const current = keyed(list);
      const opened = [...current].filter(([key]) => !previous.has(key)).map(([, s]) => s);
      const closed = [...previous].filter(([key]) => !current.has(key)).map(([, s]) => s);
      previous = current;
      yield { time: new Date(), list, opened, closed, notified: false };
      if (signal?.aborted) return;
      const until = Date.now() + intervalMs;
      if (!stream) {
        await pause(intervalMs, signal);
        continue;
      }
      // until the next snapshot: an event for each batch of closes the kernel tells
      const listed = new ListedByEndpoints(previous);
      for (let left = intervalMs; left > 0 && !signal?.aborted; left = until - Date.now()) {
        // the binding takes a u32 of milliseconds
        const raw = await awaitNative(() => stream.next(Math.min(left, 0x7fffffff)));
        if (raw === null) return;
        if (raw.times.length === 0) continue;
        const told = closeBatch(raw).closes;
        const closed = told.map(({ socket }) => listed.take(socket) ?? (statesNarrowed ? undefined : socket)).filter((s) => s !== undefined);
        if (closed.length === 0) continue;
        yield { time: told[told.length - 1]!.time, list, opened: [], closed, notified: true };
      }
    }
  } finally {
    signal?.removeEventListener('abort', stop);
    stream?.close();
  }
}

/** The notification stream `closes` asks for, or undefined for snapshots only. */
function closeStream(options: SocketsOptions, closes: NonNullable<WatchOptions['closes']>): ReturnType<typeof openCloseStream> | undefined {
  if (!['auto', 'notifications', 'snapshots'].includes(closes)) {
    throw new FastnetstatError('EINVAL', `closes must be auto, notifications or snapshots, not ${String(closes)}`);
  }
  if (closes === 'snapshots') return undefined;
  const offered = options.netns !== 'all' && options.procRoot === undefined && options.source !== 'proc' && notifiedTables(options).length > 0;
  if (closes === 'auto' && !offered) return undefined;
  try {
    return openCloseStream(options);
  } catch (error) {
    if (closes === 'auto') return undefined; // not offered here (a namespace we may not enter): snapshots
    throw error;
  }
}

/**
 * The previous snapshot's inet rows by their endpoints, for the closes the kernel tells: built
 * once per snapshot, on the first close, rather than a scan of the snapshot for each close.
 */
class ListedByEndpoints {
  private byEndpoints?: Map<string, string>;
  private byLocal?: Map<string, string[]>;

  constructor(private readonly previous: Map<string, InetSocket | UnixSocket>) {}

  /**
   * The row of a socket the kernel told closed, taken out of the snapshot (so the next snapshot
   * does not tell it again): the same table and endpoints, or, when the kernel cleared the
   * remote end (a reset), the one row with the same local end. Undefined when none: a socket
   * opened and closed between two snapshots, or one the listing did not select.
   */
  take(told: InetSocket): InetSocket | undefined {
    if (this.byEndpoints === undefined) this.index();
    const local = `${told.table}:${told.localAddress}:${told.localPort}`;
    let key = this.byEndpoints!.get(`${local}:${told.remoteAddress}:${told.remotePort}`);
    const cleared = told.remotePort === 0 && /^(0\.0\.0\.0|::)$/.test(told.remoteAddress);
    if (key === undefined && cleared) {
      const sameLocal = (this.byLocal!.get(local) ?? []).filter((k) => this.previous.has(k));
      if (sameLocal.length === 1) key = sameLocal[0];
    }
    const row = key === undefined ? undefined : (this.previous.get(key) as InetSocket | undefined);
    if (key !== undefined) this.previous.delete(key);
    return row;
  }

  private index(): void {
    this.byEndpoints = new Map();
    this.byLocal = new Map();
    for (const [key, s] of this.previous) {
      if (s.protocol === 'unix') continue;
      const row = s as InetSocket;
      const local = `${row.table}:${row.localAddress}:${row.localPort}`;
      this.byEndpoints.set(`${local}:${row.remoteAddress}:${row.remotePort}`, key);
      const same = this.byLocal.get(local);
      if (same) same.push(key);
      else this.byLocal.set(local, [key]);
    }
  }
}

/** Waits `ms`, or less if `signal` aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export type { InetTableName };
