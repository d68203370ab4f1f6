/**
 * Protocol counters: /proc/net/snmp, /proc/net/netstat, /proc/net/snmp6 and
 * /proc/net/sctp/snmp (what `netstat -s` prints), read by the native core and
 * decoded here from one packed buffer (layout: crates/fastnetstat-node/src/wire_stats.rs).
 *
 * ```ts
 * import { statistics } from '@fastnetstat/core';
 * const stats = await statistics();
 * console.log(stats.counters.Tcp?.ActiveOpens, stats.counters.TcpExt?.ListenDrops);
 * ```
 */
import { join } from 'node:path';
import { awaitNative, callNative, FastnetstatError } from './errors.js';
import { native } from './native.js';
import { checkProcRoot, errnoName } from './report.js';
import { checkWire } from './wire.js';

/** Which counters: `inet` (snmp, netstat, sctp/snmp) or `inet6` (snmp6 and the Tcp section of snmp, as netstat -s6). */
export type StatisticsFamily = 'inet' | 'inet6';
/** A counter file, as its path under `<procRoot>/net/`. */
export type StatisticsFileName = 'snmp' | 'netstat' | 'snmp6' | 'sctp/snmp';
export type StatisticsFileStatus = 'read' | 'missing' | 'failed';

export interface StatisticsOptions {
  /** Default `inet`. */
  family?: StatisticsFamily;
  /** Read a /proc tree other than the live one. */
  procRoot?: string;
  /**
   * Return what could be read, with unreadable files reported in `files`,
   * instead of throwing when the family's main file (snmp, or snmp6 for
   * inet6) cannot be read. Default false.
   */
  partial?: boolean;
}

/** One counter, in file order. */
export interface StatisticsField {
  name: string;
  /** The field name's exact bytes. */
  nameBytes: Uint8Array;
  /** The value as the kernel meant it (Tcp MaxConn is -1). Exact up to 2^53; see `exact`. */
  value: number;
  /** The same value, exactly (signed 64-bit). */
  exact: bigint;
  /** The value as netstat reads it (strtoull: -1 reads as 2^64-1), exact. */
  unsigned: bigint;
  /** False when the value line had no number for this name (netstat then uses 0, or for snmp6 the previous value). */
  present: boolean;
}

/** One titled group of counters (Ip, Tcp, TcpExt, Ip6, ...), in file order. */
export interface StatisticsSection {
  title: string;
  titleBytes: Uint8Array;
  file: StatisticsFileName;
  fields: StatisticsField[];
}

/** How reading one file went. */
export interface StatisticsFileReport {
  file: StatisticsFileName;
  /** `<procRoot>/net/<file>`. */
  path: string;
  status: StatisticsFileStatus;
  /** When failed: `open` (could not be opened) or `read` (opened, a read failed; what came before counts). */
  stage?: 'open' | 'read';
  /** errno name (ENOENT, EACCES, EISDIR, ...) when missing or failed. */
  error?: string;
  /** strerror text (`No such file or directory`) when missing or failed. */
  message?: string;
  /** snmp and netstat: the line of a pair without ':' where the parse stopped. */
  formatErrorLine?: number;
}

export interface Statistics {
  family: StatisticsFamily;
  /**
   * `{ section: { field: value } }`, sections and fields in file order (a
   * title seen twice is merged; a field seen twice keeps its last value).
   */
  counters: Record<string, Record<string, number>>;
  /** Every section read, in order, as read (repeated titles stay apart). */
  sections: StatisticsSection[];
  /** The files read, in order. */
  files: StatisticsFileReport[];
}

/** Bit order of the native `files` mask and of the wire's file ids. */
export const STATISTICS_FILES: readonly StatisticsFileName[] = ['snmp', 'netstat', 'snmp6', 'sctp/snmp'];
const FILES_OF: Record<StatisticsFamily, readonly StatisticsFileName[]> = {
  inet: ['snmp', 'netstat', 'sctp/snmp'],
  inet6: ['snmp6', 'snmp'],
};

/** Wire layout (mirrors crates/fastnetstat-node/src/wire_stats.rs). @internal */
export const StatsWire = {
  MAGIC: 0x54534e46,
  VERSION: 1,
  HEADER_LEN: 32,
  FILE_LEN: 24,
  SECTION_LEN: 16,
  ENTRY_LEN: 32,
} as const;

const utf8 = new TextDecoder('utf-8');

