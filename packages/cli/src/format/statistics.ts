/**
 * netstat -s: the statistics text, as net-tools 2.10 (Debian 12) prints it
 * (statistics.c). Everything that decides a line is here:
 *
 * - the sentence tables, copied from the Debian binary itself (its
 *   .data.rel.ro), in their order: they are meant to be sorted but are not
 *   quite (Forwarding before ForwDatagrams, TCPDSACKUndo after TCPDSackUndo,
 *   TW after TWKilled, ...), and netstat looks names up with bsearch(), so
 *   some known names miss;
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

// enum State, and the flag bits of an entry's type
const NUMBER = 0;
const OPT_NUMBER = 1;
const I_FORWARD = 2;
const I_INP_ICMP = 3;
const I_OUTP_ICMP = 4;
const I_RTO_ALG = 5;
const I_STATIC = 1 << 16;
const I_TITLE = 1 << 17;

/** states[]: indent and histogram title of each state (i_rto_alg has none: {0, NULL}). */
const INDENT = [4, 4, 4, 8, 8, 0];
const STATE_TITLE = ['', '', '', 'ICMP input histogram:', 'ICMP output histogram:', ''];

type Entry = readonly [title: string, out: string, type: number];
type Table = readonly Entry[];
/** Which -s protocol flag shows a section: raw (-w), tcp (-t), udp (-u), sctp (-S). */
export type StatFlag = 'raw' | 'tcp' | 'udp' | 'sctp';
interface TabTab {
  title: string;
  tab: Table | null;
  flag: StatFlag | 'unknown';
}

const IP: Table = [
  ["DefaultTTL", "Default TTL is %llu", NUMBER | I_STATIC],
  ["Forwarding", "Forwarding is %s", I_FORWARD | I_STATIC],
  ["ForwDatagrams", "%llu forwarded", NUMBER],
  ["FragCreates", "%llu fragments created", OPT_NUMBER],
  ["FragFails", "%llu outgoing packets failed fragmentation", OPT_NUMBER],
  ["FragOKs", "%llu outgoing packets fragmented ok", OPT_NUMBER],
  ["InAddrErrors", "%llu with invalid addresses", OPT_NUMBER],
  ["InDelivers", "%llu incoming packets delivered", NUMBER],
  ["InDiscards", "%llu incoming packets discarded", NUMBER],
  ["InHdrErrors", "%llu with invalid headers", OPT_NUMBER],
  ["InReceives", "%llu total packets received", NUMBER],
  ["InUnknownProtos", "%llu with unknown protocol", OPT_NUMBER],
  ["OutDiscards", "%llu outgoing packets dropped", OPT_NUMBER],
  ["OutNoRoutes", "%llu dropped because of missing route", OPT_NUMBER],
  ["OutRequests", "%llu requests sent out", NUMBER],
  ["ReasmFails", "%llu packet reassemblies failed", OPT_NUMBER],
  ["ReasmOKs", "%llu packets reassembled ok", OPT_NUMBER],
  ["ReasmReqds", "%llu reassemblies required", OPT_NUMBER],
  ["ReasmTimeout", "%llu fragments dropped after timeout", OPT_NUMBER],
];

