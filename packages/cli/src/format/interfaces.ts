/**
 * The interface table (lib/interface.c ife_print_short) and ifconfig's long
 * form that `netstat -ie` prints (ife_print_long), with net-tools 2.10's
 * rules. Byte strings throughout (see output.ts).
 */
import { IFF as IFF_BITS, INTERFACE_FLAG_NAMES as FLAG_NAMES_FOR_IFCONFIG, inetNtoa, inetNtop6, isV4Mapped, type InterfaceList } from '@fastnetstat/core';
import { byteString } from '../output.js';
import { left, right } from './printf.js';

export const SHORT_HEADING = 'Iface             MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg\n';

/** The letters of the Flg column, in netstat's order. */
function shortFlags(flags: number): string {
  let s = flags === 0 ? '[NO FLAGS]' : '';
  for (const [bit, letter] of [
    [IFF_BITS.ALLMULTI, 'A'], [IFF_BITS.BROADCAST, 'B'], [IFF_BITS.DEBUG, 'D'], [IFF_BITS.LOOPBACK, 'L'],
    [IFF_BITS.MULTICAST, 'M'], [IFF_BITS.DYNAMIC, 'd'], [IFF_BITS.PROMISC, 'P'], [IFF_BITS.NOTRAILERS, 'N'],
    [IFF_BITS.NOARP, 'O'], [IFF_BITS.POINTOPOINT, 'P'], [IFF_BITS.SLAVE, 's'], [IFF_BITS.MASTER, 'm'],
    [IFF_BITS.RUNNING, 'R'], [IFF_BITS.UP, 'U'],
  ] as const) {
    if (flags & bit) s += letter;
  }
  return s;
}

/** ife_print_short. */
export function shortRow(list: InterfaceList, i: number): string {
  let s = `${left(byteString(list.nameBytes(i)).slice(0, 15), 15)} ${right(list.mtu(i), 5)} `;
  if (list.hasStatistics(i)) {
    const st = list.statisticsBig(i);
    // rx packets, errors, dropped, fifo; tx packets, errors, dropped, fifo
    s += `${right(String(st[1]), 8)} ${right(String(st[2]), 6)} ${right(String(st[3]), 6)} ${left(String(st[4]), 6)} `;
    s += `${right(String(st[9]), 8)} ${right(String(st[10]), 6)} ${right(String(st[11]), 6)} ${right(String(st[12]), 6)} `;
  } else {
    s += left('     - no statistics available -', 56);
  }
  return `${s}${shortFlags(list.flags(i))}\n`;
}

interface HwType {
  name: string;
  title: string;
  /** Bytes that count for "null address" and that the printer shows. */
  alen: number;
  print?: (a: Uint8Array) => string;
  suppressNull?: boolean;
}

const hex = (b: number) => b.toString(16).padStart(2, '0');
const HEX = (b: number) => hex(b).toUpperCase();
const colons = (n: number, f: (b: number) => string) => (a: Uint8Array) => Array.from(a.subarray(0, n), f).join(':');

/** lib/hw.c's table, for the ARPHRD types netstat 2.10 (Debian) knows; others print as unspec. */
const HW_TYPES: Record<number, HwType> = {
  772: { name: 'loop', title: 'Local Loopback', alen: 0 },
  256: { name: 'slip', title: 'Serial Line IP', alen: 0 },
  257: { name: 'cslip', title: 'VJ Serial Line IP', alen: 0 },
  258: { name: 'slip6', title: '6-bit Serial Line IP', alen: 0 },
  259: { name: 'cslip6', title: 'VJ 6-bit Serial Line IP', alen: 0 },
  264: { name: 'adaptive', title: 'Adaptive Serial Line IP', alen: 0 },
  1: { name: 'ether', title: 'Ethernet', alen: 6, print: colons(6, hex) },
  768: { name: 'tunnel', title: 'IPIP Tunnel', alen: 0, print: () => '' },
  512: { name: 'ppp', title: 'Point-to-Point Protocol', alen: 0 },
  7: { name: 'arcnet', title: 'ARCnet', alen: 1, print: colons(1, HEX) },
  776: { name: 'sit', title: 'IPv6-in-IPv4', alen: 0 },
  774: { name: 'fddi', title: 'Fiber Distributed Data Interface', alen: 6, print: colons(6, HEX) },
  780: { name: 'hippi', title: 'HIPPI', alen: 6, print: colons(6, HEX) },
  783: { name: 'irda', title: 'IrLAP', alen: 4, print: colons(4, hex) },
  27: { name: 'eui64', title: 'Generic EUI-64', alen: 8, print: colons(8, HEX) },
};

/** pr_unspec: the 16 bytes of a struct sockaddr (netstat keeps 8 of the address; the rest are 0). */
function unspec(a: Uint8Array): string {
  const b = new Uint8Array(16);
  b.set(a.subarray(0, 8));
  return Array.from(b, HEX).join('-');
}
const UNSPEC: HwType = { name: 'unspec', title: 'UNSPEC', alen: 0, print: unspec };

/** The hardware name, title and address text ifconfig shows. */
export function hardware(type: number, addr: Uint8Array): { name: string; title: string; address?: string } {
  const hw = HW_TYPES[type] ?? UNSPEC;
  const isNull = addr.subarray(0, hw.alen).every((b) => b === 0);
  const address = hw.print && !(isNull && hw.suppressNull) ? hw.print(addr) : undefined;
  return { name: hw.name, title: hw.title, address };
}

/** ife_print_long's units, largest first (EiB divides n by 2^60 / 10: n * 10 could overflow). */
const BINARY_UNITS: ReadonlyArray<readonly [unit: string, above: bigint]> = [
  ['PiB', 1n << 50n],
  ['TiB', 1n << 40n],
  ['GiB', 1n << 30n],
  ['MiB', 1n << 20n],
  ['KiB', 1n << 10n],
];

