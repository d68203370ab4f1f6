/**
 * What `ss -i` and `ss -m` show of an inet socket, as typed objects: the
 * kernel's tcp_info (with the congestion algorithm and its BBR, DCTCP or
 * Vegas info) and the socket's memory counters. They come from netlink only,
 * when the listing asks for them (`tcpInfo`, `memory` in SocketsOptions);
 * the packed record is the `details` section of scripts/wire-layout.mjs.
 * Units are in the names: `Ms` milliseconds, `BitsPerSecond` bits per second (as ss
 * prints rates), the rest counts or bytes. A field is null when the kernel
 * did not give it (an older kernel's shorter struct tcp_info).
 */
import { DETAILS_LEN, Details as D } from './wire-layout.js';
import { DetailsFields as F } from './wire-rows.js';
import type { WireView } from './wire.js';

/** The TCP options the connection negotiated (tcpi_options; ss -io shows them). */
export interface TcpOptions {
  /** Timestamps (ss: `ts`). */
  ts: boolean;
  sack: boolean;
  /** Window scaling (ss: `wscale:S,R`). */
  wscale: boolean;
  ecn: boolean;
  ecnSeen: boolean;
  /** The SYN carried data (TCP Fast Open; ss: `fastopen`). */
  fastopen: boolean;
}

/** BBR's view of the path (INET_DIAG_BBRINFO). */
export interface BbrInfo {
  /** The bandwidth estimate, bits per second. */
  bandwidthBitsPerSecond: number;
  minRttMs: number;
  /** 1.0 is the base rate (the kernel's fixed point / 256). */
  pacingGain: number;
  cwndGain: number;
}

/** DCTCP's state (INET_DIAG_DCTCPINFO); `enabled` false is ss's `dctcp:fallback_mode`. */
export interface DctcpInfo {
  enabled: boolean;
  ceState: number;
  alpha: number;
  abEcn: number;
  abTot: number;
}

/** Vegas' (and Westwood's) RTT view (INET_DIAG_VEGASINFO). */
export interface VegasInfo {
  enabled: boolean;
  rttCount: number;
  rttMs: number;
  minRttMs: number;
}

/** A tcp socket's struct tcp_info and congestion control, in ss -i's terms. */
export interface TcpInfo {
  /** The congestion control algorithm (cubic, reno, bbr, ...). */
  congestion: string | null;
  /** The kernel's state number (TCP_STATES) and congestion state (0 Open, 1 Disorder, 2 CWR, 3 Recovery, 4 Loss). */
  state: number | null;
  caState: number | null;
  options: TcpOptions | null;
  /** Window scale shifts (null without the window-scale option). */
  sndWscale: number | null;
  rcvWscale: number | null;
  rtoMs: number | null;
  /** Retransmission timeouts in a row (tcpi_backoff). */
  backoff: number | null;
  rttMs: number | null;
  rttVarMs: number | null;
  atoMs: number | null;
  minRttMs: number | null;
  /** The receiver's RTT estimate (ss: rcv_rtt). */
  rcvRttMs: number | null;
  /** Send MSS (ss: mss), advertised MSS, receive MSS estimate. */
  mss: number | null;
  advMss: number | null;
  rcvMss: number | null;
  pmtu: number | null;
  cwnd: number | null;
  /** Slow-start threshold (0x7fffffff: not yet set, as the kernel says it). */
  ssthresh: number | null;
  rcvSsthresh: number | null;
  rcvSpace: number | null;
  /** The peer's advertised window after scaling, bytes. */
  sndWnd: number | null;
  /** Segments retransmitted and not yet acked (ss: retrans's first number). */
  retransmits: number | null;
  /** All retransmissions of the connection (ss: retrans's second number). */
  totalRetransmits: number | null;
  /** Retransmission timeouts not yet recovered from (tcpi_retransmits). */
  unrecoveredTimeouts: number | null;
  /** Zero-window probes unanswered. */
  probes: number | null;
  unacked: number | null;
  sacked: number | null;
  lost: number | null;
  fackets: number | null;
  reordering: number | null;
  reordSeen: number | null;
  dsackDups: number | null;
  rcvOooPack: number | null;
  bytesSent: number | null;
  bytesAcked: number | null;
  bytesReceived: number | null;
  bytesRetransmitted: number | null;
  segsOut: number | null;
  segsIn: number | null;
  dataSegsOut: number | null;
  dataSegsIn: number | null;
  delivered: number | null;
  deliveredCe: number | null;
  /** Bytes written but not yet sent. */
  notsentBytes: number | null;
  /** ss's `send`: cwnd * mss * 8 / rtt, bits per second (null without an rtt). */
  sendBitsPerSecond: number | null;
  /** null when not paced (the kernel's ~0). */
  pacingRateBitsPerSecond: number | null;
  maxPacingRateBitsPerSecond: number | null;
  deliveryRateBitsPerSecond: number | null;
  /** The delivery rate was limited by the application, not the network. */
  appLimited: boolean | null;
  busyTimeMs: number | null;
  rwndLimitedMs: number | null;
  sndbufLimitedMs: number | null;
  /** Milliseconds since the last data sent, data received, ack received. */
  lastSendMs: number | null;
  lastReceiveMs: number | null;
  lastAckMs: number | null;
  bbr: BbrInfo | null;
  dctcp: DctcpInfo | null;
  vegas: VegasInfo | null;
}