const ICMP: Table = [
  ["InAddrMaskReps", "address mask replies: %llu", I_INP_ICMP | I_TITLE],
  ["InAddrMasks", "address mask request: %llu", I_INP_ICMP | I_TITLE],
  ["InDestUnreachs", "destination unreachable: %llu", I_INP_ICMP | I_TITLE],
  ["InEchoReps", "echo replies: %llu", I_INP_ICMP | I_TITLE],
  ["InEchos", "echo requests: %llu", I_INP_ICMP | I_TITLE],
  ["InErrors", "%llu input ICMP message failed", NUMBER],
  ["InMsgs", "%llu ICMP messages received", NUMBER],
  ["InParmProbs", "wrong parameters: %llu", I_INP_ICMP | I_TITLE],
  ["InRedirects", "redirects: %llu", I_INP_ICMP | I_TITLE],
  ["InSrcQuenchs", "source quenches: %llu", I_INP_ICMP | I_TITLE],
  ["InTimeExcds", "timeout in transit: %llu", I_INP_ICMP | I_TITLE],
  ["InTimestampReps", "timestamp reply: %llu", I_INP_ICMP | I_TITLE],
  ["InTimestamps", "timestamp request: %llu", I_INP_ICMP | I_TITLE],
  ["OutAddrMaskReps", "address mask replies: %llu", I_OUTP_ICMP | I_TITLE],
  ["OutAddrMasks", "address mask requests: %llu", I_OUTP_ICMP | I_TITLE],
  ["OutDestUnreachs", "destination unreachable: %llu", I_OUTP_ICMP | I_TITLE],
  ["OutEchoReps", "echo replies: %llu", I_OUTP_ICMP | I_TITLE],
  ["OutEchos", "echo requests: %llu", I_OUTP_ICMP | I_TITLE],
  ["OutErrors", "%llu ICMP messages failed", NUMBER],
  ["OutMsgs", "%llu ICMP messages sent", NUMBER],
  ["OutParmProbs", "wrong parameters: %llu", I_OUTP_ICMP | I_TITLE],
  ["OutRedirects", "redirect: %llu", I_OUTP_ICMP | I_TITLE],
  ["OutSrcQuenchs", "source quench: %llu", I_OUTP_ICMP | I_TITLE],
  ["OutTimeExcds", "time exceeded: %llu", I_OUTP_ICMP | I_TITLE],
  ["OutTimestampReps", "timestamp replies: %llu", I_OUTP_ICMP | I_TITLE],
  ["OutTimestamps", "timestamp requests: %llu", I_OUTP_ICMP | I_TITLE],
];

const TCP: Table = [
  ["ActiveOpens", "%llu active connection openings", NUMBER],
  ["AttemptFails", "%llu failed connection attempts", NUMBER],
  ["CurrEstab", "%llu connections established", NUMBER],
  ["EstabResets", "%llu connection resets received", NUMBER],
  ["InErrs", "%llu bad segments received", NUMBER],
  ["InSegs", "%llu segments received", NUMBER],
  ["MaxConn", "", NUMBER],
  ["OutRsts", "%llu resets sent", NUMBER],
  ["OutSegs", "%llu segments sent out", NUMBER],
  ["PassiveOpens", "%llu passive connection openings", NUMBER],
  ["RetransSegs", "%llu segments retransmitted", NUMBER],
  ["RtoAlgorithm", "RTO algorithm is %s", I_RTO_ALG | I_STATIC],
  ["RtoMax", "", NUMBER],
  ["RtoMin", "", NUMBER],
];

const UDP: Table = [
  ["InDatagrams", "%llu packets received", NUMBER],
  ["InErrors", "%llu packet receive errors", NUMBER],
  ["NoPorts", "%llu packets to unknown port received", NUMBER],
  ["OutDatagrams", "%llu packets sent", NUMBER],
  ["RcvbufErrors", "%llu receive buffer errors", NUMBER],
  ["SndbufErrors", "%llu send buffer errors", NUMBER],
];

