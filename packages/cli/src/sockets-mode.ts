/**
 * netstat's default mode: the socket tables, section by section in netstat's
 * order, with its messages and exit statuses (netstat.c main loop).
 */
import { repeat } from './continuous.js';
import {
  FastnetstatError,
  kernelHasFamily,
  socketsSync,
  streamSocketsSync,
  type HostSocketList,
  type OtherFamily,
  type SocketChunk,
  type SocketList,
  type SocketsOptions,
  type TableName,
} from '@fastnetstat/core';
import { namespaceHeading, NETNS_NOTICE } from './format/netns.js';
import { InetFormatter, inetHeading, isShown as inetShown, type InetLayout } from './format/inet.js';
import { type DetailsLayout, writeDetails, writeUnixDetails } from './format/details.js';
import { isShown as unixShown, unixHeading, writeUnixRow } from './format/unix.js';
import { writeHostDocument, writeSocketsDocument } from './json.js';
import { groupsDocument, printGroups } from './groups-mode.js';
import { NetstatNames } from './netstat-names.js';
import type { NetstatFlags } from './options.js';
import { stdout, warn } from './output.js';
import { listsInet, selection, socketsOptions, type Selection } from './selection.js';

const FAMILY_NAMES: Record<string, string> = {
  tcp: 'AF INET (tcp)', sctp: 'AF INET (sctp)', udp: 'AF INET (udp)', udplite: 'AF INET (udplite)', raw: 'AF INET (raw)',
  unix: 'AF UNIX', ipx: 'AF IPX', ax25: 'AF AX25', x25: 'AF X25', netrom: 'AF NETROM', rose: 'AF ROSE',
};
/** The word netstat's "got bogus ... line" warning uses for each table. */
const BOGUS_WORD: Record<TableName, string> = {
  tcp: 'tcp', tcp6: 'tcp', udp: 'udp', udp6: 'udp', udplite: 'udp', udplite6: 'udp', raw: 'raw', raw6: 'raw', unix: 'unix',
};

/**
 * INFO_GUTS's handling of a table it cannot open (missing, or not readable):
 * a message when the family was asked for (or -v), and status 1 when asked
 * for, unless only an address family was named.
 */
function tableMissing(pass: Pass, family: string): number {
  const { sel, flags } = pass;
  if (sel.familyOnly) return 0;
  if (sel.explicit || flags.verbose) warn(`netstat: no support for \`${FAMILY_NAMES[family]}' on this system.\n`);
  return sel.explicit ? 1 : 0;
}

/** netstat treats an unreadable table like a missing one; other errors end the listing. */
function unavailable(report: { status: string; error?: string }): boolean {
  return report.status === 'missing' || (report.status === 'failed' && report.error === 'EACCES');
}

/**
 * A listing's chunks. With -n the rows are printed as they are read, a chunk
 * at a time: the kernel fills the next chunk while this one is formatted, and
 * one reused buffer holds every chunk, so memory stays small however big the
 * tables. Looking up host names opens sockets of our own (the resolver's
 * query to the DNS server, open until it is answered or times out), which
 * a table read after the first lookup would list: then every table is read
 * before the first lookup, as netstat's own lookups are over before it reads
 * the next table.
 */
function listingChunks(flags: NetstatFlags, options: SocketsOptions): IterableIterator<SocketChunk> {
  return namedNamespace(flags, () => {
    if (flags.numericHosts) return streamSocketsSync(options, { reuse: true });
    return [...streamSocketsSync(options)][Symbol.iterator]();
  });
}

