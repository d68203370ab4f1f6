/**
 * --tcp-info and --memory: the line under each inet row, in ss's notation
 * (iproute2 6.1 misc/ss.c: inet_show_sock's "\n\t", then tcp_show_info:
 * print_skmeminfo, then tcp_stats_print), with its number formats: %g for
 * times in milliseconds, sprint_bw for rates (%.0f with -n, else %.3g and a
 * k/M/G/T unit), each field only when ss prints it (non-zero, mostly).
 */
import type { InetSockets, SocketMemory, TcpInfo } from '@fastnetstat/core';
import type { Output } from '../output.js';

export interface DetailsLayout {
  tcpInfo: boolean;
  memory: boolean;
  /** ss's show_options (its -o and -e; ours too): the negotiated options (ts, sack, ecn ...). */
  options: boolean;
  /** -n: rates as plain numbers (ss's sprint_bw with -n). */
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

/** printf's `%.<precision>g` (default 6), for finite numbers. */
export function formatG(x: number, precision = 6): string {
  if (x === 0) return '0';
  if (Number.isInteger(x) && Math.abs(x) < 10 ** precision) return String(x);
  const p = precision === 0 ? 1 : precision;
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
  if (numeric) return bps.toFixed(0);
  if (bps >= 1e12) return `${formatG(bps / 1e12, 3)}T`;
  if (bps >= 1e9) return `${formatG(bps / 1e9, 3)}G`;
  if (bps >= 1e6) return `${formatG(bps / 1e6, 3)}M`;
  if (bps >= 1e3) return `${formatG(bps / 1e3, 3)}k`;
  return formatG(bps);
}

/** print_skmeminfo: skmem's counters, or the four of INET_DIAG_MEMINFO on a kernel without skmem. */
export function memoryText(m: SocketMemory): string {
  if (m.receiveBuffer === null) return ` mem:(r${m.receiveQueued ?? 0},w${m.writeQueued ?? 0},f${m.forwardAlloc ?? 0},t${m.sendQueued ?? 0})`;
  let text = ` skmem:(r${m.receiveQueued},rb${m.receiveBuffer},t${m.sendQueued},tb${m.sendBuffer},f${m.forwardAlloc},w${m.writeQueued},o${m.optionMemory}`;
  if (m.backlog !== null) text += `,bl${m.backlog}`;
  if (m.drops !== null) text += `,d${m.drops}`;
  return `${text})`;
}

const TCP_LISTEN = 10;
const SSTHRESH_SHOWN_BELOW = 0xffff;

/** tcp_show_info + tcp_stats_print for a socket whose reply carried tcp_info (a missing field counts as 0, as ss zero-fills). */
export function tcpInfoText(t: TcpInfo, layout: Pick<DetailsLayout, 'options' | 'numeric'>, socketState: number): string {
  const numeric = layout.numeric;
  let s = '';
  if (layout.options && t.options) {
    if (t.options.ts) s += ' ts';
    if (t.options.sack) s += ' sack';
    if (t.options.ecn) s += ' ecn';
    if (t.options.ecnSeen) s += ' ecnseen';
    if (t.options.fastopen) s += ' fastopen';
  }
  if (t.congestion) s += ` ${t.congestion}`;
  if (t.sndWscale !== null) s += ` wscale:${t.sndWscale},${t.rcvWscale}`;
  // ss leaves out the initial 3 s timeout
  if (t.rtoMs && t.rtoMs !== 3000) s += ` rto:${formatG(t.rtoMs)}`;
  if (t.backoff) s += ` backoff:${t.backoff}`;
  if (t.rttMs) s += ` rtt:${formatG(t.rttMs)}/${formatG(t.rttVarMs ?? 0)}`;
  if (t.atoMs) s += ` ato:${formatG(t.atoMs)}`;
  if (t.mss) s += ` mss:${t.mss}`;
  if (t.pmtu) s += ` pmtu:${t.pmtu}`;
  if (t.rcvMss) s += ` rcvmss:${t.rcvMss}`;
  if (t.advMss) s += ` advmss:${t.advMss}`;
  if (t.cwnd) s += ` cwnd:${t.cwnd}`;
  if (t.ssthresh && t.ssthresh < SSTHRESH_SHOWN_BELOW) s += ` ssthresh:${t.ssthresh}`;
  if (t.bytesSent) s += ` bytes_sent:${t.bytesSent}`;
  if (t.bytesRetransmitted) s += ` bytes_retrans:${t.bytesRetransmitted}`;
  if (t.bytesAcked) s += ` bytes_acked:${t.bytesAcked}`;
  if (t.bytesReceived) s += ` bytes_received:${t.bytesReceived}`;
  if (t.segsOut) s += ` segs_out:${t.segsOut}`;
  if (t.segsIn) s += ` segs_in:${t.segsIn}`;
  if (t.dataSegsOut) s += ` data_segs_out:${t.dataSegsOut}`;
  if (t.dataSegsIn) s += ` data_segs_in:${t.dataSegsIn}`;
  const dctcp = t.dctcp;
  if (dctcp?.enabled) s += ` dctcp:(ce_state:${dctcp.ceState},alpha:${dctcp.alpha},ab_ecn:${dctcp.abEcn},ab_tot:${dctcp.abTot})`;
  else if (dctcp) s += ' dctcp:fallback_mode';
  const bbr = t.bbr;
  if (bbr) {
    s += ` bbr:(bw:${formatRate(bbr.bandwidthBps, numeric)}bps,mrtt:${formatG(bbr.minRttMs)}`;
    if (bbr.pacingGain) s += `,pacing_gain:${formatG(bbr.pacingGain)}`;
    if (bbr.cwndGain) s += `,cwnd_gain:${formatG(bbr.cwndGain)}`;
    s += ')';
  }
  if (t.sendBps) s += ` send ${formatRate(t.sendBps, numeric)}bps`;
  if (t.lastSendMs) s += ` lastsnd:${t.lastSendMs}`;
  if (t.lastReceiveMs) s += ` lastrcv:${t.lastReceiveMs}`;
  if (t.lastAckMs) s += ` lastack:${t.lastAckMs}`;
  if (t.pacingRateBps) {
    s += ` pacing_rate ${formatRate(t.pacingRateBps, numeric)}bps`;
    if (t.maxPacingRateBps) s += `/${formatRate(t.maxPacingRateBps, numeric)}bps`;
  }
  if (t.deliveryRateBps) s += ` delivery_rate ${formatRate(t.deliveryRateBps, numeric)}bps`;
  if (t.delivered) s += ` delivered:${t.delivered}`;
  if (t.deliveredCe) s += ` delivered_ce:${t.deliveredCe}`;
  if (t.appLimited) s += ' app_limited';
  const busyUs = Math.round((t.busyTimeMs ?? 0) * 1000);
  if (busyUs) {
    s += ` busy:${Math.floor(busyUs / 1000)}ms`;
    const rwndUs = Math.round((t.rwndLimitedMs ?? 0) * 1000);
    const sndbufUs = Math.round((t.sndbufLimitedMs ?? 0) * 1000);
    if (rwndUs) s += ` rwnd_limited:${Math.floor(rwndUs / 1000)}ms(${((100 * rwndUs) / busyUs).toFixed(1)}%)`;
    if (sndbufUs) s += ` sndbuf_limited:${Math.floor(sndbufUs / 1000)}ms(${((100 * sndbufUs) / busyUs).toFixed(1)}%)`;
  }
  if (t.unacked) s += ` unacked:${t.unacked}`;
  if (t.retransmits || t.totalRetransmits) s += ` retrans:${t.retransmits ?? 0}/${t.totalRetransmits ?? 0}`;
  if (t.lost) s += ` lost:${t.lost}`;
  if (t.sacked && socketState !== TCP_LISTEN) s += ` sacked:${t.sacked}`;
  if (t.dsackDups) s += ` dsack_dups:${t.dsackDups}`;
  if (t.fackets) s += ` fackets:${t.fackets}`;
  if ((t.reordering ?? 0) !== 3) s += ` reordering:${t.reordering ?? 0}`;
  if (t.reordSeen) s += ` reord_seen:${t.reordSeen}`;
  if (t.rcvRttMs) s += ` rcv_rtt:${formatG(t.rcvRttMs)}`;
  if (t.rcvSpace) s += ` rcv_space:${t.rcvSpace}`;
  if (t.rcvSsthresh) s += ` rcv_ssthresh:${t.rcvSsthresh}`;
  if (t.notsentBytes) s += ` notsent:${t.notsentBytes}`;
  if (t.minRttMs) s += ` minrtt:${formatG(t.minRttMs)}`;
  if (t.rcvOooPack) s += ` rcv_ooopack:${t.rcvOooPack}`;
  if (t.sndWnd) s += ` snd_wnd:${t.sndWnd}`;
  return s;
}

/**
 * The detail line of row `i` (without its tab and newline): what ss prints
 * after "\n\t" for the same socket; undefined when ss prints none (udp, raw
 * and udplite rows without --memory).
 */
export function detailsText(rows: InetSockets, i: number, layout: DetailsLayout): string | undefined {
  const tcp = rows.tableIndex(i) < 2;
  if (!layout.memory && !(layout.tcpInfo && tcp)) return undefined;
  let text = '';
  if (layout.memory) {
    const memory = rows.memory(i);
    if (memory) text += memoryText(memory);
  }
  if (layout.tcpInfo && tcp) {
    const info = rows.tcpInfo(i);
    // the congestion name and the rest come with tcp_info only (not for a TIME_WAIT socket)
    if (info && info.state !== null) text += tcpInfoText(info, layout, rows.state(i));
  }
  return text;
}

/** Writes row `i`'s detail line (a tab, ss's fields, a newline) when it has one. */
export function writeDetails(out: Output, rows: InetSockets, i: number, layout: DetailsLayout): void {
  const text = detailsText(rows, i, layout);
  if (text === undefined) return;
  out.byte(0x09);
  out.write(text);
  out.byte(0x0a);
}