const SCTP: Table = [
  ["SctpAborteds", "%llu Number of Aborteds ", NUMBER],
  ["SctpActiveEstabs", "%llu Active Associations", NUMBER],
  ["SctpChecksumErrors", "%llu Number of Packets with invalid Checksum", NUMBER],
  ["SctpCurrEstab", "%llu Current Associations", NUMBER],
  ["SctpFragUsrMsgs", "%llu Number of messages fragmented", NUMBER],
  ["SctpInCtrlChunks", "%llu Number of control chunks received", NUMBER],
  ["SctpInOrderChunks", "%llu Number of ordered chunks received", NUMBER],
  ["SctpInSCTPPacks", "%llu Number of SCTP packets received", NUMBER],
  ["SctpInUnorderChunks", "%llu Number of Unordered chunks received", NUMBER],
  ["SctpOutCtrlChunks", "%llu Number of control chunks sent", NUMBER],
  ["SctpOutOfBlues", "%llu Number of Out of Blue packets", NUMBER],
  ["SctpOutOrderChunks", "%llu Number of ordered chunks sent", NUMBER],
  ["SctpOutSCTPPacks", "%llu Number of SCTP packets sent", NUMBER],
  ["SctpOutUnorderChunks", "%llu Number of Unordered chunks sent", NUMBER],
  ["SctpPassiveEstabs", "%llu Passive Associations", NUMBER],
  ["SctpReasmUsrMsgs", "%llu Number of messages reassembled ", NUMBER],
  ["SctpShutdowns", "%llu Number of Graceful Terminations", NUMBER],
];

