/**
 * --kill and --events (docs/kill-and-events.md): closing the sockets a filter
 * expression selects (SOCK_DESTROY, as ss -K) and following the kernel's
 * close notifications (as ss -E), both printed as netstat's rows.
 *
 * --kill prints the sockets it closed under netstat's heading (-e, -p, -W,
 * -o as for a listing), then one line on stderr for each it could not close,
 * and exits 1 if any failed. --events prints a heading once and then a row
 * for each close, led by its time (ISO 8601, UTC, milliseconds), until
 * SIGINT or SIGTERM ends it by that signal (status 130 or 143 in a shell),
 * after whole lines only. With --json, one document (--kill) or one object a
 * line (--events), as docs/json.md describes.
 */
import {
  checkFilter,
  destroySockets,
  socketCloses,
  type InetSocket,
  type InetSockets,
  type SocketsOptions,
  type TableName,
} from '@fastnetstat/core';
import { InetFormatter, inetHeading, type InetLayout } from './format/inet.js';
import { inetRowDocument } from './json.js';
import { NetstatNames } from './netstat-names.js';
import type { NetstatFlags } from './options.js';
import { stdout, warn } from './output.js';
import { modeOf, selection, socketsOptions, tablesOf } from './selection.js';
import { listingLayout } from './sockets-mode.js';

/** Why --kill or --events cannot run as asked: the line to print and the status. */
/**
 * Whether the filter words hold an expression beyond `state` clauses: `--kill state established`
 * alone would close every established connection. A malformed expression counts (its parse error
 * is told where the listing reads it).
 */
function selectsBeyondStates(words: string[]): boolean {
  if (words.length === 0) return false;
  try {
    return checkFilter(words).expression;
  } catch {
    return true;
  }
}

function misuse(flags: NetstatFlags): { message: string; status: number } | undefined {
  const option = flags.kill ? '--kill' : '--events';
  if (flags.kill && flags.events) return { message: '--kill and --events do not combine: give one', status: 3 };
  if (flags.kill && !selectsBeyondStates(flags.filter)) {
    return { message: "--kill needs a filter expression that selects the sockets to close (e.g. 'dport = :8080'; state clauses alone would close every socket in those states)", status: 3 };
  }
  if (flags.kill && flags.unix > 0) return { message: 'unix sockets cannot be closed (-x): the kernel closes inet sockets only', status: 3 };
  if (modeOf(flags) !== 'sockets' || flags.groups) return { message: `${option} acts on sockets only (not with -i, -r, -M, -s or -g)`, status: 1 };
  if (flags.continuous) return { message: `${option} does not combine with -c`, status: 1 };
  if (flags.allNetns) return { message: `${option} acts in one namespace: --netns, not --all-netns`, status: 1 };
  if (flags.procRoot !== undefined) return { message: `${option} acts on the live system, not on a copy of /proc (--proc-root)`, status: 1 };
  if (flags.source === 'proc') return { message: `${option} needs netlink: not with --source proc`, status: 1 };
  // a closed socket has no tcp_info or memory left to show
  if (flags.tcpInfo || flags.memory) return { message: `${option} does not combine with ${flags.tcpInfo ? '--tcp-info' : '--memory'}`, status: 1 };
  return undefined;
}

/** Runs --kill or --events; returns the exit status. */
export async function runCloses(flags: NetstatFlags): Promise<number> {
  const wrong = misuse(flags);
  if (wrong) {
    warn(`fastnetstat: ${wrong.message}\n`);
    return wrong.status;
  }
  return flags.kill ? runKill(flags) : runEvents(flags);
}

/** The rows' layout: a listing's columns; every row the core returns is shown. */
function layoutOf(flags: NetstatFlags): InetLayout {
  return { ...listingLayout(flags), filtered: true };
}

function namesOf(flags: NetstatFlags): NetstatNames {
  return new NetstatNames({ numericHosts: flags.numericHosts, numericPorts: flags.numericPorts, numericUsers: flags.numericUsers });
}

/** The core's options for the inet tables of the selection among `keep`. */
function optionsOf(flags: NetstatFlags, keep: (table: TableName) => boolean): SocketsOptions {
  const sel = selection(flags);
  return { ...socketsOptions(flags, sel), tables: tablesOf(sel).filter(keep), labels: false };
}

