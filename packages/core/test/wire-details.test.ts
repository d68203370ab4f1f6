/**
 * The details section of the socket wire layout (tcp_info, congestion, memory) as the
 * TypeScript side reads it: a buffer laid out by the generated offsets with a different value
 * in every field decodes to those values in the API's units (crates/fastnetstat-node/src/wire.rs
 * checks that the Rust packer writes each field at the same generated offsets). The values
 * themselves come from netlink only (tests/details holds them against ss).
 */
import { describe, expect, it } from 'vitest';
import { SocketList } from '../src/sockets.js';
import { ASKED_MEMORY, ASKED_TCP_INFO } from '../src/details.js';
import { Details, DETAILS_LEN, Header, HEADER_LEN, Inet, INET_LEN, MAGIC, NONE, VERSION } from '../src/wire-layout.js';

/** A listing of two tcp rows: the first with a details record, the second without. */
function listing(fill: (view: DataView, at: number) => void): SocketList {
  const detailsAt = HEADER_LEN + 2 * INET_LEN;
  const stringsAt = detailsAt + DETAILS_LEN;
  const bytes = new Uint8Array(stringsAt + 3);
  const view = new DataView(bytes.buffer);
  view.setUint32(Header.magic, MAGIC, true);
  view.setUint16(Header.version, VERSION, true);
  view.setUint32(Header.inetCount, 2, true);
  view.setUint32(Header.inetAt, HEADER_LEN, true);
  view.setUint32(Header.unixAt, detailsAt, true);
  view.setUint32(Header.ownersAt, stringsAt, true);
  view.setUint32(Header.stringsAt, stringsAt, true);
  view.setUint32(Header.stringsLength, 3, true);
  view.setUint32(Header.detailsCount, 1, true);
  view.setUint32(Header.detailsAt, detailsAt, true);
  view.setUint8(Header.chunkTable, 0xff);
  for (const row of [0, 1]) {
    view.setUint32(HEADER_LEN + row * INET_LEN + Inet.owner, NONE, true);
    view.setUint32(HEADER_LEN + row * INET_LEN + Inet.detailsIndex, row === 0 ? 0 : NONE, true);
    view.setUint8(HEADER_LEN + row * INET_LEN + Inet.state, 1);
  }
  bytes.set([0x62, 0x62, 0x72], stringsAt); // "bbr"
  view.setUint32(detailsAt + Details.congestionOffset, 0, true);
  view.setUint32(detailsAt + Details.congestionLength, 3, true);
  fill(view, detailsAt);
  return new SocketList(bytes);
}

const U64 = ['pacingRate', 'maxPacingRate', 'bytesAcked', 'bytesReceived', 'deliveryRate', 'busyTime', 'rwndLimited', 'sndbufLimited', 'bytesSent', 'bytesRetrans', 'bbrBandwidth'] as const;
const U16 = ['dctcpEnabled', 'dctcpCeState'] as const;
const U8 = ['state', 'caState', 'retransmits', 'probes', 'backoff', 'options', 'sndWscale', 'rcvWscale', 'appLimited', 'fastopenClientFail', 'hasMemory'] as const;

/** Every field a distinct value: u32 fields 1000 + their offset, u64 fields 2^40 + offset, small ones their own. */
function distinct(view: DataView, at: number): void {
  for (const [name, offset] of Object.entries(Details)) {
    if (name === 'congestionOffset' || name === 'congestionLength') continue;
    if ((U64 as readonly string[]).includes(name)) {
      view.setUint32(at + offset, offset, true);
      view.setUint32(at + offset + 4, 256, true);
    } else if ((U16 as readonly string[]).includes(name)) view.setUint16(at + offset, name === 'dctcpEnabled' ? 1 : 3, true);
    else if (!(U8 as readonly string[]).includes(name)) view.setUint32(at + offset, 1000 + offset, true);
  }
  const bytes: Record<(typeof U8)[number], number> = {
    state: 1, caState: 2, retransmits: 3, probes: 4, backoff: 5, options: 0b10_0111, sndWscale: 7, rcvWscale: 9,
    appLimited: 1, fastopenClientFail: 2, hasMemory: 1,
  };
  for (const [name, value] of Object.entries(bytes)) view.setUint8(at + Details[name as keyof typeof Details], value);
}

const u32 = (name: keyof typeof Details) => 1000 + Details[name];
const u64 = (name: keyof typeof Details) => 2 ** 40 + Details[name];