const TCPEXT: Table = [
  ["DelayedACKLocked", "%llu delayed acks further delayed because of locked socket", OPT_NUMBER],
  ["DelayedACKLost", "Quick ack mode was activated %llu times", OPT_NUMBER],
  ["DelayedACKs", "%llu delayed acks sent", OPT_NUMBER],
  ["EmbryonicRsts", "%llu resets received for embryonic SYN_RECV sockets", OPT_NUMBER],
  ["ListenDrops", "%llu SYNs to LISTEN sockets dropped", OPT_NUMBER],
  ["ListenOverflows", "%llu times the listen queue of a socket overflowed", OPT_NUMBER],
  ["LockDroppedIcmps", "%llu ICMP packets dropped because socket was locked", OPT_NUMBER],
  ["OfoPruned", "%llu packets dropped from out-of-order queue because of socket buffer overrun", OPT_NUMBER],
  ["OutOfWindowIcmps", "%llu ICMP packets dropped because they were out-of-window", OPT_NUMBER],
  ["PAWSActive", "%llu active connections rejected because of time stamp", OPT_NUMBER],
  ["PAWSEstab", "%llu packets rejected in established connections because of timestamp", OPT_NUMBER],
  ["PAWSPassive", "%llu passive connections rejected because of time stamp", OPT_NUMBER],
  ["PruneCalled", "%llu packets pruned from receive queue because of socket buffer overrun", OPT_NUMBER],
  ["RcvPruned", "%llu packets pruned from receive queue", OPT_NUMBER],
  ["SockMallocOOM", "Ran %llu times out of system memory during packet sending", OPT_NUMBER],
  ["SyncookiesFailed", "%llu invalid SYN cookies received", OPT_NUMBER],
  ["SyncookiesRecv", "%llu SYN cookies received", OPT_NUMBER],
  ["SyncookiesSent", "%llu SYN cookies sent", OPT_NUMBER],
  ["TCPAbortFailed", "%llu times unable to send RST due to no memory", OPT_NUMBER],
  ["TCPAbortOnClose", "%llu connections reset due to early user close", OPT_NUMBER],
  ["TCPAbortOnData", "%llu connections reset due to unexpected data", OPT_NUMBER],
  ["TCPAbortOnLinger", "%llu connections aborted after user close in linger timeout", OPT_NUMBER],
  ["TCPAbortOnMemory", "%llu connections aborted due to memory pressure", OPT_NUMBER],
  ["TCPAbortOnSyn", "%llu connections reset due to unexpected SYN", OPT_NUMBER],
  ["TCPAbortOnTimeout", "%llu connections aborted due to timeout", OPT_NUMBER],
  ["TCPDirectCopyFromBacklog", "%llu bytes directly in process context from backlog", OPT_NUMBER],
  ["TCPDirectCopyFromPrequeue", "%llu bytes directly received in process context from prequeue", OPT_NUMBER],
  ["TCPDSACKOfoRecv", "%llu DSACKs for out of order packets received", OPT_NUMBER],
  ["TCPDSACKOfoSent", "%llu DSACKs sent for out of order packets", OPT_NUMBER],
  ["TCPDSACKOldSent", "%llu DSACKs sent for old packets", OPT_NUMBER],
  ["TCPDSACKRecv", "%llu DSACKs received", OPT_NUMBER],
  ["TCPDSackUndo", "%llu congestion window recovered without slow start using DSACK", OPT_NUMBER],
  ["TCPDSACKUndo", "%llu congestion windows recovered without slow start by DSACK", OPT_NUMBER],
  ["TCPFACKReorder", "Detected reordering %llu times using FACK", OPT_NUMBER],
  ["TCPFastRetrans", "%llu fast retransmits", OPT_NUMBER],
  ["TCPForwardRetrans", "%llu forward retransmits", OPT_NUMBER],
  ["TCPFullUndo", "%llu congestion windows fully recovered without slow start", OPT_NUMBER],
  ["TCPHPAcks", "%llu predicted acknowledgments", OPT_NUMBER],
  ["TCPHPHits", "%llu packet headers predicted", NUMBER],
  ["TCPHPHitsToUser", "%llu packet headers predicted and directly queued to user", OPT_NUMBER],
  ["TCPLossFailures", "%llu timeouts in loss state", OPT_NUMBER],
  ["TCPLoss", "%llu TCP data loss events", OPT_NUMBER],
  ["TCPLossUndo", "%llu congestion windows recovered without slow start after partial ack", OPT_NUMBER],
  ["TCPLostRetransmits", "%llu retransmits lost", OPT_NUMBER],
  ["TCPMemoryPressures", "TCP ran low on memory %llu times", OPT_NUMBER],
  ["TCPPartialUndo", "%llu congestion windows partially recovered using Hoe heuristic", OPT_NUMBER],
  ["TCPPrequeued", "%llu packets directly queued to recvmsg prequeue", OPT_NUMBER],
  ["TCPPrequeueDropped", "%llu packets dropped from prequeue", OPT_NUMBER],
  ["TCPPureAcks", "%llu acknowledgments not containing data payload received", OPT_NUMBER],
  ["TCPRcvCollapsed", "%llu packets collapsed in receive queue due to low socket buffer", OPT_NUMBER],
  ["TCPRenoFailures", "%llu timeouts after reno fast retransmit", OPT_NUMBER],
  ["TCPRenoRecoveryFailed", "%llu reno fast retransmits failed", OPT_NUMBER],
  ["TCPRenoRecoveryFail", "%llu classic Reno fast retransmits failed", OPT_NUMBER],
  ["TCPRenoRecovery", "%llu times recovered from packet loss due to fast retransmit", OPT_NUMBER],
  ["TCPRenoReorder", "Detected reordering %llu times using reno fast retransmit", OPT_NUMBER],
  ["TCPSackFailures", "%llu timeouts after SACK recovery", OPT_NUMBER],
  ["TCPSackRecoveryFail", "%llu SACK retransmits failed", OPT_NUMBER],
  ["TCPSackRecovery", "%llu times recovered from packet loss by selective acknowledgements", OPT_NUMBER],
  ["TCPSACKReneging", "%llu bad SACK blocks received", OPT_NUMBER],
  ["TCPSACKReorder", "Detected reordering %llu times using SACK", OPT_NUMBER],
  ["TCPSchedulerFailed", "%llu times receiver scheduled too late for direct processing", OPT_NUMBER],
  ["TCPSlowStartRetrans", "%llu retransmits in slow start", OPT_NUMBER],
  ["TCPTimeouts", "%llu other TCP timeouts", OPT_NUMBER],
  ["TCPTSReorder", "Detected reordering %llu times using time stamp", OPT_NUMBER],
  ["TWKilled", "%llu TCP sockets finished time wait in slow timer", OPT_NUMBER],
  ["TW", "%llu TCP sockets finished time wait in fast timer", OPT_NUMBER],
  ["TWRecycled", "%llu time wait sockets recycled by time stamp", OPT_NUMBER],
];