/** Runs `open`; an error about the namespace --netns names says it is --netns's (one line, status 1). */
function namedNamespace<T>(flags: NetstatFlags, open: () => T): T {
  try {
    return open();
  } catch (error) {
    if (flags.netns !== undefined && error instanceof FastnetstatError && error.message.startsWith(`${flags.netns}: `)) {
      throw new FastnetstatError(error.code, `--netns ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/** Every namespace's listing (--all-netns), with the notice when some could not be read. */
function hostListing(flags: NetstatFlags, sel: Selection): { host: HostSocketList; readable: SocketList[] } {
  const host = socketsSync({ ...socketsOptions(flags, sel), netns: 'all' });
  if (host.unreadable.length > 0 || host.hiddenProcesses > 0) warn(NETNS_NOTICE);
  return { host, readable: host.namespaces.filter((list) => list.namespace?.access !== 'unreadable') };
}

/**
 * The listing's chunks, taken table by table in the order the tables were
 * asked for (netstat's order): each table's rows are printed as they arrive.
 */
class Chunks {
  private next: SocketChunk | undefined;

  constructor(private readonly source: IterableIterator<SocketChunk>) {}

  private peek(): SocketChunk | undefined {
    if (this.next === undefined) {
      const step = this.source.next();
      if (!step.done) this.next = step.value;
    }
    return this.next;
  }

  /** The first chunk: it tells how the process walk went. */
  first(): SocketChunk | undefined {
    return this.peek();
  }

  /** The chunks of `table`, which comes next. */
  *of(table: TableName): Generator<SocketChunk> {
    for (let chunk = this.peek(); chunk !== undefined && chunk.table === table; chunk = this.peek()) {
      this.next = undefined;
      yield chunk;
      if (chunk.last) return;
    }
  }

  /** Stops the listing (a section ended it early). */
  close(): void {
    this.source.return?.();
  }
}

/** Context shared by the sections of one listing. */
interface Pass {
  flags: NetstatFlags;
  sel: Selection;
  chunks: Chunks;
  layout: InetLayout;
  names: NetstatNames;
  programsReported: boolean;
  formatter: InetFormatter;
  /** --tcp-info / --memory: the line under each row. */
  details: DetailsLayout | undefined;
}

/** prg_cache_load()'s complaint when not every process could be read. */
function reportPrograms(pass: Pass): void {
  if (!pass.flags.programs || pass.programsReported) return;
  pass.programsReported = true;
  const access = pass.chunks.first()?.ownerAccess;
  if (access === 'denied') {
    warn(`(No info could be read for "-p": geteuid()=${process.geteuid?.() ?? 0} but you should be root.)\n`);
  } else if (access === 'partial') {
    warn('(Not all processes could be identified, non-owned process info\n will not be shown, you would have to be root to see it all.)\n');
  }
}

/**
 * Prints one protocol's tables (v4 then v6, as INFO_GUTS6) and returns
 * netstat's status for it: 0, 1 (explicitly asked for but missing), -1 (error).
 */
async function printProtocol(pass: Pass, protocol: 'tcp' | 'udp' | 'udplite' | 'raw', root: string): Promise<number> {
  const { sel } = pass;
  let status = 0;
  for (const table of [protocol, `${protocol}6`] as const) {
    const v6 = table.endsWith('6');
    if (v6 ? !sel.inet6 : !sel.inet) continue;
    for (const chunk of pass.chunks.of(table)) {
      const report = chunk.report(table);
      if (report.status === 'missing' || report.status === 'failed') {
        if (v6) continue; // INFO_GUTS2 skips the IPv6 file silently
        if (!unavailable(report)) {
          warn(`${root}/net/${table}: ${report.message}\n`);
          return -1;
        }
        status = tableMissing(pass, protocol);
        continue;
      }
      for (let n = 0; n < report.bogusLines; n++) warn(`warning, got bogus ${BOGUS_WORD[table]} line.\n`);
      await printInetRows(pass, chunk);
    }
  }
  return status;
}

async function printInetRows(pass: Pass, chunk: SocketChunk): Promise<void> {
  const rows = chunk.inet;
  if (!pass.flags.numericHosts) await resolveNames(pass, chunk);
  const details = pass.details;
  if (details) {
    for (let i = 0; i < rows.length; i++) {
      if (!inetShown(rows, i, pass.layout)) continue;
      pass.formatter.write(rows, i);
      writeDetails(stdout, rows, i, details);
    }
    return;
  }
  for (let i = 0; i < rows.length; i++) {
    if (inetShown(rows, i, pass.layout)) pass.formatter.write(rows, i);
  }
}

/** A family we do not list: only whether its file exists matters to netstat's messages. */
function printOther(pass: Pass, family: OtherFamily, root: string): number {
  if (!kernelHasFamily(family, { procRoot: root })) return tableMissing(pass, family);
  warn(`fastnetstat: ${FAMILY_NAMES[family]} sockets exist on this system but fastnetstat cannot list them.\n`);
  return 0;
}

/**
 * sctp_info(): endpoints (with -a or -l) then associations (with -a or
 * neither), each its own table, so a kernel without SCTP can be told twice.
 */
function printSctp(pass: Pass, root: string): number {
  const { all, listening } = pass.layout;
  if (all || listening) {
    const status = printOther(pass, 'sctp', root);
    if (status) return status;
  }
  return all || !listening ? printOther(pass, 'sctp', root) : 0;
}

/** Looks up the hosts of a chunk's shown rows before they print. */
async function resolveNames(pass: Pass, chunk: SocketChunk): Promise<void> {
  const rows = chunk.inet;
  const hosts: Array<{ family: 4 | 6; addr: Uint8Array }> = [];
  for (let i = 0; i < rows.length; i++) {
    if (!inetShown(rows, i, pass.layout)) continue;
    const family = rows.isIPv6(i) ? 6 : 4;
    hosts.push({ family, addr: rows.localAddressBytes(i) }, { family, addr: rows.remoteAddressBytes(i) });
  }
  await pass.names.prepare(hosts);
}

/** The inet table's layout the flags ask for. */
export function listingLayout(flags: NetstatFlags): InetLayout {
  return {
    all: flags.all > 0,
    listening: flags.listening > 0,
    wide: flags.wide > 0,
    extended: flags.extend > 1,
    programs: flags.programs > 0,
    timers: flags.timers > 0,
    filtered: flags.filter.length > 0,
  };
}

/** One pass of netstat's loop; returns its exit status. */
async function listOnce(flags: NetstatFlags, sel: Selection, root: string): Promise<number> {
  const layout = listingLayout(flags);
  if (flags.allNetns) return listNamespaces(flags, sel, root, layout);
  const chunks = new Chunks(listingChunks(flags, socketsOptions(flags, sel)));
  try {
    return await printSections(flags, sel, root, chunks, layout);
  } finally {
    chunks.close();
  }
}

/**
 * --all-netns: one block per namespace (the own one first, the others by
 * inode), each a heading line naming it and then exactly what netstat prints
 * inside it; an empty line between blocks. The status is the first block's
 * that is not 0.
 */
async function listNamespaces(flags: NetstatFlags, sel: Selection, root: string, layout: InetLayout): Promise<number> {
  let status = 0;
  for (const [n, list] of hostListing(flags, sel).readable.entries()) {
    stdout.write(`${n ? '\n' : ''}${namespaceHeading(list.namespace!)}`);
    const block = await printSections(flags, sel, root, new Chunks(list.tables()[Symbol.iterator]()), layout);
    if (!status) status = block;
  }
  return status;
}

async function printSections(flags: NetstatFlags, sel: Selection, root: string, chunks: Chunks, layout: InetLayout): Promise<number> {
  const names = new NetstatNames({ numericHosts: flags.numericHosts, numericPorts: flags.numericPorts, numericUsers: flags.numericUsers });
  const details: DetailsLayout | undefined =
    flags.tcpInfo || flags.memory
      ? {
          tcpInfo: flags.tcpInfo === true,
          memory: flags.memory === true,
          options: flags.timers > 0 || flags.extend > 1,
          numeric: flags.numericPorts,
        }
      : undefined;
  const pass: Pass = { flags, sel, chunks, layout, names, programsReported: false, formatter: new InetFormatter(stdout, layout, names), details };

  if (listsInet(sel)) {
    reportPrograms(pass);
    stdout.write(inetHeading(layout));
  }
  for (const protocol of ['tcp', 'sctp', 'udp', 'udplite', 'raw'] as const) {
    if (!sel[protocol]) continue;
    const status = protocol === 'sctp' ? printSctp(pass, root) : await printProtocol(pass, protocol, root);
    if (status) return status;
  }
  if (sel.groups) {
    const status = await printGroups(flags, sel);
    if (status) return status;
  }
  if (sel.unix) {
    reportPrograms(pass);
    stdout.write(unixHeading(layout));
    for (const chunk of chunks.of('unix')) {
      const report = chunk.report('unix');
      if (report.status === 'failed' && !unavailable(report)) {
        warn(`${root}/net/unix: ${report.message}\n`);
        return -1;
      }
      if (unavailable(report)) {
        const status = tableMissing(pass, 'unix');
        if (status) return status;
      }
      for (let n = 0; n < report.bogusLines; n++) warn('warning, got bogus unix line.\n');
      const rows = chunk.unix;
      for (let i = 0; i < rows.length; i++) {
        if (!unixShown(rows, i, layout)) continue;
        writeUnixRow(stdout, rows, i, layout);
        if (pass.details?.memory) writeUnixDetails(stdout, rows, i);
      }
    }
  }
  for (const family of ['ipx', 'ax25', 'x25', 'netrom', 'rose'] as const) {
    if (!sel.others[family]) continue;
    const status = printOther(pass, family, root);
    if (status) return status;
  }
  if (sel.bluetooth) {
    warn("netstat: feature `AF BLUETOOTH' not supported.\nPlease recompile `net-tools' with newer kernel source or full configuration.\n");
    return 1;
  }
  return 0;
}

async function jsonOnce(flags: NetstatFlags, sel: Selection): Promise<void> {
  // -g alone: only the groups document (kind "groups"); with socket kinds too, both.
  if (sel.groups && !(listsInet(sel) || sel.unix)) {
    stdout.utf8(`${JSON.stringify(await groupsDocument(flags, sel))}\n`);
    return;
  }
  const names = new NetstatNames({ numericHosts: flags.numericHosts, numericPorts: flags.numericPorts, numericUsers: flags.numericUsers });
  if (flags.allNetns) {
    await writeHostDocument(hostListing(flags, sel).host, flags, names, stdout);
  } else if (flags.procRoot !== undefined) {
    // a captured tree has no namespaces or cgroups to label rows with: streamed, in bounded memory
    await writeSocketsDocument(listingChunks(flags, { ...socketsOptions(flags, sel), labels: false }), flags, names, stdout);
  } else {
    // the rows carry their labels: the whole listing (about 90 bytes a row), then its tables
    const list = namedNamespace(flags, () => socketsSync(socketsOptions(flags, sel)));
    await writeSocketsDocument(list.tables(), flags, names, stdout);
  }
  if (sel.groups) stdout.utf8(`${JSON.stringify(await groupsDocument(flags, sel))}\n`);
}

/** Runs the socket listing (repeating every second with -c); returns the exit status. */
export async function runSockets(flags: NetstatFlags): Promise<number> {
  const sel = selection(flags);
  const root = flags.procRoot ?? '/proc';
  return repeat(flags.continuous > 0, async () => {
    if (!flags.json) return listOnce(flags, sel, root);
    await jsonOnce(flags, sel);
    return 0;
  });
}