describe('the details section', () => {
  it('reads every field at its generated offset, in the API units', () => {
    const list = listing(distinct);
    list.wire.detailsAsked = ASKED_TCP_INFO | ASKED_MEMORY;
    const t = list.inet.tcpInfo(0)!;
    expect(t).toMatchObject({
      congestion: 'bbr', state: 1, caState: 2, unrecoveredTimeouts: 3, probes: 4, backoff: 5,
      options: { ts: true, sack: true, wscale: true, ecn: false, ecnSeen: false, fastopen: true },
      sndWscale: 7, rcvWscale: 9, appLimited: true,
      rtoMs: u32('rto') / 1000, atoMs: u32('ato') / 1000, rttMs: u32('rtt') / 1000, rttVarMs: u32('rttvar') / 1000,
      minRttMs: u32('minRtt') / 1000, rcvRttMs: u32('rcvRtt') / 1000,
      mss: u32('sndMss'), advMss: u32('advmss'), rcvMss: u32('rcvMss'), pmtu: u32('pmtu'), cwnd: u32('sndCwnd'),
      ssthresh: u32('sndSsthresh'), rcvSsthresh: u32('rcvSsthresh'), rcvSpace: u32('rcvSpace'), sndWnd: u32('sndWnd'),
      retransmits: u32('retrans'), totalRetransmits: u32('totalRetrans'), unacked: u32('unacked'), sacked: u32('sacked'),
      lost: u32('lost'), fackets: u32('fackets'), reordering: u32('reordering'), reordSeen: u32('reordSeen'),
      dsackDups: u32('dsackDups'), rcvOooPack: u32('rcvOoopack'), segsOut: u32('segsOut'), segsIn: u32('segsIn'),
      dataSegsOut: u32('dataSegsOut'), dataSegsIn: u32('dataSegsIn'), delivered: u32('delivered'),
      deliveredCe: u32('deliveredCe'), notsentBytes: u32('notsentBytes'),
      lastSendMs: u32('lastDataSent'), lastReceiveMs: u32('lastDataRecv'), lastAckMs: u32('lastAckRecv'),
      bytesSent: u64('bytesSent'), bytesAcked: u64('bytesAcked'), bytesReceived: u64('bytesReceived'),
      bytesRetransmitted: u64('bytesRetrans'),
      pacingRateBitsPerSecond: u64('pacingRate') * 8, maxPacingRateBitsPerSecond: u64('maxPacingRate') * 8, deliveryRateBitsPerSecond: u64('deliveryRate') * 8,
      busyTimeMs: u64('busyTime') / 1000, rwndLimitedMs: u64('rwndLimited') / 1000, sndbufLimitedMs: u64('sndbufLimited') / 1000,
      bbr: { bandwidthBitsPerSecond: u64('bbrBandwidth') * 8, minRttMs: u32('bbrMinRtt') / 1000, pacingGain: u32('bbrPacingGain') / 256, cwndGain: u32('bbrCwndGain') / 256 },
      dctcp: { enabled: true, ceState: 3, alpha: u32('dctcpAlpha'), abEcn: u32('dctcpAbEcn'), abTot: u32('dctcpAbTot') },
      vegas: { enabled: true, rttCount: u32('vegasRttCount'), rttMs: u32('vegasRtt') / 1000, minRttMs: u32('vegasMinRtt') / 1000 },
    });
    // ss's send rate: cwnd * mss * 8 / rtt, Vegas's rtt when it has one
    expect(t.sendBitsPerSecond).toBe((u32('sndCwnd') * u32('sndMss') * 8000000) / u32('vegasRtt'));
    expect(list.inet.memory(0)).toEqual({
      receiveQueued: u32('receiveQueued'), receiveBuffer: u32('receiveBuffer'), sendQueued: u32('sendQueued'),
      sendBuffer: u32('sendBuffer'), forwardAlloc: u32('forwardAlloc'), writeQueued: u32('writeQueued'),
      optionMemory: u32('optionMemory'), backlog: u32('backlog'), drops: u32('drops'),
    });
    // every key of the plain object, every one with a value here
    expect(Object.values(t).filter((v) => v === null)).toEqual([]);
    // the row without a record, and rows of a listing that did not ask
    expect([list.inet.tcpInfo(1), list.inet.memory(1), list.inet.detailsIndex(1)]).toEqual([null, null, null]);
    const json = list.inet.at(0).toJSON();
    expect(json.tcpInfo).toEqual(t);
    list.wire.detailsAsked = 0;
    expect([list.inet.tcpInfo(0), list.inet.memory(0)]).toEqual([null, null]);
    expect('tcpInfo' in list.inet.at(0).toJSON()).toBe(false);
  });

  it('reads all ones as absent (an older kernel, a socket without the attribute)', () => {
    const list = listing((view, at) => {
      for (let k = 0; k < DETAILS_LEN; k++) view.setUint8(at + k, 0xff);
      view.setUint32(at + Details.tcpInfoLength, 104, true); // a 2.6-era tcp_info: up to tcpi_total_retrans
      view.setUint32(at + Details.rtt, 1234, true);
      view.setUint32(at + Details.congestionOffset, 0, true);
      view.setUint32(at + Details.congestionLength, 3, true);
      view.setUint8(at + Details.hasMemory, 0);
    });
    list.wire.detailsAsked = ASKED_TCP_INFO | ASKED_MEMORY;
    const t = list.inet.tcpInfo(0)!;
    expect([t.rttMs, t.congestion, t.pacingRateBitsPerSecond, t.minRttMs, t.bytesAcked, t.options, t.bbr, t.appLimited]).toEqual([
      1.234, 'bbr', null, null, null, null, null, null,
    ]);
    expect(list.inet.memory(0)).toBeNull();
  });
});