const IP6: Table = [
  ["Ip6FragCreates", "%llu fragments created", OPT_NUMBER],
  ["Ip6FragFails", "%llu outgoing packets failed fragmentation", OPT_NUMBER],
  ["Ip6FragOKs", "%llu outgoing packets fragmented ok", OPT_NUMBER],
  ["Ip6InAddrErrors", "%llu with invalid addresses", OPT_NUMBER],
  ["Ip6InDelivers", "%llu incoming packets delivered", NUMBER],
  ["Ip6InDiscards", "%llu incoming packets discarded", NUMBER],
  ["Ip6InHdrErrors", "%llu with invalid headers", OPT_NUMBER],
  ["Ip6InMcastPkts", "%llu incoming multicast packets", OPT_NUMBER],
  ["Ip6InNoRoutes", "%llu incoming packets with no route", OPT_NUMBER],
  ["Ip6InReceives", "%llu total packets received", NUMBER],
  ["Ip6InTooBigErrors", "%llu with packets too big", OPT_NUMBER],
  ["Ip6InTruncatedPkts", "%llu with truncated packets", OPT_NUMBER],
  ["Ip6InUnknownProtos", "%llu with unknown protocol", OPT_NUMBER],
  ["Ip6OutDiscards", "%llu outgoing packets dropped", OPT_NUMBER],
  ["Ip6OutForwDatagrams", "%llu forwarded", NUMBER],
  ["Ip6OutMcastPkts", "%llu outgoing multicast packets", OPT_NUMBER],
  ["Ip6OutNoRoutes", "%llu dropped because of missing route", OPT_NUMBER],
  ["Ip6OutRequests", "%llu requests sent out", NUMBER],
  ["Ip6ReasmFails", "%llu packet reassemblies failed", OPT_NUMBER],
  ["Ip6ReasmOKs", "%llu packets reassembled ok", OPT_NUMBER],
  ["Ip6ReasmReqds", "%llu reassemblies required", OPT_NUMBER],
  ["Ip6ReasmTimeout", "%llu fragments dropped after timeout", OPT_NUMBER],
];

const ICMP6: Table = [
  ["Icmp6InDestUnreachs", "destination unreachable: %llu", I_INP_ICMP | I_TITLE],
  ["Icmp6InEchoReplies", "echo replies: %llu", I_INP_ICMP | I_TITLE],
  ["Icmp6InEchos", "echo requests: %llu", I_INP_ICMP | I_TITLE],
  ["Icmp6InErrors", "%llu input ICMP message failed", NUMBER],
  ["Icmp6InGroupMembQueries", "group member queries: %llu", I_INP_ICMP | I_TITLE],
  ["Icmp6InGroupMembReductions", "group member reductions: %llu", I_INP_ICMP | I_TITLE],
  ["Icmp6InGroupMembResponses", "group member responses: %llu", I_INP_ICMP | I_TITLE],
  ["Icmp6InMsgs", "%llu ICMP messages received", NUMBER],
  ["Icmp6InNeighborAdvertisements", "neighbour advertisement: %llu", I_INP_ICMP | I_TITLE],
  ["Icmp6InNeighborSolicits", "neighbour solicits: %llu", I_INP_ICMP | I_TITLE],
  ["Icmp6InParmProblems", "parameter problem: %llu", I_INP_ICMP | I_TITLE],
  ["Icmp6InPktTooBigs", "packets too big: %llu", I_INP_ICMP | I_TITLE],
  ["Icmp6InRedirects", "redirects: %llu", I_INP_ICMP | I_TITLE],
  ["Icmp6InRouterAdvertisements", "router advertisement: %llu", I_INP_ICMP | I_TITLE],
  ["Icmp6InRouterSolicits", "router solicits: %llu", I_INP_ICMP | I_TITLE],
  ["Icmp6InTimeExcds", "received ICMPv6 time exceeded: %llu", I_INP_ICMP | I_TITLE],
  ["Icmp6OutDestUnreachs", "destination unreachable: %llu", I_OUTP_ICMP | I_TITLE],
  ["Icmp6OutEchoReplies", "echo replies: %llu", I_OUTP_ICMP | I_TITLE],
  ["Icmp6OutEchos", "echo requests: %llu", I_OUTP_ICMP | I_TITLE],
  ["Icmp6OutGroupMembQueries", "group member queries: %llu", I_OUTP_ICMP | I_TITLE],
  ["Icmp6OutGroupMembReductions", "group member reductions: %llu", I_OUTP_ICMP | I_TITLE],
  ["Icmp6OutGroupMembResponses", "group member responses: %llu", I_OUTP_ICMP | I_TITLE],
  ["Icmp6OutMsgs", "%llu ICMP messages sent", NUMBER],
  ["Icmp6OutNeighborAdvertisements", "neighbor advertisements: %llu", I_OUTP_ICMP | I_TITLE],
  ["Icmp6OutNeighborSolicits", "neighbor solicits: %llu", I_OUTP_ICMP | I_TITLE],
  ["Icmp6OutParmProblems", "parameter problem: %llu", I_OUTP_ICMP | I_TITLE],
  ["Icmp6OutPktTooBigs", "packets too big: %llu", I_OUTP_ICMP | I_TITLE],
  ["Icmp6OutRedirects", "redirects: %llu", I_OUTP_ICMP | I_TITLE],
  ["Icmp6OutRouterAdvertisements ", "router advertisement: %llu", I_OUTP_ICMP | I_TITLE],
  ["Icmp6OutRouterSolicits", "router solicits: %llu", I_OUTP_ICMP | I_TITLE],
  ["Icmp6OutTimeExcds", "sent ICMPv6 time exceeded: %llu", I_OUTP_ICMP | I_TITLE],
];