/**
 * A socket's memory (ss -m's skmem, bytes except `drops`). Without skmem
 * (older kernels) only receiveQueued, writeQueued, forwardAlloc and
 * sendQueued (INET_DIAG_MEMINFO's r, w, f, t); the others null.
 */
export interface SocketMemory {
  /** r: bytes queued for reading (sk_rmem_alloc). */
  receiveQueued: number | null;
  /** rb: the receive buffer's size (SO_RCVBUF). */
  receiveBuffer: number | null;
  /** t: bytes sent but not yet freed (sk_wmem_alloc). */
  sendQueued: number | null;
  /** tb: the send buffer's size (SO_SNDBUF). */
  sendBuffer: number | null;
  /** f: memory reserved ahead (sk_forward_alloc). */
  forwardAlloc: number | null;
  /** w: bytes queued for sending (sk_wmem_queued). */
  writeQueued: number | null;
  /** o: option memory (sk_omem_alloc). */
  optionMemory: number | null;
  /** bl: the backlog queue's length. */
  backlog: number | null;
  /** d: packets dropped. */
  drops: number | null;
}

/** Which details a listing asked for (bit 1: tcpInfo, bit 2: memory): rows then show them, null when absent. */
export const ASKED_TCP_INFO = 1;
export const ASKED_MEMORY = 2;

const utf8 = new TextDecoder('utf-8');
const ms = (us: number | null): number | null => (us === null ? null : us / 1000);
const bps = (bytesPerSecond: number | null): number | null => (bytesPerSecond === null ? null : bytesPerSecond * 8);

/** Where row `index`'s details record starts, or -1 when it has none. */
export function detailsAt(wire: WireView, index: number | null): number {
  return index === null ? -1 : wire.detailsAt + index * DETAILS_LEN;
}

/** The congestion algorithm's name of the record at `at` (decoded once per buffer and name). */
export function congestionAt(wire: WireView, at: number): string | null {
  const offset = F.congestionOffset(wire.view, at);
  if (offset === 0xffff_ffff) return null;
  let name = wire.congestionNames.get(offset);
  if (name === undefined) {
    name = utf8.decode(wire.string(offset, F.congestionLength(wire.view, at)));
    wire.congestionNames.set(offset, name);
  }
  return name;
}

/** TCPI_OPT_* bits. */
const OPT_TS = 1;
const OPT_SACK = 2;
const OPT_WSCALE = 4;
const OPT_ECN = 8;
const OPT_ECN_SEEN = 16;
const OPT_SYN_DATA = 32;

