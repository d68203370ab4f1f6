/**
 * The routing tables (lib/inet_gr.c rprint_fib and rprint_cache,
 * lib/inet6_gr.c rprint_fib6), with net-tools 2.10's column rules. Byte
 * strings throughout (see output.ts).
 */
import {
  inetNtoa,
  RouteList,
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

/** The letters rprint_fib prints for an IPv4 route (a reject route starts over with "!"). */
export function inetFlagLetters(f: number): string {
  let s = '';
  if (f & RTF_UP) s += 'U';
  if (f & RTF_GATEWAY) s += 'G';
  if (f & RTF_REJECT) s = '!';
  if (f & RTF_HOST) s += 'H';
  if (f & RTF_REINSTATE) s += 'R';
  if (f & RTF_DYNAMIC) s += 'D';
  if (f & RTF_MODIFIED) s += 'M';
  if (f & RTF_DEFAULT) s += 'd';
  if (f & RTF_ALLONLINK) s += 'a';
  if (f & RTF_ADDRCONF) s += 'c';
  if (f & RTF_NONEXTHOP) s += 'o';
  if (f & RTF_EXPIRES) s += 'e';
  if (f & RTF_CACHE) s += 'c';
  if (f & RTF_FLOW) s += 'f';
  if (f & RTF_POLICY) s += 'p';
  if (f & RTF_LOCAL) s += 'l';
  if (f & RTF_MTU) s += 'u';
  if (f & RTF_WINDOW) s += 'w';
  if (f & RTF_IRTT) s += 'i';
  if (f & RTF_NOTCACHED) s += 'n';
  return s;
}

/** The letters rprint_cache prints (`old`: the 2.0 layout). */
export function cacheFlagLetters(f: number, old: boolean): string {
  let s = '';
  if (old) {
    if (f & RTF_UP) s += 'U';
    if (f & RTF_HOST) s += 'H';
  }
  if (f & RTF_GATEWAY) s += 'G';
  if (f & RTF_REJECT) s = '!';
  if (f & RTF_REINSTATE) s += 'R';
  if (f & RTF_DYNAMIC) s += 'D';
  if (f & RTF_MODIFIED) s += 'M';
  if (!old) {
    if (f & RTCF.DEAD) s += '-';
    if (f & RTCF.ONLINK) s += 'o';
  }
  if (f & RTCF.NOTIFY) s += 'n';
  if (f & RTCF.DIRECTDST) s += 'd';
  if (f & RTCF.TPROXY) s += 't';
  if (f & RTCF.FAST) s += 'f';
  if (f & RTCF.MASQ) s += 'q';
  if (f & RTCF.SNAT) s += 'Ns';
  if (f & RTCF.DOREDIRECT) s += 'r';
  if (f & RTCF.DIRECTSRC) s += 'i';
  if (f & RTCF.DNAT) s += 'Nd';
  if (f & RTCF.BROADCAST) s += 'b';
  if (f & RTCF.MULTICAST) s += 'm';
  if (f & RTCF.REJECT) s += '#';
  if (f & RTCF.LOCAL) s += 'l';
  return s;
}

/** The letters rprint_fib6 prints. */
export function inet6FlagLetters(f: number): string {
  let s = '';
  if (f & RTF_UP) s += 'U';
  if (f & RTF_REJECT) s += '!';
  if (f & RTF_GATEWAY) s += 'G';
  if (f & RTF_HOST) s += 'H';
  if (f & RTF_DEFAULT) s += 'D';
  if (f & RTF_ADDRCONF) s += 'A';
  if (f & RTF_CACHE) s += 'C';
  if (f & RTF_ALLONLINK) s += 'a';
  if (f & RTF_EXPIRES) s += 'e';
  if (f & RTF_MODIFIED) s += 'm';
  if (f & RTF_NONEXTHOP) s += 'n';
  if (f & RTF_FLOW) s += 'f';
  return s;
}

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
