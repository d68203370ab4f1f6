/**
 * --tcp-info and --memory: the line under each inet row, in ss's notation
 * (iproute2 6.1 misc/ss.c: inet_show_sock's "\n\t", then tcp_show_info:
 * print_skmeminfo, then tcp_stats_print), with its number formats: %g for
 * times in milliseconds, sprint_bw for rates (%.0f with -n, else %.3g and a
 * k/M/G/T unit), each field only when ss prints it (non-zero, mostly).
 */
import { emptyTcpInfo, type InetSockets, type SocketMemory, type TcpInfo, type UnixSockets } from '@fastnetstat/core';
import type { Output } from '../output.js';

export interface DetailsLayout {
  tcpInfo: boolean;
  memory: boolean;
  /** ss's show_options (its -o and -e; ours too): the negotiated options (ts, sack, ecn ...). */
  options: boolean;
  /** -n or --numeric-ports: rates as plain numbers (ss's sprint_bw without resolve_services, which -n turns off). */
  numeric: boolean;
}

/** Strips a fixed or mantissa text's trailing zeros (and its point), as %g does. */
function stripZeros(text: string): string {
  if (text.indexOf('.') < 0) return text;
  let end = text.length;
  while (text.charCodeAt(end - 1) === 0x30) end--;
  if (text.charCodeAt(end - 1) === 0x2e) end--;
  return text.slice(0, end);
}

/**
 * printf rounds the exact value half to even, JavaScript half away from zero:
 * on an exact tie at `p` significant digits whose kept digit is even, `x` is
 * moved a hair toward zero so that JavaScript rounds it down as C does.
 */
function halfToEven(x: number, p: number): number {
  const text = Math.abs(x).toPrecision(Math.min(100, p + 20));
  const mantissa = text.split('e')[0]!.replace('.', '').replace(/^0+/, '');
  if (mantissa[p] !== '5' || !/^0*$/.test(mantissa.slice(p + 1))) return x;
  const kept = mantissa.charCodeAt(p - 1) - 0x30;
  return kept % 2 === 0 ? x * (1 - Number.EPSILON) : x;
}

/** printf's `%.<digits>f`, for finite numbers (exact ties to even, as glibc). */
export function formatFixed(x: number, digits: number): string {
  if (x === 0) return x.toFixed(digits);
  const significant = Math.floor(Math.log10(Math.abs(x))) + 1 + digits;
  return (significant > 0 ? halfToEven(x, significant) : x).toFixed(digits);
}

/** printf's `%.<precision>g` (default 6), for finite numbers. */
export function formatG(x: number, precision = 6): string {
  if (x === 0) return '0';
  if (Number.isInteger(x) && Math.abs(x) < 10 ** precision) return String(x);
  const p = precision === 0 ? 1 : precision;
  x = halfToEven(x, p);
  const exponential = x.toExponential(p - 1);
  const e = exponential.indexOf('e');
  const exponent = Number(exponential.slice(e + 1));
  if (exponent < -4 || exponent >= p) {
    const digits = Math.abs(exponent) < 10 ? `0${Math.abs(exponent)}` : String(Math.abs(exponent));
    return `${stripZeros(exponential.slice(0, e))}e${exponent < 0 ? '-' : '+'}${digits}`;
  }
  return stripZeros(x.toFixed(p - 1 - exponent));
}

/** ss's sprint_bw: bits per second. */
export function formatRate(bps: number, numeric: boolean): string {
  if (numeric) return formatFixed(bps, 0);
  if (bps >= 1e12) return `${formatG(bps / 1e12, 3)}T`;
  if (bps >= 1e9) return `${formatG(bps / 1e9, 3)}G`;
  if (bps >= 1e6) return `${formatG(bps / 1e6, 3)}M`;
  if (bps >= 1e3) return `${formatG(bps / 1e3, 3)}k`;
  return formatG(bps);
}


