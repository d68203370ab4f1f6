/**
 * What `ss -i` and `ss -m` show of an inet socket, as typed objects: the
 * kernel's tcp_info (with the congestion algorithm and its BBR, DCTCP or
 * Vegas info) and the socket's memory counters. They come from netlink only,
 * when the listing asks for them (`tcpInfo`, `memory` in SocketsOptions);
 * the packed record is the `details` section of scripts/wire-layout.mjs.
 * Units are in the names: `Ms` milliseconds, `Bps` bits per second (as ss
 * prints rates), the rest counts or bytes. A field is null when the kernel
 * did not give it (an older kernel's shorter struct tcp_info).
 */
import { DETAILS_LEN, Details as D } from './wire-layout.js';
import { DetailsFields as F } from './wire-rows.js';
import { inspect, type InspectOptionsStylized } from 'node:util';
import { nested, type WireView } from './wire.js';

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
  bandwidthBps: number;
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
  sendBps: number | null;
  /** null when not paced (the kernel's ~0). */
  pacingRateBps: number | null;
  maxPacingRateBps: number | null;
  deliveryRateBps: number | null;
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
  const offset = wire.view.getUint32(at + D.congestionOffset, true);
  if (offset === 0xffff_ffff) return null;
  let name = wire.congestionNames.get(offset);
  if (name === undefined) {
    name = utf8.decode(wire.string(offset, wire.view.getUint32(at + D.congestionLength, true)));
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

/**
 * A tcp socket's tcp_info, read from the packed record on access (like the
 * rows themselves): a listing of many sockets makes no object per field.
 * `toJSON()` gives the plain {@link TcpInfo} object.
 */
export class TcpInfoView implements TcpInfo {
  /** @internal */
  constructor(
    private readonly wire: WireView,
    private readonly at: number,
  ) {}

  get congestion(): string | null {
    return congestionAt(this.wire, this.at);
  }
  get state(): number | null {
    return F.state(this.wire.view, this.at);
  }
  get caState(): number | null {
    return F.caState(this.wire.view, this.at);
  }
  /** The raw tcpi_options bits (null when absent). */
  get optionBits(): number | null {
    return F.options(this.wire.view, this.at);
  }
  get options(): TcpOptions | null {
    const o = this.optionBits;
    if (o === null) return null;
    return {
      ts: (o & OPT_TS) !== 0,
      sack: (o & OPT_SACK) !== 0,
      wscale: (o & OPT_WSCALE) !== 0,
      ecn: (o & OPT_ECN) !== 0,
      ecnSeen: (o & OPT_ECN_SEEN) !== 0,
      fastopen: (o & OPT_SYN_DATA) !== 0,
    };
  }
  get sndWscale(): number | null {
    return ((this.optionBits ?? 0) & OPT_WSCALE) !== 0 ? F.sndWscale(this.wire.view, this.at) : null;
  }
  get rcvWscale(): number | null {
    return ((this.optionBits ?? 0) & OPT_WSCALE) !== 0 ? F.rcvWscale(this.wire.view, this.at) : null;
  }
  get rtoMs(): number | null {
    return ms(F.rto(this.wire.view, this.at));
  }
  get backoff(): number | null {
    return F.backoff(this.wire.view, this.at);
  }
  get rttMs(): number | null {
    return ms(F.rtt(this.wire.view, this.at));
  }
  get rttVarMs(): number | null {
    return ms(F.rttvar(this.wire.view, this.at));
  }
  get atoMs(): number | null {
    return ms(F.ato(this.wire.view, this.at));
  }
  get minRttMs(): number | null {
    return ms(F.minRtt(this.wire.view, this.at));
  }
  get rcvRttMs(): number | null {
    return ms(F.rcvRtt(this.wire.view, this.at));
  }
  get mss(): number | null {
    return F.sndMss(this.wire.view, this.at);
  }
  get advMss(): number | null {
    return F.advmss(this.wire.view, this.at);
  }
  get rcvMss(): number | null {
    return F.rcvMss(this.wire.view, this.at);
  }
  get pmtu(): number | null {
    return F.pmtu(this.wire.view, this.at);
  }
  get cwnd(): number | null {
    return F.sndCwnd(this.wire.view, this.at);
  }
  get ssthresh(): number | null {
    return F.sndSsthresh(this.wire.view, this.at);
  }
  get rcvSsthresh(): number | null {
    return F.rcvSsthresh(this.wire.view, this.at);
  }
  get rcvSpace(): number | null {
    return F.rcvSpace(this.wire.view, this.at);
  }
  get sndWnd(): number | null {
    return F.sndWnd(this.wire.view, this.at);
  }
  get retransmits(): number | null {
    return F.retrans(this.wire.view, this.at);
  }
  get totalRetransmits(): number | null {
    return F.totalRetrans(this.wire.view, this.at);
  }
  get unrecoveredTimeouts(): number | null {
    return F.retransmits(this.wire.view, this.at);
  }
  get probes(): number | null {
    return F.probes(this.wire.view, this.at);
  }
  get unacked(): number | null {
    return F.unacked(this.wire.view, this.at);
  }
  get sacked(): number | null {
    return F.sacked(this.wire.view, this.at);
  }
  get lost(): number | null {
    return F.lost(this.wire.view, this.at);
  }
  get fackets(): number | null {
    return F.fackets(this.wire.view, this.at);
  }
  get reordering(): number | null {
    return F.reordering(this.wire.view, this.at);
  }
  get reordSeen(): number | null {
    return F.reordSeen(this.wire.view, this.at);
  }
  get dsackDups(): number | null {
    return F.dsackDups(this.wire.view, this.at);
  }
  get rcvOooPack(): number | null {
    return F.rcvOoopack(this.wire.view, this.at);
  }
  get bytesSent(): number | null {
    return F.bytesSent(this.wire.view, this.at);
  }
  get bytesAcked(): number | null {
    return F.bytesAcked(this.wire.view, this.at);
  }
  get bytesReceived(): number | null {
    return F.bytesReceived(this.wire.view, this.at);
  }
  get bytesRetransmitted(): number | null {
    return F.bytesRetrans(this.wire.view, this.at);
  }
  get segsOut(): number | null {
    return F.segsOut(this.wire.view, this.at);
  }
  get segsIn(): number | null {
    return F.segsIn(this.wire.view, this.at);
  }
  get dataSegsOut(): number | null {
    return F.dataSegsOut(this.wire.view, this.at);
  }
  get dataSegsIn(): number | null {
    return F.dataSegsIn(this.wire.view, this.at);
  }
  get delivered(): number | null {
    return F.delivered(this.wire.view, this.at);
  }
  get deliveredCe(): number | null {
    return F.deliveredCe(this.wire.view, this.at);
  }
  get notsentBytes(): number | null {
    return F.notsentBytes(this.wire.view, this.at);
  }
  get sendBps(): number | null {
    const v = this.wire.view;
    const at = this.at;
    const mss = F.sndMss(v, at);
    const cwnd = F.sndCwnd(v, at);
    // ss's rule: Vegas's own rtt when it has a good one
    const vegasRtt = F.vegasEnabled(v, at) ? F.vegasRtt(v, at) : null;
    const rtt = vegasRtt && vegasRtt !== 0x7fff_ffff ? vegasRtt : F.rtt(v, at);
    return rtt && mss && cwnd ? (cwnd * mss * 8000000) / rtt : null;
  }
  get pacingRateBps(): number | null {
    return bps(F.pacingRate(this.wire.view, this.at));
  }
  get maxPacingRateBps(): number | null {
    return bps(F.maxPacingRate(this.wire.view, this.at));
  }
  get deliveryRateBps(): number | null {
    return bps(F.deliveryRate(this.wire.view, this.at));
  }
  get appLimited(): boolean | null {
    const v = F.appLimited(this.wire.view, this.at);
    return v === null ? null : v !== 0;
  }
  get busyTimeMs(): number | null {
    return ms(F.busyTime(this.wire.view, this.at));
  }
  get rwndLimitedMs(): number | null {
    return ms(F.rwndLimited(this.wire.view, this.at));
  }
  get sndbufLimitedMs(): number | null {
    return ms(F.sndbufLimited(this.wire.view, this.at));
  }
  get lastSendMs(): number | null {
    return F.lastDataSent(this.wire.view, this.at);
  }
  get lastReceiveMs(): number | null {
    return F.lastDataRecv(this.wire.view, this.at);
  }
  get lastAckMs(): number | null {
    return F.lastAckRecv(this.wire.view, this.at);
  }
  get bbr(): BbrInfo | null {
    const v = this.wire.view;
    const at = this.at;
    const bandwidth = F.bbrBandwidth(v, at);
    if (bandwidth === null) return null;
    return {
      bandwidthBps: bandwidth * 8,
      minRttMs: (F.bbrMinRtt(v, at) ?? 0) / 1000,
      pacingGain: (F.bbrPacingGain(v, at) ?? 0) / 256,
      cwndGain: (F.bbrCwndGain(v, at) ?? 0) / 256,
    };
  }
  get dctcp(): DctcpInfo | null {
    const v = this.wire.view;
    const at = this.at;
    const enabled = F.dctcpEnabled(v, at);
    if (enabled === null) return null;
    return {
      enabled: enabled !== 0,
      ceState: F.dctcpCeState(v, at) ?? 0,
      alpha: F.dctcpAlpha(v, at) ?? 0,
      abEcn: F.dctcpAbEcn(v, at) ?? 0,
      abTot: F.dctcpAbTot(v, at) ?? 0,
    };
  }
  get vegas(): VegasInfo | null {
    const v = this.wire.view;
    const at = this.at;
    const enabled = F.vegasEnabled(v, at);
    if (enabled === null) return null;
    return {
      enabled: enabled !== 0,
      rttCount: F.vegasRttCount(v, at) ?? 0,
      rttMs: (F.vegasRtt(v, at) ?? 0) / 1000,
      minRttMs: (F.vegasMinRtt(v, at) ?? 0) / 1000,
    };
  }

  /** The plain object (what JSON shows). */
  toJSON(): TcpInfo {
    return fillTcpInfo(this.wire, this.at, emptyTcpInfo());
  }

  /** Printed by console.log / util.inspect as its fields. */
  [inspect.custom](_depth: number, options: InspectOptionsStylized, show: typeof inspect): string {
    return `${this.constructor.name} ${show(this.toJSON(), nested(options))}`;
  }
}

/** A TcpInfo with every field null, in the order toJSON() gives them: the object fillTcpInfo fills. */
export function emptyTcpInfo(): TcpInfo {
  return {
    congestion: null, state: null, caState: null, options: null, sndWscale: null, rcvWscale: null, rtoMs: null,
    backoff: null, rttMs: null, rttVarMs: null, atoMs: null, minRttMs: null, rcvRttMs: null, mss: null, advMss: null,
    rcvMss: null, pmtu: null, cwnd: null, ssthresh: null, rcvSsthresh: null, rcvSpace: null, sndWnd: null,
    retransmits: null, totalRetransmits: null, unrecoveredTimeouts: null, probes: null, unacked: null, sacked: null,
    lost: null, fackets: null, reordering: null, reordSeen: null, dsackDups: null, rcvOooPack: null, bytesSent: null,
    bytesAcked: null, bytesReceived: null, bytesRetransmitted: null, segsOut: null, segsIn: null, dataSegsOut: null,
    dataSegsIn: null, delivered: null, deliveredCe: null, notsentBytes: null, sendBps: null, pacingRateBps: null,
    maxPacingRateBps: null, deliveryRateBps: null, appLimited: null, busyTimeMs: null, rwndLimitedMs: null,
    sndbufLimitedMs: null, lastSendMs: null, lastReceiveMs: null, lastAckMs: null, bbr: null, dctcp: null, vegas: null,
  };
}

/** Absent (all ones) as null, in one place per width. */
const n8 = (v: DataView, at: number): number | null => {
  const x = v.getUint8(at);
  return x === 0xff ? null : x;
};
const n32 = (v: DataView, at: number): number | null => {
  const x = v.getUint32(at, true);
  return x === 0xffff_ffff ? null : x;
};
const n64 = (v: DataView, at: number): number | null => {
  const lo = v.getUint32(at, true);
  const hi = v.getUint32(at + 4, true);
  return (lo & hi) === -1 ? null : hi * 4294967296 + lo;
};

/**
 * Every field of the record at `at` into `into` (its nested objects reused
 * when there), in one pass of plain reads: what toJSON() gives, and what a
 * loop over many rows reads (InetSockets.tcpInfoInto) without a view or an
 * object per row.
 */
export function fillTcpInfo(wire: WireView, at: number, into: TcpInfo): TcpInfo {
  const v = wire.view;
  const o = n8(v, at + D.options);
  into.congestion = congestionAt(wire, at);
  into.state = n8(v, at + D.state);
  into.caState = n8(v, at + D.caState);
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
  into.sndWscale = wscale ? n8(v, at + D.sndWscale) : null;
  into.rcvWscale = wscale ? n8(v, at + D.rcvWscale) : null;
  let x = n32(v, at + D.rto);
  into.rtoMs = x === null ? null : x / 1000;
  into.backoff = n8(v, at + D.backoff);
  const rtt = n32(v, at + D.rtt);
  into.rttMs = rtt === null ? null : rtt / 1000;
  x = n32(v, at + D.rttvar);
  into.rttVarMs = x === null ? null : x / 1000;
  x = n32(v, at + D.ato);
  into.atoMs = x === null ? null : x / 1000;
  x = n32(v, at + D.minRtt);
  into.minRttMs = x === null ? null : x / 1000;
  x = n32(v, at + D.rcvRtt);
  into.rcvRttMs = x === null ? null : x / 1000;
  const mss = n32(v, at + D.sndMss);
  into.mss = mss;
  into.advMss = n32(v, at + D.advmss);
  into.rcvMss = n32(v, at + D.rcvMss);
  into.pmtu = n32(v, at + D.pmtu);
  const cwnd = n32(v, at + D.sndCwnd);
  into.cwnd = cwnd;
  into.ssthresh = n32(v, at + D.sndSsthresh);
  into.rcvSsthresh = n32(v, at + D.rcvSsthresh);
  into.rcvSpace = n32(v, at + D.rcvSpace);
  into.sndWnd = n32(v, at + D.sndWnd);
  into.retransmits = n32(v, at + D.retrans);
  into.totalRetransmits = n32(v, at + D.totalRetrans);
  into.unrecoveredTimeouts = n8(v, at + D.retransmits);
  into.probes = n8(v, at + D.probes);
  into.unacked = n32(v, at + D.unacked);
  into.sacked = n32(v, at + D.sacked);
  into.lost = n32(v, at + D.lost);
  into.fackets = n32(v, at + D.fackets);
  into.reordering = n32(v, at + D.reordering);
  into.reordSeen = n32(v, at + D.reordSeen);
  into.dsackDups = n32(v, at + D.dsackDups);
  into.rcvOooPack = n32(v, at + D.rcvOoopack);
  into.bytesSent = n64(v, at + D.bytesSent);
  into.bytesAcked = n64(v, at + D.bytesAcked);
  into.bytesReceived = n64(v, at + D.bytesReceived);
  into.bytesRetransmitted = n64(v, at + D.bytesRetrans);
  into.segsOut = n32(v, at + D.segsOut);
  into.segsIn = n32(v, at + D.segsIn);
  into.dataSegsOut = n32(v, at + D.dataSegsOut);
  into.dataSegsIn = n32(v, at + D.dataSegsIn);
  into.delivered = n32(v, at + D.delivered);
  into.deliveredCe = n32(v, at + D.deliveredCe);
  into.notsentBytes = n32(v, at + D.notsentBytes);
  // ss's send rate: cwnd * mss * 8 / rtt, with Vegas's own rtt when it has a good one
  const vegasEnabled = n32(v, at + D.vegasEnabled);
  const vegasRtt = vegasEnabled ? n32(v, at + D.vegasRtt) : null;
  const sendRtt = vegasRtt && vegasRtt !== 0x7fff_ffff ? vegasRtt : rtt;
  into.sendBps = sendRtt && mss && cwnd ? (cwnd * mss * 8000000) / sendRtt : null;
  x = n64(v, at + D.pacingRate);
  into.pacingRateBps = x === null ? null : x * 8;
  x = n64(v, at + D.maxPacingRate);
  into.maxPacingRateBps = x === null ? null : x * 8;
  x = n64(v, at + D.deliveryRate);
  into.deliveryRateBps = x === null ? null : x * 8;
  x = n8(v, at + D.appLimited);
  into.appLimited = x === null ? null : x !== 0;
  x = n64(v, at + D.busyTime);
  into.busyTimeMs = x === null ? null : x / 1000;
  x = n64(v, at + D.rwndLimited);
  into.rwndLimitedMs = x === null ? null : x / 1000;
  x = n64(v, at + D.sndbufLimited);
  into.sndbufLimitedMs = x === null ? null : x / 1000;
  into.lastSendMs = n32(v, at + D.lastDataSent);
  into.lastReceiveMs = n32(v, at + D.lastDataRecv);
  into.lastAckMs = n32(v, at + D.lastAckRecv);
  const bandwidth = n64(v, at + D.bbrBandwidth);
  if (bandwidth === null) into.bbr = null;
  else {
    const bbr = into.bbr ?? ({} as BbrInfo);
    bbr.bandwidthBps = bandwidth * 8;
    bbr.minRttMs = (n32(v, at + D.bbrMinRtt) ?? 0) / 1000;
    bbr.pacingGain = (n32(v, at + D.bbrPacingGain) ?? 0) / 256;
    bbr.cwndGain = (n32(v, at + D.bbrCwndGain) ?? 0) / 256;
    into.bbr = bbr;
  }
  const dctcpEnabled = v.getUint16(at + D.dctcpEnabled, true);
  if (dctcpEnabled === 0xffff) into.dctcp = null;
  else {
    const dctcp = into.dctcp ?? ({} as DctcpInfo);
    dctcp.enabled = dctcpEnabled !== 0;
    dctcp.ceState = v.getUint16(at + D.dctcpCeState, true);
    dctcp.alpha = n32(v, at + D.dctcpAlpha) ?? 0;
    dctcp.abEcn = n32(v, at + D.dctcpAbEcn) ?? 0;
    dctcp.abTot = n32(v, at + D.dctcpAbTot) ?? 0;
    into.dctcp = dctcp;
  }
  if (vegasEnabled === null) into.vegas = null;
  else {
    const vegas = into.vegas ?? ({} as VegasInfo);
    vegas.enabled = vegasEnabled !== 0;
    vegas.rttCount = n32(v, at + D.vegasRttCount) ?? 0;
    vegas.rttMs = (n32(v, at + D.vegasRtt) ?? 0) / 1000;
    vegas.minRttMs = (n32(v, at + D.vegasMinRtt) ?? 0) / 1000;
    into.vegas = vegas;
  }
  return into;
}

/**
 * The tcp_info of the record at `at`, read on access (null when the kernel
 * gave neither tcp_info nor a congestion name).
 */
export function readTcpInfo(wire: WireView, at: number): TcpInfoView | null {
  return hasTcpInfo(wire, at) ? new TcpInfoView(wire, at) : null;
}

/** Whether the record at `at` holds a tcp_info or a congestion name. */
export function hasTcpInfo(wire: WireView, at: number): boolean {
  return F.tcpInfoLength(wire.view, at) !== 0 || wire.view.getUint32(at + D.congestionOffset, true) !== 0xffff_ffff;
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
