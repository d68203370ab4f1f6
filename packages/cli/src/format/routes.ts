/**
 * The routing tables (lib/inet_gr.c rprint_fib and rprint_cache,
 * lib/inet6_gr.c rprint_fib6), with net-tools 2.10's column rules. Byte
 * strings throughout (see output.ts).
 */
import {
  inetNtoa,
  type RouteList,
  RTF_ADDRCONF,
  RTF_ALLONLINK,
  RTF_CACHE,
  RTF_DEFAULT,
  RTF_DYNAMIC,
  RTF_EXPIRES,
  RTF_FLOW,
  RTF_GATEWAY,
  RTF_HOST,
  RTF_IRTT,
  RTF_LOCAL,
  RTF_MODIFIED,
  RTF_MTU,
  RTF_NONEXTHOP,
  RTF_NOTCACHED,
  RTF_POLICY,
  RTF_REINSTATE,
  RTF_REJECT,
  RTF_UP,
  RTF_WINDOW,
} from '@fastnetstat/core';
import type { NetstatNames } from '../netstat-names.js';
import { byteString } from '../output.js';
import { left, right } from './printf.js';

/** rprint_fib's column texts are cut to 15 bytes (`buf[15] = '\0'`). */
const CUT = 15;

/** RTCF_* flags of the 2.2+ routing cache (lib/net-support.h). */
const RTCF = {
  DEAD: 0x1,
  ONLINK: 0x4,
  NOTIFY: 0x0001_0000,
  DIRECTDST: 0x0002_0000,
  TPROXY: 0x0008_0000,
  FAST: 0x0020_0000,
  MASQ: 0x0040_0000,
  SNAT: 0x0080_0000,
  DOREDIRECT: 0x0100_0000,
  DIRECTSRC: 0x0400_0000,
  DNAT: 0x0800_0000,
  BROADCAST: 0x1000_0000,
  MULTICAST: 0x2000_0000,
  REJECT: 0x4000_0000,
  LOCAL: 0x8000_0000,
};

/** Flag letters in print order: a bit's letters, or with RESTART the text starts over (a reject route's "!"). */
type Letters = ReadonlyArray<readonly [bit: number, letters: string, restart?: typeof RESTART]>;
const RESTART = true;

function flagLetters(f: number, table: Letters): string {
  let s = '';
  for (const [bit, letters, restart] of table) if (f & bit) s = restart ? letters : s + letters;
  return s;
}

const INET_LETTERS: Letters = [
  [RTF_UP, 'U'], [RTF_GATEWAY, 'G'], [RTF_REJECT, '!', RESTART], [RTF_HOST, 'H'], [RTF_REINSTATE, 'R'], [RTF_DYNAMIC, 'D'],
  [RTF_MODIFIED, 'M'], [RTF_DEFAULT, 'd'], [RTF_ALLONLINK, 'a'], [RTF_ADDRCONF, 'c'], [RTF_NONEXTHOP, 'o'], [RTF_EXPIRES, 'e'],
  [RTF_CACHE, 'c'], [RTF_FLOW, 'f'], [RTF_POLICY, 'p'], [RTF_LOCAL, 'l'], [RTF_MTU, 'u'], [RTF_WINDOW, 'w'], [RTF_IRTT, 'i'],
  [RTF_NOTCACHED, 'n'],
];
const CACHE_COMMON: Letters = [[RTF_GATEWAY, 'G'], [RTF_REJECT, '!', RESTART], [RTF_REINSTATE, 'R'], [RTF_DYNAMIC, 'D'], [RTF_MODIFIED, 'M']];
const CACHE_RTCF: Letters = [
  [RTCF.NOTIFY, 'n'], [RTCF.DIRECTDST, 'd'], [RTCF.TPROXY, 't'], [RTCF.FAST, 'f'], [RTCF.MASQ, 'q'], [RTCF.SNAT, 'Ns'],
  [RTCF.DOREDIRECT, 'r'], [RTCF.DIRECTSRC, 'i'], [RTCF.DNAT, 'Nd'], [RTCF.BROADCAST, 'b'], [RTCF.MULTICAST, 'm'],
  [RTCF.REJECT, '#'], [RTCF.LOCAL, 'l'],
];
/** The 2.0 cache layout starts with U and H; the 2.2 one has - (dead) and o (on link) after M. */
const CACHE_OLD_LETTERS: Letters = [[RTF_UP, 'U'], [RTF_HOST, 'H'], ...CACHE_COMMON, ...CACHE_RTCF];
const CACHE_LETTERS: Letters = [...CACHE_COMMON, [RTCF.DEAD, '-'], [RTCF.ONLINK, 'o'], ...CACHE_RTCF];
/** rprint_fib6's letters: its "!" does not start over. */
const INET6_LETTERS: Letters = [
  [RTF_UP, 'U'], [RTF_REJECT, '!'], [RTF_GATEWAY, 'G'], [RTF_HOST, 'H'], [RTF_DEFAULT, 'D'], [RTF_ADDRCONF, 'A'],
  [RTF_CACHE, 'C'], [RTF_ALLONLINK, 'a'], [RTF_EXPIRES, 'e'], [RTF_MODIFIED, 'm'], [RTF_NONEXTHOP, 'n'], [RTF_FLOW, 'f'],
];

