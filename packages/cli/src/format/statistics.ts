/**
 * netstat -s: the statistics text, as net-tools 2.10 (Debian 12) prints it
 * (statistics.c). Everything that decides a line is here:
 *
 * - the sentence tables (statistics-tables.json), copied from the Debian
 *   binary itself (its .data.rel.ro), in their order: they are meant to be
 *   sorted but are not quite (Forwarding before ForwDatagrams, TCPDSACKUndo
 *   after TCPDSackUndo, TW after TWKilled, ...), and netstat looks names up
 *   with bsearch(), so some known names miss;
 * - printval(): a name found prints its sentence (opt_number ones only when
 *   not zero, the ICMP histogram ones only when above zero, under an "ICMP
 *   input/output histogram:" title printed when the kind changes, even for a
 *   zero); "static" entries (DefaultTTL, Forwarding, RtoAlgorithm) and those
 *   with an empty sentence (RtoMin, RtoMax, MaxConn) never print; a name not
 *   found prints `Name: value` when the value is not zero, indented by the
 *   current state (so after an ICMP histogram, by 8);
 * - newtable(): a known section title prints `Title:` when its protocol is
 *   selected and resets the state; an unknown one (IcmpMsg, UdpLite, IpExt,
 *   MPTcpExt, UdpLite6, ...) always prints and keeps the state;
 * - the files: inet reads snmp, netstat (skipped silently when missing) and
 *   sctp/snmp (skipped when missing); inet6 reads snmp6, then the Tcp
 *   sections of snmp. Values are printed as strtoull read them (%llu: -1 is
 *   18446744073709551615).
 *
 * Strings are byte strings (one char per byte), as in output.ts.
 */
import type { Statistics, StatisticsFileReport, StatisticsSection } from '@fastnetstat/core';
import { byteString } from '../output.js';
import tables from './statistics-tables.json' with { type: 'json' };

/**
 * How an entry prints (its type in statistics.c): `number` always, `opt`
 * when not zero, `icmp-in`/`icmp-out` (histogram lines, I_TITLE) when above
 * zero; `static` never (netstat's print_static is never set).
 */
type Kind = 'number' | 'opt' | 'icmp-in' | 'icmp-out' | 'static';
/** enum State: the kind of the last entry printed, which decides indents and histogram titles. */
type State = Exclude<Kind, 'static'>;

/** states[]: the indent of each state, and the title a histogram prints when the state changes to it. */
const INDENT: Record<State, number> = { number: 4, opt: 4, 'icmp-in': 8, 'icmp-out': 8 };
const HISTOGRAM_TITLE = { 'icmp-in': 'ICMP input histogram:', 'icmp-out': 'ICMP output histogram:' } as const;

type Entry = readonly [title: string, sentence: string, kind: Kind];
type Table = readonly Entry[];
/** Which -s protocol flag shows a section: raw (-w), tcp (-t), udp (-u), sctp (-S). */
export type StatFlag = 'raw' | 'tcp' | 'udp' | 'sctp';
interface TabTab {
  title: string;
  tab: Table | null;
  flag: StatFlag | 'unknown';
}

/** The sentence tables, by section title (statistics-tables.json: data copied from the binary). */
const TABLES = tables as unknown as Record<'Ip' | 'Icmp' | 'Tcp' | 'Udp' | 'Sctp' | 'TcpExt' | 'Ip6' | 'Icmp6' | 'Udp6', Table>;

/** snmptabs[]: the sections of /proc/net/snmp, /proc/net/netstat and /proc/net/sctp/snmp. */
const SNMP_TABS: readonly TabTab[] = [
  { title: 'Ip', tab: TABLES.Ip, flag: 'raw' },
  { title: 'Icmp', tab: TABLES.Icmp, flag: 'raw' },
  { title: 'Tcp', tab: TABLES.Tcp, flag: 'tcp' },
  { title: 'Udp', tab: TABLES.Udp, flag: 'udp' },
  { title: 'Sctp', tab: TABLES.Sctp, flag: 'sctp' },
  { title: 'TcpExt', tab: TABLES.TcpExt, flag: 'tcp' },
];

/** snmp6tabs[]: the sections of /proc/net/snmp6 (Tcp6 would use the Tcp table). */
const SNMP6_TABS: readonly TabTab[] = [
  { title: 'Ip6', tab: TABLES.Ip6, flag: 'raw' },
  { title: 'Icmp6', tab: TABLES.Icmp6, flag: 'raw' },
  { title: 'Udp6', tab: TABLES.Udp6, flag: 'udp' },
  { title: 'Tcp6', tab: TABLES.Tcp, flag: 'tcp' },
];

/** glibc's bsearch() with strcmp() (byte strings compare as unsigned bytes). */
function bsearch(key: string, tab: Table): Entry | undefined {
  let l = 0;
  let u = tab.length;
  while (l < u) {
    const idx = (l + u) >>> 1;
    const title = tab[idx]![0];
    if (key < title) u = idx;
    else if (key > title) l = idx + 1;
    else return tab[idx];
  }
  return undefined;
}

