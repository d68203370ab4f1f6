/**
 * The JSON form of a socket listing (docs/json.md, docs/schema/fastnetstat.schema.json):
 * the same rows the text shows (same -a/-l selection), untruncated, numeric
 * values always, resolved names beside them unless -n says otherwise.
 */
import type { HostSocketList, InetSockets, OwnerAccess, SocketChunk, TableReport, UnixSockets } from '@fastnetstat/core';
import { isShown as inetShown, type InetLayout } from './format/inet.js';
import { isShown as unixShown } from './format/unix.js';
import type { NetstatNames } from './netstat-names.js';
import type { NetstatFlags } from './options.js';
import type { Output } from './output.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Names and paths are bytes, not always UTF-8. The plain field holds them
 * decoded (invalid bytes as U+FFFD); when that loses anything, `<field>Base64`
 * carries the exact bytes too.
 */
function exactBytes(field: string, bytes: Uint8Array | undefined): Record<string, string> {
  if (!bytes) return {};
  try {
    strictUtf8.decode(bytes);
    return {};
  } catch {
    return { [`${field}Base64`]: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') };
  }
}

const SERVICE_PROTO = { tcp: 'tcp', udp: 'udp', udplite: 'udp', raw: 'raw' } as const;

/** What the JSON form shows of a listing: netstat's -a/-l selection, every column. */
function jsonLayout(flags: NetstatFlags): InetLayout {
  return {
    all: flags.all > 0,
    listening: flags.listening > 0,
    wide: true,
    extended: true,
    programs: flags.programs > 0,
    timers: true,
    filtered: flags.filter.length > 0,
  };
}

/** One inet row of the document (names prepared beforehand unless -n). */
export function inetRowDocument(inet: InetSockets, i: number, flags: NetstatFlags, names: NetstatNames): Record<string, unknown> {
  const row = inet.at(i);
  const family = inet.isIPv6(i) ? 6 : 4;
  const service = SERVICE_PROTO[row.protocol];
  const out: Record<string, unknown> = {
    protocol: row.protocol,
    family: row.family,
    localAddress: row.localAddress,
    localPort: row.localPort,
    remoteAddress: row.remoteAddress,
    remotePort: row.remotePort,
    state: row.protocol === 'tcp' ? row.state : row.stateCode === 1 ? 'ESTABLISHED' : row.stateCode === 7 ? 'CLOSE' : 'UNKNOWN',
    stateCode: row.stateCode,
    receiveQueue: row.receiveQueue,
    sendQueue: row.sendQueue,
    listenBacklog: row.listenBacklog,
    uid: row.uid,
    inode: row.inode,
    timer: row.timer,
    pid: row.pid ?? null,
    program: row.processName ?? null,
    ...exactBytes('program', row.processNameBytes),
    ...row.labels,
  };
  if (!flags.numericHosts) {
    out.localHost = names.host(family, inet.localAddressBytes(i));
    out.remoteHost = names.host(family, inet.remoteAddressBytes(i));
  }
  if (!flags.numericPorts) {
    out.localService = names.port(row.localPort, service);
    out.remoteService = names.port(row.remotePort, service);
  }
  if (!flags.numericUsers) out.user = names.user(row.uid);
  if (flags.tcpInfo) out.tcpInfo = inet.tcpInfo(i);
  if (flags.memory) out.memory = inet.memory(i);
  return out;
}

function unixRowDocument(unix: UnixSockets, i: number, memory: boolean): Record<string, unknown> {
  const row = unix.at(i);
  return {
    protocol: 'unix',
    refCount: row.refCount,
    flags: row.flags,
    accepting: row.acceptingConnections,
    type: row.type,
    state: row.acceptingConnections && row.stateCode === 1 ? 'LISTENING' : row.state,
    stateCode: row.stateCode,
    inode: row.inode,
    path: row.path ?? null,
    ...exactBytes('path', row.pathBytes),
    pid: row.pid ?? null,
    program: row.processName ?? null,
    ...exactBytes('program', unix.processNameBytes(i)),
    ...row.labels,
    ...(memory ? { memory: unix.memory(i) } : {}),
  };
}

/** The document's first fields: kind, time, and the filter expression when one was given (its words joined by blanks). */
function documentHead(flags: NetstatFlags): string {
  const filter = flags.filter.length > 0 ? `"filter":${JSON.stringify(flags.filter.join(' '))},` : '';
  return `{"kind":"sockets","time":${JSON.stringify(new Date().toISOString())},${filter}`;
}

/**
 * Writes the sockets document of a streamed listing as its chunks arrive
 * (the document JSON.stringify would make of it, without holding it whole):
 * kind, time, inet, unix, ownerAccess, tables. Each chunk is done with
 * before the next is taken.
 */
export async function writeSocketsDocument(
  chunks: Iterable<SocketChunk>,
  flags: NetstatFlags,
  names: NetstatNames,
  out: Output,
): Promise<void> {
  out.utf8(documentHead(flags));
  const { ownerAccess, tables } = await writeRows(chunks, flags, names, out);
  out.utf8(`,"ownerAccess":${JSON.stringify(ownerAccess)},"tables":${JSON.stringify(tables)}}\n`);
}

/**
 * The sockets document of every namespace (--all-netns): every row at the
 * top as usual (each naming its namespace), the tables of the own namespace,
 * then `namespaces`, one entry each with what is known of it and its rows,
 * and `unreadable`: namespaces nothing could be read of, and how many
 * processes' namespaces could not be told (not root).
 */
export async function writeHostDocument(host: HostSocketList, flags: NetstatFlags, names: NetstatNames, out: Output): Promise<void> {
  const readable = host.namespaces.filter((list) => list.namespace?.access !== 'unreadable');
  const chunks = readable.map((list) => list.tables());
  // every namespace's inet tables, then every namespace's unix table
  const all = [...chunks.flatMap((c) => c.filter((t) => t.table !== 'unix')), ...chunks.flatMap((c) => c.filter((t) => t.table === 'unix'))];
  out.utf8(documentHead(flags));
  const { ownerAccess } = await writeRows(all, flags, names, out);
  const own = chunks[0] ? await writeRows(chunks[0], flags, names, undefined) : { tables: [] };
  out.utf8(`,"ownerAccess":${JSON.stringify(ownerAccess)},"tables":${JSON.stringify(own.tables)},"namespaces":[`);
  for (const [n, list] of readable.entries()) {
    const ns = list.namespace!;
    const about = { netns: ns.netns, pod: ns.pod, containers: ns.containers, mounts: ns.mounts, access: ns.access };
    out.utf8(`${n ? ',' : ''}${JSON.stringify(about).slice(0, -1)},`);
    const { tables } = await writeRows(chunks[n]!, flags, names, out);
    out.utf8(`,"tables":${JSON.stringify(tables)}}`);
  }
  const unreadable = host.unreadable.map((ns) => ns.netns);
  out.utf8(`],"unreadable":${JSON.stringify({ namespaces: unreadable, hiddenProcesses: host.hiddenProcesses })}}\n`);
}

/** Writes `"inet":[...],"unix":[...]` of a listing's chunks (to `out`, or nowhere); their tables' reports. */
async function writeRows(
  chunks: Iterable<SocketChunk>,
  flags: NetstatFlags,
  names: NetstatNames,
  out: Output | undefined,
): Promise<{ ownerAccess: OwnerAccess; tables: TableReport[] }> {
  const layout = jsonLayout(flags);
  const tables: TableReport[] = [];
  let bogusLines = 0;
  let ownerAccess: OwnerAccess = 'not-requested';
  // the inet rows, then the unix rows: chunks come in that order
  out?.utf8('"inet":[');
  let inUnix = false;
  let first = true;
  const toUnix = () => {
    if (inUnix) return;
    out?.utf8('],"unix":[');
    inUnix = true;
    first = true;
  };
  const row = (document: Record<string, unknown>) => {
    out?.utf8(first ? JSON.stringify(document) : `,${JSON.stringify(document)}`);
    first = false;
  };
  for (const chunk of chunks) {
    ownerAccess = chunk.ownerAccess;
    if (chunk.table === 'unix') toUnix();
    const inet = chunk.inet;
    const shown: number[] = [];
    for (let i = 0; i < inet.length; i++) if (inetShown(inet, i, layout)) shown.push(i);
    if (out && !flags.numericHosts && shown.length > 0) {
      await names.prepare(
        shown.flatMap((i) => {
          const family = inet.isIPv6(i) ? 6 : 4;
          return [
            { family, addr: inet.localAddressBytes(i) },
            { family, addr: inet.remoteAddressBytes(i) },
          ] as const;
        }),
      );
    }
    if (out) {
      for (const i of shown) row(inetRowDocument(inet, i, flags, names));
      const unix = chunk.unix;
      for (let i = 0; i < unix.length; i++) if (unixShown(unix, i, layout)) row(unixRowDocument(unix, i, flags.memory === true));
    }
    const report = chunk.report(chunk.table);
    bogusLines += report.bogusLines;
    if (chunk.last) {
      tables.push({ ...report, bogusLines });
      bogusLines = 0;
    }
  }
  toUnix();
  out?.utf8(']');
  return { ownerAccess, tables };
}
