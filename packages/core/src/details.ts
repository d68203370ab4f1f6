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
import { DETAILS_LEN, Details as DETAILS_OFFSETS } from './wire-layout.js';
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
  const offset = wire.view.getUint32(at + DETAILS_OFFSETS.congestionOffset, true);
  if (offset === 0xffff_ffff) return null;
  let name = wire.congestionNames.get(offset);
  if (name === undefined) {
    name = utf8.decode(wire.string(offset, wire.view.getUint32(at + DETAILS_OFFSETS.congestionLength, true)));
    wire.congestionNames.set(offset, name);
  }
  return name;
}

/** The tcp_info of the record at `at` (null when the kernel gave neither tcp_info nor a congestion name). */
export function readTcpInfo(wire: WireView, at: number): TcpInfo | null {
  const v = wire.view;
  const length = F.tcpInfoLength(v, at);
  const congestion = congestionAt(wire, at);
  if (length === 0 && congestion === null) return null;
  const options = F.options(v, at);
  const hasWscale = options !== null && (options & 4) !== 0;
  const rtt = F.rtt(v, at);
  const mss = F.sndMss(v, at);
  const cwnd = F.sndCwnd(v, at);
  const vegasEnabled = F.vegasEnabled(v, at);
  const vegasRtt = F.vegasRtt(v, at);
  // ss's rule: Vegas's own rtt when it has a good one
  const sendRtt = vegasEnabled && vegasRtt && vegasRtt !== 0x7fff_ffff ? vegasRtt : rtt;
  const appLimited = F.appLimited(v, at);
  const bbrBandwidth = F.bbrBandwidth(v, at);
  const dctcpEnabled = F.dctcpEnabled(v, at);
  return {
    congestion,
    state: F.state(v, at),
    caState: F.caState(v, at),
    options:
      options === null
        ? null
        : {
            ts: (options & 1) !== 0,
            sack: (options & 2) !== 0,
            wscale: hasWscale,
            ecn: (options & 8) !== 0,
            ecnSeen: (options & 16) !== 0,
            fastopen: (options & 32) !== 0,
          },
    sndWscale: hasWscale ? F.sndWscale(v, at) : null,
    rcvWscale: hasWscale ? F.rcvWscale(v, at) : null,
    rtoMs: ms(F.rto(v, at)),
    backoff: F.backoff(v, at),
    rttMs: ms(rtt),
    rttVarMs: ms(F.rttvar(v, at)),
    atoMs: ms(F.ato(v, at)),
    minRttMs: ms(F.minRtt(v, at)),
    rcvRttMs: ms(F.rcvRtt(v, at)),
    mss,
    advMss: F.advmss(v, at),
    rcvMss: F.rcvMss(v, at),
    pmtu: F.pmtu(v, at),
    cwnd,
    ssthresh: F.sndSsthresh(v, at),
    rcvSsthresh: F.rcvSsthresh(v, at),
    rcvSpace: F.rcvSpace(v, at),
    sndWnd: F.sndWnd(v, at),
    retransmits: F.retrans(v, at),
    totalRetransmits: F.totalRetrans(v, at),
    unrecoveredTimeouts: F.retransmits(v, at),
    probes: F.probes(v, at),
    unacked: F.unacked(v, at),
    sacked: F.sacked(v, at),
    lost: F.lost(v, at),
    fackets: F.fackets(v, at),
    reordering: F.reordering(v, at),
    reordSeen: F.reordSeen(v, at),
    dsackDups: F.dsackDups(v, at),
    rcvOooPack: F.rcvOoopack(v, at),
    bytesSent: F.bytesSent(v, at),
    bytesAcked: F.bytesAcked(v, at),
    bytesReceived: F.bytesReceived(v, at),
    bytesRetransmitted: F.bytesRetrans(v, at),
    segsOut: F.segsOut(v, at),
    segsIn: F.segsIn(v, at),
    dataSegsOut: F.dataSegsOut(v, at),
    dataSegsIn: F.dataSegsIn(v, at),
    delivered: F.delivered(v, at),
    deliveredCe: F.deliveredCe(v, at),
    notsentBytes: F.notsentBytes(v, at),
    sendBps: sendRtt && mss && cwnd ? (cwnd * mss * 8000000) / sendRtt : null,
    pacingRateBps: bps(F.pacingRate(v, at)),
    maxPacingRateBps: bps(F.maxPacingRate(v, at)),
    deliveryRateBps: bps(F.deliveryRate(v, at)),
    appLimited: appLimited === null ? null : appLimited !== 0,
    busyTimeMs: ms(F.busyTime(v, at)),
    rwndLimitedMs: ms(F.rwndLimited(v, at)),
    sndbufLimitedMs: ms(F.sndbufLimited(v, at)),
    lastSendMs: F.lastDataSent(v, at),
    lastReceiveMs: F.lastDataRecv(v, at),
    lastAckMs: F.lastAckRecv(v, at),
    bbr:
      bbrBandwidth === null
        ? null
        : {
            bandwidthBps: bbrBandwidth * 8,
            minRttMs: (F.bbrMinRtt(v, at) ?? 0) / 1000,
            pacingGain: (F.bbrPacingGain(v, at) ?? 0) / 256,
            cwndGain: (F.bbrCwndGain(v, at) ?? 0) / 256,
          },
    dctcp:
      dctcpEnabled === null
        ? null
        : {
            enabled: dctcpEnabled !== 0,
            ceState: F.dctcpCeState(v, at) ?? 0,
            alpha: F.dctcpAlpha(v, at) ?? 0,
            abEcn: F.dctcpAbEcn(v, at) ?? 0,
            abTot: F.dctcpAbTot(v, at) ?? 0,
          },
    vegas:
      vegasEnabled === null
        ? null
        : {
            enabled: vegasEnabled !== 0,
            rttCount: F.vegasRttCount(v, at) ?? 0,
            rttMs: (vegasRtt ?? 0) / 1000,
            minRttMs: (F.vegasMinRtt(v, at) ?? 0) / 1000,
          },
  };
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
