/**
 * Closing sockets and hearing of closes: `destroySockets` (the kernel's
 * SOCK_DESTROY, as `ss -K`) and `socketCloses` (its destroy notifications,
 * as `ss -E`). docs/kill-and-events.md tells the privileges and formats.
 */
import { awaitNative, callNative, FastnetstatError } from './errors.js';
import { native } from './native.js';
import { checkFilter } from './filter.js';
import { errnoName, errorMessage } from './report.js';
import { nativeOptions, selectTables, SocketList, type InetSocket, type SocketsOptions, type TableName } from './sockets.js';

/** What {@link destroySockets} takes: a listing's options, with a filter expression required. */
export interface DestroySocketsOptions extends Omit<SocketsOptions, 'netns' | 'labels' | 'procRoot' | 'hostRoot'> {
  /**
   * The expression in ss's grammar that selects the sockets to close (see
   * `SocketsOptions.filter`). Required: without one nothing is closed and the
   * call throws `EINVAL` (a slip must not cut every connection of a server).
   */
  filter: string | readonly string[];
  /** One network namespace (a /run/netns name, a path, `pid:PID`): entered by a thread (CAP_SYS_ADMIN). Not `'all'`. */
  netns?: string;
}

/** A socket that was selected and could not be closed. */
export interface DestroyFailure {
  socket: InetSocket;
  /** errno name: `EPERM` (no CAP_NET_ADMIN), `EOPNOTSUPP` (the protocol cannot be destroyed), ... */
  code: string;
  errno: number;
  /** strerror text of `errno`. */
  message: string;
}

/** What {@link destroySockets} did. */
export interface DestroyResult {
  /** The sockets closed, as they were listed just before. */
  closed: InetSocket[];
  /** The sockets selected and not closed, each with the kernel's reason. */
  failed: DestroyFailure[];
  /**
   * Selected, but gone before the kernel was asked (ENOENT): closed meanwhile by
   * their owner or by their peer's reset (both ends of a local connection selected).
   */
  vanished: InetSocket[];
  /** Every row above as one listing (closed, then failed, then vanished), for formatting by index. */
  list: SocketList;
}

const INET_PROTOCOLS = ['tcp', 'udp', 'udplite', 'raw'] as const;

/**
 * Closes every inet socket the options select, as `ss -K` does (SOCK_DESTROY:
 * needs CAP_NET_ADMIN and a kernel with INET_DIAG_DESTROY). A tcp peer gets a
 * reset, the owner's next call ECONNABORTED. Protocols default to tcp, udp,
 * udplite and raw (unix sockets cannot be closed: `EINVAL`); every state
 * unless `tcpStates` or the expression's `state` clauses narrow it.
 *
 * ```ts
 * const { closed, failed } = await destroySockets({ filter: 'dport = :8080', protocols: ['tcp'] });
 * ```
 */
export async function destroySockets(options: DestroySocketsOptions): Promise<DestroyResult> {
  if (options?.filter === undefined || !checkFilter(options.filter, options).expression) {
    throw new FastnetstatError('EINVAL', 'destroySockets needs a filter expression that selects the sockets to close (state clauses alone would close every socket in those states)');
  }
  if ((options as SocketsOptions).netns === 'all') {
    throw new FastnetstatError('EINVAL', 'destroySockets closes sockets of one namespace: name it, not all');
  }
  const protocols = options.protocols ?? INET_PROTOCOLS;
  const tables = selectTables({ ...options, protocols, families: options.families ?? ['inet', 'inet6'] });
  if (protocols.includes('unix') || tables.includes('unix')) {
    throw new FastnetstatError('EINVAL', 'unix sockets cannot be closed (the kernel destroys inet sockets only)');
  }
  const request = nativeOptions({ ...options, tables });
  const result = await awaitNative(() => native().destroySockets(request));
  const list = new SocketList(result.buffer);
  const rows = [...list.inet];
  const closed = rows.slice(0, result.closed);
  const failed = result.failed.map((errno, n) => ({
    socket: rows[result.closed + n]!,
    code: errnoName(errno),
    errno,
    message: errorMessage(errno),
  }));
  return { closed, failed, vanished: rows.slice(result.closed + result.failed.length), list };
}

/** One socket the kernel reported closed. */
export interface SocketClose {
  /** When the notification arrived. */
  time: Date;
  /**
   * The socket as the kernel freed it: state `CLOSE`, inode 0 (no file holds
   * it any more), its ports, addresses and uid (a reset tcp socket's remote
   * end may be cleared).
   */
  socket: InetSocket;
}