/** A TcpInfo with every field null, in the order toJSON() gives them: the object fillTcpInfo fills. */
export function emptyTcpInfo(): TcpInfo {
  return {
    congestion: null, state: null, caState: null, options: null, sndWscale: null, rcvWscale: null, rtoMs: null,
    backoff: null, rttMs: null, rttVarMs: null, atoMs: null, minRttMs: null, rcvRttMs: null, mss: null, advMss: null,
    rcvMss: null, pmtu: null, cwnd: null, ssthresh: null, rcvSsthresh: null, rcvSpace: null, sndWnd: null,
    retransmits: null, totalRetransmits: null, unrecoveredTimeouts: null, probes: null, unacked: null, sacked: null,
    lost: null, fackets: null, reordering: null, reordSeen: null, dsackDups: null, rcvOooPack: null, bytesSent: null,
    bytesAcked: null, bytesReceived: null, bytesRetransmitted: null, segsOut: null, segsIn: null, dataSegsOut: null,
    dataSegsIn: null, delivered: null, deliveredCe: null, notsentBytes: null, sendBitsPerSecond: null, pacingRateBitsPerSecond: null,
    maxPacingRateBitsPerSecond: null, deliveryRateBitsPerSecond: null, appLimited: null, busyTimeMs: null, rwndLimitedMs: null,
    sndbufLimitedMs: null, lastSendMs: null, lastReceiveMs: null, lastAckMs: null, bbr: null, dctcp: null, vegas: null,
  };
}

/**
 * Every field of the record at `at` into `into` (its nested objects reused
 * when there), in one pass of plain reads: what toJSON() gives, and what a
 * loop over many rows reads (InetSockets.tcpInfoInto) without a view or an
 * object per row.
 */
export function fillTcpInfo(wire: WireView, at: number, into: TcpInfo): TcpInfo {
  const v = wire.view;
  const o = F.options(v, at);
  into.congestion = congestionAt(wire, at);
  into.state = F.state(v, at);
  into.caState = F.caState(v, at);
  if (o === null) into.options = null;
  else {
    const options = into.options ?? ({} as TcpOptions);
    options.ts = (o & OPT_TS) !== 0;
    options.sack = (o & OPT_SACK) !== 0;
    options.wscale = (o & OPT_WSCALE) !== 0;
    options.ecn = (o & OPT_ECN) !== 0;
    options.ecnSeen = (o & OPT_ECN_SEEN) !== 0;
    options.fastopen = (o & OPT_SYN_DATA) !== 0;
    into.options = options;
  }
  const wscale = o !== null && (o & OPT_WSCALE) !== 0;
  into.sndWscale = wscale ? F.sndWscale(v, at) : null;
  into.rcvWscale = wscale ? F.rcvWscale(v, at) : null;
  into.rtoMs = ms(F.rto(v, at));
  into.backoff = F.backoff(v, at);
  const rtt = F.rtt(v, at);
  into.rttMs = ms(rtt);
  into.rttVarMs = ms(F.rttvar(v, at));
  into.atoMs = ms(F.ato(v, at));
  into.minRttMs = ms(F.minRtt(v, at));
  into.rcvRttMs = ms(F.rcvRtt(v, at));
  const mss = F.sndMss(v, at);
  into.mss = mss;
  into.advMss = F.advmss(v, at);
  into.rcvMss = F.rcvMss(v, at);
  into.pmtu = F.pmtu(v, at);
  const cwnd = F.sndCwnd(v, at);
  into.cwnd = cwnd;
  into.ssthresh = F.sndSsthresh(v, at);
  into.rcvSsthresh = F.rcvSsthresh(v, at);
  into.rcvSpace = F.rcvSpace(v, at);
  into.sndWnd = F.sndWnd(v, at);
  into.retransmits = F.retrans(v, at);
  into.totalRetransmits = F.totalRetrans(v, at);
  into.unrecoveredTimeouts = F.retransmits(v, at);
  into.probes = F.probes(v, at);
  into.unacked = F.unacked(v, at);
  into.sacked = F.sacked(v, at);
  into.lost = F.lost(v, at);
  into.fackets = F.fackets(v, at);
  into.reordering = F.reordering(v, at);
  into.reordSeen = F.reordSeen(v, at);
  into.dsackDups = F.dsackDups(v, at);
  into.rcvOooPack = F.rcvOoopack(v, at);
  into.bytesSent = F.bytesSent(v, at);
  into.bytesAcked = F.bytesAcked(v, at);
  into.bytesReceived = F.bytesReceived(v, at);
  into.bytesRetransmitted = F.bytesRetrans(v, at);
  into.segsOut = F.segsOut(v, at);
  into.segsIn = F.segsIn(v, at);
  into.dataSegsOut = F.dataSegsOut(v, at);
  into.dataSegsIn = F.dataSegsIn(v, at);
  into.delivered = F.delivered(v, at);
  into.deliveredCe = F.deliveredCe(v, at);
  into.notsentBytes = F.notsentBytes(v, at);
  // ss's send rate: cwnd * mss * 8 / rtt, with Vegas's own rtt when it has a good one
  const vegasEnabled = F.vegasEnabled(v, at);
  const vegasRtt = vegasEnabled ? F.vegasRtt(v, at) : null;
  const sendRtt = vegasRtt && vegasRtt !== 0x7fff_ffff ? vegasRtt : rtt;
  into.sendBitsPerSecond = sendRtt && mss && cwnd ? (cwnd * mss * 8000000) / sendRtt : null;
  into.pacingRateBitsPerSecond = bps(F.pacingRate(v, at));
  into.maxPacingRateBitsPerSecond = bps(F.maxPacingRate(v, at));
  into.deliveryRateBitsPerSecond = bps(F.deliveryRate(v, at));
  const appLimited = F.appLimited(v, at);
  into.appLimited = appLimited === null ? null : appLimited !== 0;
  into.busyTimeMs = ms(F.busyTime(v, at));
  into.rwndLimitedMs = ms(F.rwndLimited(v, at));
  into.sndbufLimitedMs = ms(F.sndbufLimited(v, at));
  into.lastSendMs = F.lastDataSent(v, at);
  into.lastReceiveMs = F.lastDataRecv(v, at);
  into.lastAckMs = F.lastAckRecv(v, at);
  const bandwidth = F.bbrBandwidth(v, at);
  if (bandwidth === null) into.bbr = null;
  else {
    const bbr = into.bbr ?? ({} as BbrInfo);
    bbr.bandwidthBitsPerSecond = bandwidth * 8;
    bbr.minRttMs = (F.bbrMinRtt(v, at) ?? 0) / 1000;
    bbr.pacingGain = (F.bbrPacingGain(v, at) ?? 0) / 256;
    bbr.cwndGain = (F.bbrCwndGain(v, at) ?? 0) / 256;
    into.bbr = bbr;
  }
  const dctcpEnabled = F.dctcpEnabled(v, at);
  if (dctcpEnabled === null) into.dctcp = null;
  else {
    const dctcp = into.dctcp ?? ({} as DctcpInfo);
    dctcp.enabled = dctcpEnabled !== 0;
    dctcp.ceState = v.getUint16(at + D.dctcpCeState, true);
    dctcp.alpha = F.dctcpAlpha(v, at) ?? 0;
    dctcp.abEcn = F.dctcpAbEcn(v, at) ?? 0;
    dctcp.abTot = F.dctcpAbTot(v, at) ?? 0;
    into.dctcp = dctcp;
  }
  if (vegasEnabled === null) into.vegas = null;
  else {
    const vegas = into.vegas ?? ({} as VegasInfo);
    vegas.enabled = vegasEnabled !== 0;
    vegas.rttCount = F.vegasRttCount(v, at) ?? 0;
    vegas.rttMs = (F.vegasRtt(v, at) ?? 0) / 1000;
    vegas.minRttMs = (F.vegasMinRtt(v, at) ?? 0) / 1000;
    into.vegas = vegas;
  }
  return into;
}