/** Decodes one packed result (all of it: a few hundred counters). @internal */
export function decodeStatistics(buffer: Uint8Array, family: StatisticsFamily, root: string): Statistics {
  const W = StatsWire;
  const v = checkWire(buffer, W.MAGIC, W.VERSION, W.HEADER_LEN);
  const fileCount = v.getUint32(8, true);
  const sectionCount = v.getUint32(12, true);
  const filesAt = v.getUint16(6, true);
  const sectionsAt = filesAt + fileCount * W.FILE_LEN;
  const entriesAt = sectionsAt + sectionCount * W.SECTION_LEN;
  const stringsAt = v.getUint32(20, true);
  const bytes = (offset: number, length: number) => buffer.subarray(stringsAt + offset, stringsAt + offset + length);
  const text = (b: Uint8Array) => utf8.decode(b);

  const files: StatisticsFileReport[] = [];
  const sections: StatisticsSection[] = [];
  for (let f = 0; f < fileCount; f++) {
    const at = filesAt + f * W.FILE_LEN;
    const file = STATISTICS_FILES[v.getUint8(at)]!;
    const status = v.getUint8(at + 1);
    const report: StatisticsFileReport = {
      file,
      path: join(root, 'net', file),
      status: status === 1 ? 'read' : status === 2 ? 'missing' : 'failed',
    };
    if (status >= 2) {
      const errno = v.getUint16(at + 2, true);
      if (status >= 3) report.stage = status === 3 ? 'open' : 'read';
      report.error = errnoName(errno);
      report.message = utf8.decode(bytes(v.getUint32(at + 8, true), v.getUint32(at + 12, true)));
    }
    const formatErrorLine = v.getUint32(at + 4, true);
    if (formatErrorLine) report.formatErrorLine = formatErrorLine;
    files.push(report);

    const first = v.getUint32(at + 16, true);
    const count = v.getUint32(at + 20, true);
    for (let s = first; s < first + count; s++) {
      const sat = sectionsAt + s * W.SECTION_LEN;
      const titleBytes = bytes(v.getUint32(sat, true), v.getUint32(sat + 4, true));
      const firstEntry = v.getUint32(sat + 8, true);
      const entryCount = v.getUint32(sat + 12, true);
      const fields: StatisticsField[] = new Array(entryCount);
      for (let e = 0; e < entryCount; e++) {
        const eat = entriesAt + (firstEntry + e) * W.ENTRY_LEN;
        const nameBytes = bytes(v.getUint32(eat, true), v.getUint32(eat + 4, true));
        fields[e] = {
          name: text(nameBytes),
          nameBytes,
          value: Number(v.getBigInt64(eat + 16, true)),
          exact: v.getBigInt64(eat + 16, true),
          unsigned: v.getBigUint64(eat + 8, true),
          present: (v.getUint8(eat + 24) & 1) === 1,
        };
      }
      sections.push({ title: text(titleBytes), titleBytes, file, fields });
    }
  }
  // the binding reads in its own file order; present them in the family's
  const rank = (file: StatisticsFileName) => FILES_OF[family].indexOf(file);
  files.sort((a, b) => rank(a.file) - rank(b.file));
  sections.sort((a, b) => rank(a.file) - rank(b.file)); // stable: file order kept within a file
  return selectFamily(family, sections, files);
}

/** netstat's `strncmp(title, "Tcp", 3) == 0`. */
const isTcpTitle = (t: Uint8Array) => t[0] === 0x54 && t[1] === 0x63 && t[2] === 0x70;

/** What a family shows: inet6 takes only the Tcp sections of snmp (there is no Tcp6 in snmp6). */
function selectFamily(family: StatisticsFamily, all: StatisticsSection[], files: StatisticsFileReport[]): Statistics {
  const sections = family === 'inet6' ? all.filter((s) => s.file !== 'snmp' || isTcpTitle(s.titleBytes)) : all;
  const counters: Record<string, Record<string, number>> = {};
  for (const section of sections) {
    const into = (counters[section.title] ??= {});
    for (const field of section.fields) into[field.name] = field.value;
  }
  return { family, counters, sections, files };
}

function checkOptions(options: StatisticsOptions): { family: StatisticsFamily; root: string; mask: number } {
  const family = options.family ?? 'inet';
  if (family !== 'inet' && family !== 'inet6') {
    throw new FastnetstatError('EINVAL', `no statistics for address family '${String(family)}' (inet or inet6)`);
  }
  const root = options.procRoot ?? '/proc';
  checkProcRoot(options.procRoot);
  let mask = 0;
  for (const file of FILES_OF[family]) mask |= 1 << STATISTICS_FILES.indexOf(file);
  return { family, root, mask };
}

/** Throws for the family's main file unless `partial`. */
function checked(stats: Statistics, options: StatisticsOptions): Statistics {
  if (options.partial) return stats;
  const main = stats.family === 'inet6' ? 'snmp6' : 'snmp';
  const report = stats.files.find((f) => f.file === main);
  if (report && report.status !== 'read') {
    throw new FastnetstatError(report.error ?? 'EIO', `cannot read ${report.path}: ${report.message ?? report.error}`);
  }
  return stats;
}

/** Reads the protocol counters synchronously (for scripts; blocks the event loop). */
export function statisticsSync(options: StatisticsOptions = {}): Statistics {
  const { family, root, mask } = checkOptions(options);
  const buffer = callNative(() => native().readStatisticsSync({ procRoot: options.procRoot, files: mask }));
  return checked(decodeStatistics(buffer, family, root), options);
}

/** Reads the protocol counters off the main thread. */
export async function statistics(options: StatisticsOptions = {}): Promise<Statistics> {
  const { family, root, mask } = checkOptions(options);
  const buffer = await awaitNative(() => native().readStatistics({ procRoot: options.procRoot, files: mask }));
  return checked(decodeStatistics(buffer, family, root), options);
}