/** The protocol flags of a -s run (netstat's f_raw, f_tcp, f_udp, f_sctp). */
export type StatFlags = Record<StatFlag, boolean>;

/** Where the text goes: stdout, and stderr for netstat's perror() lines. */
export interface StatSink {
  out(text: string): void;
  err(text: string): void;
}

/** The statistics printer: netstat's printval()/newtable() and their state. */
class Printer {
  private state: State = 'number';
  private readonly lines: string[] = [];

  constructor(
    private readonly flags: StatFlags,
    private readonly sink: StatSink,
  ) {}

  private print(text: string): void {
    this.lines.push(text);
    if (this.lines.length >= 256) this.flush();
  }

  flush(): void {
    if (this.lines.length) this.sink.out(this.lines.join(''));
    this.lines.length = 0;
  }

  err(text: string): void {
    this.flush();
    this.sink.err(text);
  }

  private shown(tab: TabTab): boolean {
    return tab.flag === 'unknown' || this.flags[tab.flag];
  }

  newtable(tabs: readonly TabTab[], title: string): TabTab {
    const known = tabs.find((t) => t.title === title);
    if (known) {
      if (this.shown(known)) this.print(`${title}:\n`);
      this.state = 'number';
      return known;
    }
    // dummytab: no entries, always shown, and the state stays as it was
    this.print(`${title}:\n`);
    return { title, tab: null, flag: 'unknown' };
  }

  printval(tab: TabTab, name: string, val: bigint): void {
    const ent = tab.tab ? bsearch(name, tab.tab) : undefined;
    if (!ent) {
      if (val) this.print(`${' '.repeat(INDENT[this.state])}${name}: ${val}\n`);
      return;
    }
    const [, sentence, kind] = ent;
    if (kind === 'static' || sentence === '') return;
    if ((kind === 'icmp-in' || kind === 'icmp-out') && this.state !== kind) {
      this.print(`${' '.repeat(INDENT[this.state])}${HISTOGRAM_TITLE[kind]}\n`);
    }
    const shown = kind === 'number' || (kind === 'opt' ? val !== 0n : val > 0n);
    if (shown) this.print(`${' '.repeat(INDENT[kind])}${sentence.replace('%llu', val.toString())}\n`);
    this.state = kind;
  }

  /** One section: its title, then each field while its protocol is selected. */
  section(tabs: readonly TabTab[], section: StatisticsSection): void {
    const tab = this.newtable(tabs, byteString(section.titleBytes));
    if (!this.shown(tab)) return;
    for (const field of section.fields) this.printval(tab, byteString(field.nameBytes), field.unsigned);
  }
}

/** `perror("cannot open <path>")` and friends. */
function cannotOpen(report: StatisticsFileReport): string {
  return `cannot open ${report.path}: ${report.message ?? report.error}\n`;
}

/**
 * Prints `netstat -s` (family inet: parsesnmp) or `netstat -s -6`
 * (family inet6: parsesnmp6) from one reading of the counters.
 */
export function printStatistics(stats: Statistics, flags: StatFlags, sink: StatSink): void {
  const p = new Printer(flags, sink);
  /**
   * One file: its sections, then its complaints. A required file that cannot
   * be opened ends the listing (false); an optional one is skipped silently.
   */
  const printFile = (name: string, tabs: readonly TabTab[], how: { required: boolean; formatErrors: boolean }): boolean => {
    const report = stats.files.find((f) => f.file === name);
    if (!report || report.status === 'missing' || report.stage === 'open') {
      if (how.required && report) p.err(cannotOpen(report));
      return !how.required;
    }
    for (const section of stats.sections) if (section.file === name) p.section(tabs, section);
    if (how.formatErrors && report.formatErrorLine) p.err(`Problem while parsing ${report.path}\n`);
    if (report.stage === 'read') p.err(`${report.path}: ${report.message ?? report.error}\n`);
    return true;
  };

  if (stats.family === 'inet6') {
    // then only the sections of snmp whose title begins with "Tcp" (the family already chose
    // them); a format error is not reported there
    if (printFile('snmp6', SNMP6_TABS, { required: true, formatErrors: false })) {
      printFile('snmp', SNMP_TABS, { required: true, formatErrors: false });
    }
  } else if (printFile('snmp', SNMP_TABS, { required: true, formatErrors: true })) {
    printFile('netstat', SNMP_TABS, { required: false, formatErrors: true });
    printFile('sctp/snmp', SNMP_TABS, { required: false, formatErrors: false });
  }
  p.flush();
}

/** Whether a section has its `Title:` printed under these flags (the JSON form carries those). */
export function sectionShown(section: StatisticsSection, flags: StatFlags): boolean {
  const tabs = section.file === 'snmp6' ? SNMP6_TABS : SNMP_TABS;
  const title = byteString(section.titleBytes);
  const known = tabs.find((t) => t.title === title);
  return !known || flags[known.flag as StatFlag];
}