/** The letters rprint_fib prints for an IPv4 route (a reject route starts over with "!"). */
export const inetFlagLetters = (f: number): string => flagLetters(f, INET_LETTERS);

/** The letters rprint_cache prints (`old`: the 2.0 layout). */
export const cacheFlagLetters = (f: number, old: boolean): string => flagLetters(f, old ? CACHE_OLD_LETTERS : CACHE_LETTERS);

/** The letters rprint_fib6 prints. */
export const inet6FlagLetters = (f: number): string => flagLetters(f, INET6_LETTERS);

const isZero = (a: Uint8Array) => a.every((b) => b === 0);

/**
 * INET_sprintmask(dest, numeric | 0x8000 | (host route ? 0x4000 : 0), mask):
 * numeric: dotted quad; 0.0.0.0 is "default" with a zero mask, else
 * "0.0.0.0"; an address with host bits (or a host route) is named by the
 * resolver, any other from /etc/networks; dotted quad when nameless.
 * Untruncated.
 */
export function routeDestinationName(names: NetstatNames, numeric: boolean, addr: Uint8Array, mask: Uint8Array, flags: number): string {
  if (numeric) return inetNtoa(addr);
  if (isZero(addr)) return isZero(mask) ? 'default' : '0.0.0.0';
  let hostBits = false;
  for (let i = 0; i < 4; i++) if (addr[i]! & ~mask[i]! & 0xff) hostBits = true;
  const name = hostBits || flags & RTF_HOST ? names.inetHostName(addr) : names.inetNetworkName(addr);
  return name === undefined ? inetNtoa(addr) : name.slice(0, 127);
}

/** INET_sprint(gateway, numeric | 0x4000): always a host lookup; 0.0.0.0 stays. */
export function routeGatewayName(names: NetstatNames, numeric: boolean, addr: Uint8Array): string {
  if (numeric || isZero(addr)) return inetNtoa(addr);
  const name = names.inetHostName(addr);
  return name === undefined ? inetNtoa(addr) : name.slice(0, 127);
}

/** The addresses the IPv4 table will look up as hosts. */
export function inetLookups(list: RouteList, shown: (i: number) => boolean): Array<{ family: 4; addr: Uint8Array }> {
  const out: Array<{ family: 4; addr: Uint8Array }> = [];
  for (let i = 0; i < list.inetCount; i++) {
    if (!shown(i)) continue;
    out.push({ family: 4, addr: list.inetDestinationBytes(i) }, { family: 4, addr: list.inetGatewayBytes(i) });
  }
  return out;
}

/** IPv4 FIB heading by `ext` (1: -e, 2: none, 3: -ee; 0 prints none). */
export function inetHeading(ext: number): string {
  const head = 'Kernel IP routing table\n';
  const d = 'Destination     Gateway         Genmask         ';
  if (ext === 1) return `${head}${d}Flags Metric Ref    Use Iface\n`;
  if (ext === 2) return `${head}${d}Flags   MSS Window  irtt Iface\n`;
  if (ext >= 3) return `${head}${d}Flags Metric Ref    Use Iface    MSS   Window irtt\n`;
  return head;
}

/** One IPv4 FIB row (netstat shows only RTF_UP routes). */
export function inetRow(list: RouteList, i: number, ext: number, names: NetstatNames, numeric: boolean): string {
  const flags = list.inetFlags(i);
  const mask = list.inetMaskBytes(i);
  const net = routeDestinationName(names, numeric, list.inetDestinationBytes(i), mask, flags).slice(0, CUT);
  const gate = routeGatewayName(names, numeric, list.inetGatewayBytes(i)).slice(0, CUT);
  const maskText = inetNtoa(mask).slice(0, CUT);
  const letters = inetFlagLetters(flags);
  const [refcnt, use, metric, mss, window, irtt] = list.inetNumbers(i);
  const iface = byteString(list.inetIfaceBytes(i));
  const reject = (flags & RTF_REJECT) !== 0;
  const cols = `${left(net, 15)} ${left(gate, 15)} ${left(maskText, 15)} ${left(letters, 5)}`;
  const rcols = `${left(net, 15)} -               ${left(maskText, 15)} ${left(letters, 5)}`;
  if (ext === 1) {
    if (reject) return `${rcols} ${left(String(metric), 6)} -  ${right(use, 7)} -\n`;
    return `${cols} ${left(String(metric), 6)} ${left(String(refcnt), 2)} ${right(use, 7)} ${iface}\n`;
  }
  if (ext === 2) {
    if (reject) return `${rcols}     - -          - -\n`;
    return `${cols} ${right(mss, 5)} ${left(String(window), 5)} ${right(irtt, 6)} ${iface}\n`;
  }
  if (ext >= 3) {
    if (reject) return `${rcols} ${left(String(metric), 6)} -  ${right(use, 7)} -        -     -      -\n`;
    return `${cols} ${left(String(metric), 6)} ${left(String(refcnt), 3)} ${right(use, 6)} ${left(iface.slice(0, 6), 6)}   ${left(String(mss), 5)} ${left(String(window), 6)} ${irtt}\n`;
  }
  return '';
}