/** The closes one wait brought. */
export interface SocketCloseBatch {
  closes: SocketClose[];
  /** Their rows as one listing (`list.inet[i]` is `closes[i].socket`), for formatting by index. */
  list: SocketList;
  /** Times the kernel's queue overflowed before these: closes were lost. 0 normally. */
  lost: number;
}

export interface SocketClosesOptions {
  /** Ends the iteration (the wait in progress returns at once). */
  signal?: AbortSignal;
  /** How long one wait may take before the iterator looks at `signal` again (default 1000 ms). */
  waitMs?: number;
}

/** A subscription to the close notifications (the binding's object). */
interface CloseStream {
  next(timeoutMs: number): Promise<{ buffer: Buffer; times: number[]; overruns: number } | null>;
  close(): void;
}

/** The tables `options` select that the kernel reports closes of (tcp, tcp6, udp, udp6). */
export function notifiedTables(options: SocketsOptions): TableName[] {
  return selectTables(options).filter((t) => t === 'tcp' || t === 'tcp6' || t === 'udp' || t === 'udp6');
}

/** @internal Subscribes; throws what the binding throws (EINVAL without a tcp or udp table). */
export function openCloseStream(options: SocketsOptions): CloseStream {
  if (options.netns === 'all') throw new FastnetstatError('EINVAL', "close notifications come from one namespace: name it, not 'all'");
  if (options.procRoot !== undefined || options.source === 'proc') {
    throw new FastnetstatError('EINVAL', 'close notifications come from the live kernel (netlink), not from /proc');
  }
  const request = nativeOptions({ ...options, tables: notifiedTables(options) });
  return callNative(() => new (native().CloseEventStream)(request));
}

/** @internal One batch of the binding as rows and times. */
export function closeBatch(raw: { buffer: Buffer; times: number[]; overruns: number }): SocketCloseBatch {
  const list = new SocketList(raw.buffer);
  const closes = [...list.inet].map((socket, n) => ({ time: new Date(raw.times[n]!), socket }));
  return { closes, list, lost: raw.overruns };
}

/**
 * The kernel's close notifications for the tcp and udp sockets the options
 * select (the sock_diag destroy groups `ss -E` follows), a batch as they
 * come, until the loop breaks or `signal` aborts. No privilege is needed in
 * the own namespace (Linux 6.18: every user gets every socket's closes);
 * `netns` is entered by a thread (CAP_SYS_ADMIN). The filter expression is
 * applied to each close; `tcpStates` is not (a freed socket is CLOSE), nor,
 * as with `ss -E`, the expression's `state` clauses. Subscribes at the call
 * (its errors are thrown then); closes before it are not told.
 *
 * ```ts
 * for await (const { closes } of socketCloses({ protocols: ['tcp'] })) for (const c of closes) console.log(c.time, c.socket.localPort);
 * ```
 */
export function socketCloses(options: SocketsOptions = {}, how: SocketClosesOptions = {}): AsyncGenerator<SocketCloseBatch, void, undefined> {
  const waitMs = how.waitMs ?? 1000;
  if (!Number.isFinite(waitMs) || waitMs < 0) throw new FastnetstatError('EINVAL', `waitMs must be a non-negative number, not ${String(waitMs)}`);
  // subscribed now: an error (no privilege to enter `netns`, no tcp or udp table) is thrown by this call
  const stream = openCloseStream(options);
  const stop = () => stream.close();
  const release = () => {
    how.signal?.removeEventListener('abort', stop);
    stream.close();
  };
  how.signal?.addEventListener('abort', stop, { once: true });
  const batches = (async function* batches() {
    try {
      while (!how.signal?.aborted) {
        const raw = await awaitNative(() => stream.next(Math.min(waitMs, 0x7fffffff)));
        if (raw === null) return;
        if (raw.times.length > 0 || raw.overruns > 0) yield closeBatch(raw);
      }
    } finally {
      release();
    }
  })();
  // A generator's finally runs only once it has started: one returned or thrown into before its
  // first next() must still let go of the subscription (and of the signal's listener).
  const generatorReturn = batches.return.bind(batches);
  const generatorThrow = batches.throw.bind(batches);
  batches.return = (value) => {
    release();
    return generatorReturn(value);
  };
  batches.throw = (error) => {
    release();
    return generatorThrow(error);
  };
  return batches;
}