const TCP_LISTEN = 10;
const SSTHRESH_SHOWN_BELOW = 0xffff;

/** The most one detail line can take (every field at its widest is under 1,500 bytes). */
const LINE_ROOM = 4096;

/** ` name:<ms>ms(<share of busy>%)`, as ss prints rwnd_limited and sndbuf_limited. */
function limited(out: Output, name: string, limitedMs: number | null, busyUs: number): void {
  const us = Math.round((limitedMs ?? 0) * 1000);
  if (!us) return;
  out.put(name);
  out.putInt(Math.floor(us / 1000));
  out.put(`ms(${formatFixed((100 * us) / busyUs, 1)}%)`);
}

/** `name` and a non-zero count, as most of ss's fields (a zero is left out). */
function count(out: Output, name: string, value: number | null): void {
  if (!value) return;
  out.put(name);
  out.putInt(value);
}

/** A time in milliseconds as %g (formatMs's fast path: digits straight into the buffer). */
function putMs(out: Output, ms: number): void {
  const us = Math.round(ms * 1000);
  if (us < 0 || us >= 1_000_000 || Math.abs(us - ms * 1000) > 1e-6) {
    out.put(formatG(ms));
    return;
  }
  const whole = Math.floor(us / 1000);
  out.putInt(whole);
  let fraction = us - whole * 1000;
  if (fraction === 0) return;
  out.putByte(0x2e);
  let scale = 100;
  while (fraction > 0) {
    const digit = Math.floor(fraction / scale);
    out.putByte(0x30 + digit);
    fraction -= digit * scale;
    scale /= 10;
  }
}

/** `name` and a time in milliseconds (%g), when it is not zero. */
function time(out: Output, name: string, ms: number | null): void {
  if (!ms) return;
  out.put(name);
  putMs(out, ms);
}

/** `name`, a rate (sprint_bw) and `bps`, when it is not zero. */
function rate(out: Output, name: string, bps: number | null, numeric: boolean): void {
  if (!bps) return;
  out.put(name);
  putRate(out, bps, numeric);
  out.put('bps');
}

/** A rate as ss's sprint_bw: with -n the rounded number (%.0f: half to even), else formatRate's units. */
function putRate(out: Output, bps: number, numeric: boolean): void {
  if (!numeric) {
    out.put(formatRate(bps, false));
    return;
  }
  let n = Math.round(bps);
  if (n - bps === 0.5 && n % 2 === 1) n--;
  out.putInt(n);
}

// The fields in ss's order, in a few functions small enough for V8 to inline their reads.

/** Options, congestion, window scale, times, segment sizes, windows. */
function writeFirst(out: Output, t: TcpInfo, layout: Pick<DetailsLayout, 'options' | 'numeric'>): void {
  const options = t.options;
  if (layout.options && options) {
    if (options.ts) out.put(' ts');
    if (options.sack) out.put(' sack');
    if (options.ecn) out.put(' ecn');
    if (options.ecnSeen) out.put(' ecnseen');
    if (options.fastopen) out.put(' fastopen');
  }
  const congestion = t.congestion;
  if (congestion) {
    out.putByte(0x20);
    out.put(congestion);
  }
  if (options?.wscale) {
    out.put(' wscale:');
    out.putInt(t.sndWscale ?? 0);
    out.putByte(0x2c);
    out.putInt(t.rcvWscale ?? 0);
  }
  // ss leaves out the initial 3 s timeout
  const rto = t.rtoMs;
  if (rto && rto !== 3000) {
    out.put(' rto:');
    putMs(out, rto);
  }
  count(out, ' backoff:', t.backoff);
  const rtt = t.rttMs;
  if (rtt) {
    out.put(' rtt:');
    putMs(out, rtt);
    out.putByte(0x2f);
    putMs(out, t.rttVarMs ?? 0);
  }
  time(out, ' ato:', t.atoMs);
  count(out, ' mss:', t.mss);
  count(out, ' pmtu:', t.pmtu);
  count(out, ' rcvmss:', t.rcvMss);
  count(out, ' advmss:', t.advMss);
  count(out, ' cwnd:', t.cwnd);
  const ssthresh = t.ssthresh;
  if (ssthresh && ssthresh < SSTHRESH_SHOWN_BELOW) count(out, ' ssthresh:', ssthresh);
}