const UDP6: Table = [
  ["Udp6InDatagrams", "%llu packets received", NUMBER],
  ["Udp6InErrors", "%llu packet receive errors", NUMBER],
  ["Udp6NoPorts", "%llu packets to unknown port received", NUMBER],
  ["Udp6OutDatagrams", "%llu packets sent", NUMBER],
];

/** snmptabs[]: the sections of /proc/net/snmp, /proc/net/netstat and /proc/net/sctp/snmp. */
const SNMP_TABS: readonly TabTab[] = [
  { title: 'Ip', tab: IP, flag: 'raw' },
  { title: 'Icmp', tab: ICMP, flag: 'raw' },
  { title: 'Tcp', tab: TCP, flag: 'tcp' },
  { title: 'Udp', tab: UDP, flag: 'udp' },
  { title: 'Sctp', tab: SCTP, flag: 'sctp' },
  { title: 'TcpExt', tab: TCPEXT, flag: 'tcp' },
];

/** snmp6tabs[]: the sections of /proc/net/snmp6 (Tcp6 would use the Tcp table). */
const SNMP6_TABS: readonly TabTab[] = [
  { title: 'Ip6', tab: IP6, flag: 'raw' },
  { title: 'Icmp6', tab: ICMP6, flag: 'raw' },
  { title: 'Udp6', tab: UDP6, flag: 'udp' },
  { title: 'Tcp6', tab: TCP, flag: 'tcp' },
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
  private state = NUMBER;
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
      this.state = NUMBER;
      return known;
    }
    // dummytab: no entries, always shown, and the state stays as it was
    this.print(`${title}:\n`);
    return { title, tab: null, flag: 'unknown' };
  }

  printval(tab: TabTab, name: string, val: bigint): void {
    const ent = tab.tab ? bsearch(name, tab.tab) : undefined;
    if (!ent) {
      if (val) this.print(`${' '.repeat(INDENT[this.state]!)}${name}: ${val}\n`);
      return;
    }
    let type = ent[2];
    if (type & I_STATIC) return; // print_static is never set
    if (ent[1] === '') return;
    if (type & I_TITLE) {
      type &= ~I_TITLE;
      if (this.state !== type) this.print(`${' '.repeat(INDENT[this.state]!)}${STATE_TITLE[type]}\n`);
    }
    let buf = '';
    switch (type) {
      case OPT_NUMBER:
        if (val === 0n) break;
      // falls through
      case NUMBER:
        buf = ent[1].replace('%llu', val.toString());
        break;
      case I_FORWARD:
        type = NUMBER;
        buf = ent[1].replace('%s', val === 2n ? 'enabled' : 'disabled');
        break;
      case I_OUTP_ICMP:
      case I_INP_ICMP:
        if (val > 0n) buf = ent[1].replace('%llu', val.toString());
        break;
      case I_RTO_ALG:
        break;
    }
    if (buf) this.print(`${' '.repeat(INDENT[type]!)}${buf}\n`);
    this.state = type;
  }

  /** One section: its title, then each field while its protocol is selected. */
  section(tabs: readonly TabTab[], section: StatisticsSection): void {
    const tab = this.newtable(tabs, byteString(section.titleBytes));
    if (!this.shown(tab)) return;
    for (const field of section.fields) this.printval(tab, byteString(field.nameBytes), field.unsigned);
  }
}