/** ife_print_long's byte counts with binary units: "(239.5 MiB)". */
function humanBytes(n: bigint): string {
  // netstat's tenths: n * 10 in 64 bits, then divided by the unit
  let tenths = (n * 10n) & ((1n << 64n) - 1n);
  let unit = 'B';
  if (n > 1n << 60n) {
    tenths = n / 115292150460684697n;
    unit = 'EiB';
  } else {
    const found = BINARY_UNITS.find(([, above]) => n > above);
    if (found) {
      tenths /= found[1];
      unit = found[0];
    }
  }
  return `${tenths / 10n}.${tenths % 10n} ${unit}`;
}

/** "flags=4163<UP,BROADCAST,RUNNING,MULTICAST>", quirks included (flags 0 prints "flags=0<"). */
function longFlags(flags: number): string {
  let s = `flags=${(flags << 16) >> 16}<`;
  if (flags === 0) s += '>';
  for (const [bit, name] of FLAG_NAMES_FOR_IFCONFIG) if (flags & bit) s += `${name},`;
  return s.endsWith(',') ? `${s.slice(0, -1)}>` : s.slice(0, -1);
}

/** "<global>", "<link>", "<compat,global>"... after "scopeid 0x..". */
function scopeText(scope: number): string {
  let s = '<';
  if (scope & 0x80) {
    s += 'compat,';
    scope -= 0x80;
  }
  if (scope === 0) s += 'global,';
  if (scope & 0x20) s += 'link,';
  if (scope & 0x40) s += 'site,';
  if (scope & 0x10) s += 'host,';
  return s.endsWith(',') ? `${s.slice(0, -1)}>` : s.slice(0, -1);
}

/** lib/inet6.c fix_v4_address, applied by INET6_sprint. */
function inet6Text(addr: Uint8Array): string {
  const text = inetNtop6(addr);
  if (!isV4Mapped(addr)) return text;
  let s = text.indexOf('.');
  if (s < 0) return text;
  while (s > 0 && text[s] !== ':') s--;
  return text[s] === ':' ? text.slice(s + 1) : text;
}

const PORT_NAMES = ['unknown', '10base2', '10baseT', 'AUI', '100baseT', '100baseTX', '100baseFX'];

/** ife_print_long, blank line included. */
export function longForm(list: InterfaceList, i: number): string {
  const nameBytes = list.nameBytes(i);
  const name = byteString(nameBytes);
  const flags = list.flags(i);
  let s = `${name}: ${longFlags(flags)}  mtu ${list.mtu(i)}\n`;
  if (list.hasIpv4(i)) {
    const ip = (k: 0 | 1 | 2 | 3) => {
      const b = list.ipv4Bytes(i, k);
      return b ? inetNtoa(b) : '[NONE SET]';
    };
    s += `        inet ${ip(0)}  netmask ${ip(3)}`;
    if (flags & IFF_BITS.BROADCAST) s += `  broadcast ${ip(2)}`;
    if (flags & IFF_BITS.POINTOPOINT) s += `  destination ${ip(1)}`;
    s += '\n';
  }
  for (let j = 0; j < list.inet6Count; j++) {
    if (Buffer.compare(Buffer.from(list.inet6NameBytes(j)), Buffer.from(nameBytes)) !== 0) continue;
    const [, plen, scope] = list.inet6Numbers(j);
    s += `        inet6 ${inet6Text(list.inet6AddressBytes(j))}  prefixlen ${plen}  scopeid 0x${scope.toString(16)}${scopeText(scope)}\n`;
  }
  const type = list.hardwareType(i);
  const hw = hardware(type, list.hardwareAddressBytes(i));
  s += hw.address !== undefined ? `        ${hw.name} ${hw.address}` : `        ${hw.name}`;
  const txq = list.txQueueLength(i);
  if (txq !== -1) s += `  txqueuelen ${txq}`;
  s += `  (${hw.title})\n`;
  const map = list.map(i);
  if (flags & IFF_BITS.PORTSEL) {
    s += `        media ${PORT_NAMES[map.port] ?? ''}`;
    if (flags & IFF_BITS.AUTOMEDIA) s += 'autoselect';
    s += '\n';
  }
  if (list.hasStatistics(i)) {
    const st = list.statisticsBig(i);
    const compress = type === 257 || type === 259;
    s += `        RX packets ${st[1]}  bytes ${st[0]} (${humanBytes(st[0]!)})\n`;
    if (compress) s += `        RX compressed:${st[6]}\n`;
    s += `        RX errors ${st[2]}  dropped ${st[3]}  overruns ${st[4]}  frame ${st[5]}\n`;
    s += `        TX packets ${st[9]}  bytes ${st[8]} (${humanBytes(st[8]!)})\n`;
    if (compress) s += `        TX compressed ${st[15]}\n`;
    s += `        TX errors ${st[10]}  dropped ${st[11]} overruns ${st[12]}  carrier ${st[14]}  collisions ${st[13]}\n`;
  }
  const [memStart, memEnd] = list.mapMemory(i);
  if (map.irq || memStart || map.dma || map.baseAddress >= 0x100) {
    s += '        device ';
    if (map.irq) s += `interrupt ${map.irq}  `;
    if (map.baseAddress >= 0x100) s += `base 0x${map.baseAddress.toString(16)}  `;
    if (memStart) s += `memory 0x${memStart.toString(16)}-${memEnd.toString(16)}  `;
    if (map.dma) s += `  dma 0x${map.dma.toString(16)}`;
    s += '\n';
  }
  return `${s}\n`;
}
