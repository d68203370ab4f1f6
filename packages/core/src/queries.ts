/**
 * The questions programs ask most, answered on top of `sockets()`: who owns a
 * port, what is listening, and what opens and closes over time.
 */
import { FastnetstatError } from './errors.js';
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
}

export interface WatchOptions {
  /** Time between snapshots (default 1000 ms). */
  intervalMs?: number;
  /** Stops the iteration. */
  signal?: AbortSignal;
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
  let previous = new Map<string, InetSocket | UnixSocket>();
  while (!signal?.aborted) {
    const list = await sockets(options);
    const current = keyed(list);
    const opened = [...current].filter(([key]) => !previous.has(key)).map(([, s]) => s);
    const closed = [...previous].filter(([key]) => !current.has(key)).map(([, s]) => s);
    previous = current;
    yield { time: new Date(), list, opened, closed };
    if (signal?.aborted) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, intervalMs);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}

export type { InetTableName };