/** Looks up the hosts of rows [from, to) before they print (nothing with -n). */
async function prepareNames(names: NetstatNames, rows: InetSockets, from: number, to: number): Promise<void> {
  const hosts: Array<{ family: 4 | 6; addr: Uint8Array }> = [];
  for (let i = from; i < to; i++) {
    const family = rows.isIPv6(i) ? 6 : 4;
    hosts.push({ family, addr: rows.localAddressBytes(i) }, { family, addr: rows.remoteAddressBytes(i) });
  }
  await names.prepare(hosts);
}

/** A socket in one line for a message: protocol, local and remote end (numeric). */
function describe(socket: InetSocket): string {
  return `${socket.table} ${socket.localAddress}:${socket.localPort} -> ${socket.remoteAddress}:${socket.remotePort} (${socket.state})`;
}

async function runKill(flags: NetstatFlags): Promise<number> {
  const options = optionsOf(flags, (table) => table !== 'unix');
  const result = await destroySockets({ ...options, filter: flags.listingFilter ?? flags.filter });
  const names = namesOf(flags);
  const rows = result.list.inet;
  const closed = result.closed.length;
  if (flags.json) {
    const document = (i: number) => inetRowDocument(rows, i, flags, names);
    await prepareNames(names, rows, 0, rows.length);
    const failedFrom = closed;
    const vanishedFrom = closed + result.failed.length;
    const kill = {
      kind: 'kill',
      time: new Date().toISOString(),
      filter: flags.filter.join(' '),
      closed: result.closed.map((_, n) => document(n)),
      failed: result.failed.map((f, n) => ({ socket: document(failedFrom + n), error: f.code, errno: f.errno, message: f.message })),
      vanished: result.vanished.map((_, n) => document(vanishedFrom + n)),
    };
    stdout.utf8(`${JSON.stringify(kill)}\n`);
  } else {
    const layout = layoutOf(flags);
    await prepareNames(names, rows, 0, closed);
    stdout.write(inetHeading(layout));
    const formatter = new InetFormatter(stdout, layout, names);
    for (let i = 0; i < closed; i++) formatter.write(rows, i);
  }
  stdout.flush();
  for (const failure of result.failed) {
    const hint = failure.code === 'EPERM' ? ' (closing a socket needs CAP_NET_ADMIN)' : '';
    warn(`fastnetstat: cannot close ${describe(failure.socket)}: ${failure.message}${hint}\n`);
  }
  return result.failed.length > 0 ? 1 : 0;
}

/** The time column of --events: ISO 8601 in UTC with milliseconds (24 columns). */
const TIME_WIDTH = 24;

/** --events' heading: a title, then netstat's column heading led by the time's. */
function eventsHeading(layout: InetLayout): string {
  const columns = inetHeading(layout).split('\n')[1]!;
  return `Closed Internet connections (as the kernel reports them)\n${'Time'.padEnd(TIME_WIDTH)} ${columns}\n`;
}

async function runEvents(flags: NetstatFlags): Promise<number> {
  const notified = new Set<TableName>(['tcp', 'tcp6', 'udp', 'udp6']);
  const options = optionsOf(flags, (table) => notified.has(table));
  if (options.tables!.length === 0) {
    warn('fastnetstat: --events follows tcp and udp sockets (the kernel reports no others): select -t or -u\n');
    return 1;
  }
  const stop = new AbortController();
  let signal: NodeJS.Signals | undefined;
  const onSignal = (received: NodeJS.Signals) => {
    signal ??= received;
    stop.abort();
  };
  // subscribed before anything is printed: an error leaves stdout empty
  const batches = socketCloses({ ...options, filter: flags.listingFilter }, { signal: stop.signal });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const layout = layoutOf(flags);
    const names = namesOf(flags);
    const formatter = new InetFormatter(stdout, layout, names);
    if (!flags.json) stdout.write(eventsHeading(layout));
    stdout.flush();
    for await (const batch of batches) {
      if (batch.lost > 0) warn('fastnetstat: the kernel dropped close notifications (its queue overflowed): some closes are missing\n');
      const rows = batch.list.inet;
      await prepareNames(names, rows, 0, rows.length);
      batch.closes.forEach(({ time }, i) => {
        if (flags.json) {
          stdout.utf8(`${JSON.stringify({ kind: 'close', time: time.toISOString(), socket: inetRowDocument(rows, i, flags, names) })}\n`);
        } else {
          stdout.write(`${time.toISOString()} `);
          formatter.write(rows, i);
        }
      });
      stdout.flush();
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (signal) {
    // with no handler left the signal takes its default action: the process ends by it
    process.kill(process.pid, signal);
    await new Promise(() => {});
  }
  return 0;
}