/** rt_cache heading; `format` decides the -ee columns. `unknownMask` for netstat's ERROR line. */
export function cacheHeading(ext: number, format: 'modern' | 'old' | 'unknown', unknownMask: number, path: string): string {
  let s = 'Kernel IP routing cache\n';
  if (format === 'unknown') s += `ERROR: proc_guess_fmt(${path},... returned: ${unknownMask}\n`;
  const d = 'Source          Destination     Gateway         ';
  if (ext === 1) s += `${d}Flags Metric Ref    Use Iface\n`;
  if (ext === 2) s += `${d}Flags   MSS Window  irtt Iface\n`;
  if (ext >= 3 && format === 'old') s += `${d}Flags Metric Ref    Use Iface    MSS   Window irtt  HH  Arp\n`;
  if (ext >= 3 && format === 'modern') s += `${d}Flags Metric Ref    Use Iface    MSS   Window irtt  TOS HHRef HHUptod     SpecDst\n`;
  return s;
}

/** The addresses of the cache rows (each goes through INET_sprint). */
export function cacheLookups(list: RouteList): Array<{ family: 4; addr: Uint8Array }> {
  const out: Array<{ family: 4; addr: Uint8Array }> = [];
  for (let i = 0; i < list.cacheCount; i++) {
    for (const k of [0, 1, 2, 3] as const) out.push({ family: 4, addr: list.cacheAddressBytes(i, k) });
  }
  return out;
}

/** One rt_cache row. `names` is set up with netstat's numeric flag. */
export function cacheRow(list: RouteList, i: number, ext: number, old: boolean, names: NetstatNames): string {
  const text = (k: 0 | 1 | 2 | 3) => names.host(4, list.cacheAddressBytes(i, k)).slice(0, CUT);
  const [dst, gw, src, spec] = [text(0), text(1), text(2), text(3)];
  const flags = cacheFlagLetters(list.cacheFlags(i), old);
  const [refcnt, use, metric, mss, window, irtt, x0, x1, x2] = list.cacheNumbers(i) as [number, number, number, number, number, number, number, number, number];
  const iface = byteString(list.cacheIfaceBytes(i));
  const cols = `${left(src, 15)} ${left(dst, 15)} ${left(gw, 15)} ${left(flags, 5)}`;
  let s = '';
  if (ext === 1) s += `${cols} ${left(String(metric), 6)} ${left(String(refcnt), 2)} ${right(use, 7)} ${iface}\n`;
  if (ext === 2) s += `${cols} ${right(mss, 5)} ${left(String(window), 5)} ${right(irtt, 6)} ${iface}\n`;
  if (ext >= 3) {
    const mid = `${cols} ${left(String(metric), 6)} ${left(String(refcnt), 3)} ${right(use, 6)} ${left(iface.slice(0, 6), 6)}   ${left(String(mss), 5)} ${left(String(window), 6)} `;
    if (old) s += `${mid}${left(String(irtt), 5)} ${left(String(x0), 3)} ${x1}\n`;
    else s += `${mid}${left(String(irtt), 5)} ${left(String(x0), 3)} ${left(String(x1), 3)}   ${left(String(x2), 3)} ${right(spec, 15)}\n`;
  }
  return s;
}

/** IPv6 heading (the same for every -e count). */
export function inet6Heading(cache: boolean): string {
  return `${cache ? 'Kernel IPv6 routing cache' : 'Kernel IPv6 routing table'}\nDestination                    Next Hop                   Flag Met Ref  Use If\n`;
}

/** Whether rprint_fib6 prints row `i` in the FIB (cache = false) or the cache listing. */
export function inet6Shown(list: RouteList, i: number, cache: boolean): boolean {
  return ((list.inet6Flags(i) & RTF_CACHE) !== 0) === cache;
}

/** The addresses the IPv6 table will look up. */
export function inet6Lookups(list: RouteList, cache: boolean): Array<{ family: 6; addr: Uint8Array }> {
  const out: Array<{ family: 6; addr: Uint8Array }> = [];
  for (let i = 0; i < list.inet6Count; i++) {
    if (!inet6Shown(list, i, cache)) continue;
    out.push({ family: 6, addr: list.inet6DestinationBytes(i) }, { family: 6, addr: list.inet6NextHopBytes(i) });
  }
  return out;
}

/** `%-30s %-26s %-4s %-3d %-1d %6d %s`. */
export function inet6Row(list: RouteList, i: number, names: NetstatNames): string {
  const dest = `${names.host(6, list.inet6DestinationBytes(i))}/${list.inet6DestinationPrefix(i)}`;
  const hop = names.host(6, list.inet6NextHopBytes(i));
  const [metric, refcnt, use] = list.inet6Numbers(i);
  return `${left(dest, 30)} ${left(hop, 26)} ${left(inet6FlagLetters(list.inet6Flags(i)), 4)} ${left(String(metric), 3)} ${left(String(refcnt), 1)} ${right(use, 6)} ${byteString(list.inet6IfaceBytes(i))}\n`;
}