/** Bytes and segments. */
function writeCounts(out: Output, t: TcpInfo): void {
  count(out, ' bytes_sent:', t.bytesSent);
  count(out, ' bytes_retrans:', t.bytesRetransmitted);
  count(out, ' bytes_acked:', t.bytesAcked);
  count(out, ' bytes_received:', t.bytesReceived);
  count(out, ' segs_out:', t.segsOut);
  count(out, ' segs_in:', t.segsIn);
  count(out, ' data_segs_out:', t.dataSegsOut);
  count(out, ' data_segs_in:', t.dataSegsIn);
}

/** The algorithm's own info, rates and times since. */
function writeRates(out: Output, t: TcpInfo, numeric: boolean): void {
  const dctcp = t.dctcp;
  if (dctcp?.enabled) out.put(` dctcp:(ce_state:${dctcp.ceState},alpha:${dctcp.alpha},ab_ecn:${dctcp.abEcn},ab_tot:${dctcp.abTot})`);
  else if (dctcp) out.put(' dctcp:fallback_mode');
  const bbr = t.bbr;
  if (bbr) {
    out.put(' bbr:(bw:');
    putRate(out, bbr.bandwidthBitsPerSecond, numeric);
    out.put('bps,mrtt:');
    putMs(out, bbr.minRttMs);
    if (bbr.pacingGain) out.put(`,pacing_gain:${formatG(bbr.pacingGain)}`);
    if (bbr.cwndGain) out.put(`,cwnd_gain:${formatG(bbr.cwndGain)}`);
    out.putByte(0x29);
  }
  rate(out, ' send ', t.sendBitsPerSecond, numeric);
  count(out, ' lastsnd:', t.lastSendMs);
  count(out, ' lastrcv:', t.lastReceiveMs);
  count(out, ' lastack:', t.lastAckMs);
  const pacing = t.pacingRateBitsPerSecond;
  if (pacing) {
    rate(out, ' pacing_rate ', pacing, numeric);
    rate(out, '/', t.maxPacingRateBitsPerSecond, numeric);
  }
  rate(out, ' delivery_rate ', t.deliveryRateBitsPerSecond, numeric);
}

/** Delivery, busy time. */
function writeDelivery(out: Output, t: TcpInfo): void {
  count(out, ' delivered:', t.delivered);
  count(out, ' delivered_ce:', t.deliveredCe);
  if (t.appLimited) out.put(' app_limited');
  const busyUs = Math.round((t.busyTimeMs ?? 0) * 1000);
  if (busyUs) {
    out.put(' busy:');
    out.putInt(Math.floor(busyUs / 1000));
    out.put('ms');
    limited(out, ' rwnd_limited:', t.rwndLimitedMs, busyUs);
    limited(out, ' sndbuf_limited:', t.sndbufLimitedMs, busyUs);
  }
}

/** Loss, reordering, the receiver's side. */
function writeLast(out: Output, t: TcpInfo, socketState: number): void {
  count(out, ' unacked:', t.unacked);
  const retransmits = t.retransmits;
  const total = t.totalRetransmits;
  if (retransmits || total) {
    out.put(' retrans:');
    out.putInt(retransmits ?? 0);
    out.putByte(0x2f);
    out.putInt(total ?? 0);
  }
  count(out, ' lost:', t.lost);
  if (socketState !== TCP_LISTEN) count(out, ' sacked:', t.sacked);
  count(out, ' dsack_dups:', t.dsackDups);
  count(out, ' fackets:', t.fackets);
  const reordering = t.reordering ?? 0;
  if (reordering !== 3) {
    out.put(' reordering:');
    out.putInt(reordering);
  }
  count(out, ' reord_seen:', t.reordSeen);
  time(out, ' rcv_rtt:', t.rcvRttMs);
  count(out, ' rcv_space:', t.rcvSpace);
  count(out, ' rcv_ssthresh:', t.rcvSsthresh);
  count(out, ' notsent:', t.notsentBytes);
  time(out, ' minrtt:', t.minRttMs);
  count(out, ' rcv_ooopack:', t.rcvOooPack);
  count(out, ' snd_wnd:', t.sndWnd);
}