/** The tcp_info of the record at `at` as a plain object (null when the kernel gave neither tcp_info nor a congestion name). */
export function readTcpInfo(wire: WireView, at: number): TcpInfo | null {
  return hasTcpInfo(wire, at) ? fillTcpInfo(wire, at, emptyTcpInfo()) : null;
}

/** Whether the record at `at` holds a tcp_info or a congestion name. */
export function hasTcpInfo(wire: WireView, at: number): boolean {
  return F.tcpInfoLength(wire.view, at) !== 0 || F.congestionOffset(wire.view, at) !== 0xffff_ffff;
}

/** The memory counters of the record at `at` (null when the kernel gave none). */
export function readMemory(wire: WireView, at: number): SocketMemory | null {
  const v = wire.view;
  if (F.hasMemory(v, at) === 0) return null;
  return {
    receiveQueued: F.receiveQueued(v, at),
    receiveBuffer: F.receiveBuffer(v, at),
    sendQueued: F.sendQueued(v, at),
    sendBuffer: F.sendBuffer(v, at),
    forwardAlloc: F.forwardAlloc(v, at),
    writeQueued: F.writeQueued(v, at),
    optionMemory: F.optionMemory(v, at),
    backlog: F.backlog(v, at),
    drops: F.drops(v, at),
  };
}