/** What netstat calls each file in its messages, under the root actually read. */
function label(report: StatisticsFileReport): string {
  return report.path;
}

/** `perror("cannot open <path>")` and friends. */
function cannotOpen(report: StatisticsFileReport): string {
  return `cannot open ${label(report)}: ${report.message ?? report.error}\n`;
}

/**
 * Prints `netstat -s` (family inet: parsesnmp) or `netstat -s -6`
 * (family inet6: parsesnmp6) from one reading of the counters.
 */
export function printStatistics(stats: Statistics, flags: StatFlags, sink: StatSink): void {
  const p = new Printer(flags, sink);
  const file = (name: string) => stats.files.find((f) => f.file === name);
  const sectionsOf = (name: string) => stats.sections.filter((s) => s.file === name);
  const readError = (report: StatisticsFileReport) => {
    if (report.stage === 'read') p.err(`${label(report)}: ${report.message ?? report.error}\n`);
  };

  if (stats.family === 'inet6') {
    const snmp6 = file('snmp6');
    if (!snmp6 || snmp6.status === 'missing' || snmp6.stage === 'open') {
      if (snmp6) p.err(cannotOpen(snmp6));
      p.flush();
      return;
    }
    for (const section of sectionsOf('snmp6')) p.section(SNMP6_TABS, section);
    readError(snmp6);
    const snmp = file('snmp');
    if (!snmp || snmp.status === 'missing' || snmp.stage === 'open') {
      if (snmp) p.err(cannotOpen(snmp));
      p.flush();
      return;
    }
    // only the sections whose title begins with "Tcp" (the family already chose them);
    // a format error is not reported here
    for (const section of sectionsOf('snmp')) p.section(SNMP_TABS, section);
    readError(snmp);
    p.flush();
    return;
  }

  const snmp = file('snmp');
  if (!snmp || snmp.status === 'missing' || snmp.stage === 'open') {
    if (snmp) p.err(cannotOpen(snmp));
    p.flush();
    return;
  }
  for (const section of sectionsOf('snmp')) p.section(SNMP_TABS, section);
  if (snmp.formatErrorLine) p.err(`Problem while parsing ${label(snmp)}\n`);
  readError(snmp);

  const netstat = file('netstat');
  if (netstat && netstat.status !== 'missing' && netstat.stage !== 'open') {
    for (const section of sectionsOf('netstat')) p.section(SNMP_TABS, section);
    if (netstat.formatErrorLine) p.err(`Problem while parsing ${label(netstat)}\n`);
    readError(netstat);
  }

  const sctp = file('sctp/snmp');
  if (sctp && sctp.status !== 'missing' && sctp.stage !== 'open') {
    for (const section of sectionsOf('sctp/snmp')) p.section(SNMP_TABS, section);
    readError(sctp);
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