/**
 * tcp_show_info + tcp_stats_print for a socket whose reply carried tcp_info
 * (a missing field counts as 0, as ss zero-fills a short struct), written
 * straight into the output buffer: 48,000 rows make no string per field.
 */
export function writeTcpInfo(out: Output, t: TcpInfo, layout: Pick<DetailsLayout, 'options' | 'numeric'>, socketState: number): void {
  writeFirst(out, t, layout);
  writeCounts(out, t);
  writeRates(out, t, layout.numeric);
  writeDelivery(out, t);
  writeLast(out, t, socketState);
}

/** `letters` and a counter, as skmem's entries (a missing one counts as 0). */
function entry(out: Output, letters: string, value: number | null): void {
  out.put(letters);
  out.putInt(value ?? 0);
}

/** print_skmeminfo: skmem's counters (bl and d when the kernel gives them), or the four of INET_DIAG_MEMINFO on a kernel without skmem. */
function writeMemory(out: Output, m: SocketMemory): void {
  if (m.receiveBuffer === null) {
    entry(out, ' mem:(r', m.receiveQueued);
    entry(out, ',w', m.writeQueued);
    entry(out, ',f', m.forwardAlloc);
    entry(out, ',t', m.sendQueued);
  } else {
    entry(out, ' skmem:(r', m.receiveQueued);
    entry(out, ',rb', m.receiveBuffer);
    entry(out, ',t', m.sendQueued);
    entry(out, ',tb', m.sendBuffer);
    entry(out, ',f', m.forwardAlloc);
    entry(out, ',w', m.writeQueued);
    entry(out, ',o', m.optionMemory);
    if (m.backlog !== null) entry(out, ',bl', m.backlog);
    if (m.drops !== null) entry(out, ',d', m.drops);
  }
  out.putByte(0x29);
}

/** The one TcpInfo every row is read into (no object per row). */
const scratch: TcpInfo = emptyTcpInfo();

/**
 * Writes row `i`'s detail line (a tab, what ss prints after its "\n\t" for
 * the same socket, a newline) when ss prints one: tcp rows with --tcp-info,
 * every row with --memory.
 */
export function writeDetails(out: Output, rows: InetSockets, i: number, layout: DetailsLayout): void {
  const tcp = rows.tableIndex(i) < 2;
  if (!layout.memory && !(layout.tcpInfo && tcp)) return;
  out.reserve(LINE_ROOM);
  out.putByte(0x09);
  if (layout.memory) {
    const memory = rows.memory(i);
    if (memory) writeMemory(out, memory);
  }
  if (layout.tcpInfo && tcp) {
    const info = rows.tcpInfoInto(i, scratch);
    // the congestion name and the rest come with tcp_info only (not for a TIME_WAIT socket)
    if (info && info.state !== null) writeTcpInfo(out, info, layout, rows.state(i));
  }
  out.putByte(0x0a);
}

/** --memory under a unix row: a tab and the skmem ss -xm prints on that socket's line. */
export function writeUnixDetails(out: Output, rows: UnixSockets, i: number): void {
  out.reserve(LINE_ROOM);
  out.putByte(0x09);
  const memory = rows.memory(i);
  if (memory) writeMemory(out, memory);
  out.putByte(0x0a);
}
