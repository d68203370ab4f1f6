/**
 * Network interfaces as net-tools netstat lists them: names from
 * /proc/net/dev and the IPv4 labels (aliases such as `eth0:1` included),
 * sorted as netstat sorts them; flags, hardware address, MTU and IPv4
 * configuration from the kernel (ioctls, in the caller's network
 * namespace); counters from /proc/net/dev; IPv6 addresses from
 * /proc/net/if_inet6. One packed buffer from the native core
 * (layout: `tables.interfaces` in scripts/wire-layout.mjs; the field
 * accessors used here are generated from it in wire-tables.ts).
 *
 * ```ts
 * import { interfaces } from '@fastnetstat/core';
 * for (const i of (await interfaces()).interfaces) if (i.up) console.log(i.name, i.mtu, i.statistics?.rxBytes);
 * ```
 *
 * @module
 */
import { awaitNative, callNative } from './errors.js';
import { inetNtoa, inetNtop6 } from './names/inet.js';
import { native } from './native.js';
import { PackedList } from './packed.js';
import { checkProcRoot, decodeUtf8, errnoName, reportError, type FileStatus, type ReportError } from './report.js';
import { INTERFACES_FORMAT, InterfacesHeader, InterfacesIface, InterfacesInet6 } from './wire-tables.js';

/** Interface flags (the 16 bits of SIOCGIFFLAGS), by their <net/if.h> names. */
export const IFF = {
  UP: 0x1,
  BROADCAST: 0x2,
  DEBUG: 0x4,
  LOOPBACK: 0x8,
  POINTOPOINT: 0x10,
  NOTRAILERS: 0x20,
  RUNNING: 0x40,
  NOARP: 0x80,
  PROMISC: 0x100,
  ALLMULTI: 0x200,
  MASTER: 0x400,
  SLAVE: 0x800,
  MULTICAST: 0x1000,
  PORTSEL: 0x2000,
  AUTOMEDIA: 0x4000,
  DYNAMIC: 0x8000,
} as const;

export interface InterfacesOptions {
  /** Read a /proc tree other than the live one (counters and IPv6 addresses; flags always come from the kernel). */
  procRoot?: string;
  /** Read /proc/net/if_inet6 too (default true). */
  ipv6Addresses?: boolean;
}

/** Counters from /proc/net/dev. Numbers (exact up to 2^53; bigint accessors on the list). */
export interface InterfaceStatistics {
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDropped: number;
  rxFifoErrors: number;
  rxFrameErrors: number;
  rxCompressed: number;
  rxMulticast: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDropped: number;
  txFifoErrors: number;
  collisions: number;
  txCarrierErrors: number;
  txCompressed: number;
}
export const STATISTICS_FIELDS: readonly (keyof InterfaceStatistics)[] = [
  'rxBytes', 'rxPackets', 'rxErrors', 'rxDropped', 'rxFifoErrors', 'rxFrameErrors', 'rxCompressed', 'rxMulticast',
  'txBytes', 'txPackets', 'txErrors', 'txDropped', 'txFifoErrors', 'collisions', 'txCarrierErrors', 'txCompressed',
];

/** One /proc/net/if_inet6 record. */
export interface Ipv6InterfaceAddress {
  address: string;
  prefixLength: number;
  /** The kernel's scope bits: 0 global, 0x10 host, 0x20 link, 0x40 site, 0x80 v4-compatible. */
  scope: number;
  /** IFA_F_* flags. */
  flags: number;
  ifindex: number;
}

/** One interface, decoded. */
export interface NetInterface {
  name: string;
  /** errno name when the kernel did not know the interface (netstat stops there). */
  error?: string;
  flags: number;
  /** Flag names in ifconfig's order (UP, BROADCAST, ...). */
  flagNames: string[];
  up: boolean;
  mtu: number;
  /** ARPHRD_* number. */
  hardwareType: number;
  /** The hardware address bytes netstat keeps (8), as hex pairs. */
  hardwareAddress: string;
  /** -1 when unknown. */
  txQueueLength: number;
  map: { memStart: number; memEnd: number; baseAddress: number; irq: number; dma: number; port: number };
  ipv4: { address: string; destination: string | null; broadcast: string | null; netmask: string | null } | null;
  ipv6: Ipv6InterfaceAddress[];
  /** Null for names /proc/net/dev lacks (IPv4 alias labels). */
  statistics: InterfaceStatistics | null;
}

export interface InterfacesReport extends ReportError {
  file: 'dev' | 'if_inet6';
  status: FileStatus;
}


/** ifconfig's flag names in its print order. */
export const FLAG_NAMES: ReadonlyArray<[number, string]> = [
  [IFF.UP, 'UP'], [IFF.BROADCAST, 'BROADCAST'], [IFF.DEBUG, 'DEBUG'], [IFF.LOOPBACK, 'LOOPBACK'],
  [IFF.POINTOPOINT, 'POINTOPOINT'], [IFF.NOTRAILERS, 'NOTRAILERS'], [IFF.RUNNING, 'RUNNING'], [IFF.NOARP, 'NOARP'],
  [IFF.PROMISC, 'PROMISC'], [IFF.ALLMULTI, 'ALLMULTI'], [IFF.SLAVE, 'SLAVE'], [IFF.MASTER, 'MASTER'],
  [IFF.MULTICAST, 'MULTICAST'], [IFF.DYNAMIC, 'DYNAMIC'],
];

/** The result of one listing, with column access by row index. */
export class InterfaceList extends PackedList {
  readonly length: number;
  readonly inet6Count: number;

  /** @internal */
  constructor(buffer: Uint8Array) {
    super(buffer, INTERFACES_FORMAT);
    [this.length, this.inet6Count] = this.counts as [number, number];
  }

  #row(i: number): number {
    return this.rowAt(0, i);
  }
  nameBytes(i: number): Uint8Array {
    return InterfacesIface.name(this, this.#row(i));
  }
  /** errno of the failed SIOCGIFFLAGS, 0 when fetched. */
  fetchErrno(i: number): number {
    return InterfacesIface.fetchErrno(this, this.#row(i));
  }
  flags(i: number): number {
    return InterfacesIface.flags(this, this.#row(i));
  }
  hardwareType(i: number): number {
    return InterfacesIface.hardwareType(this, this.#row(i));
  }
  hardwareAddressBytes(i: number): Uint8Array {
    return InterfacesIface.hardwareAddress(this, this.#row(i));
  }
  mtu(i: number): number {
    return InterfacesIface.mtu(this, this.#row(i));
  }
  txQueueLength(i: number): number {
    return InterfacesIface.txQueueLength(this, this.#row(i));
  }
  map(i: number): NetInterface['map'] {
    const at = this.#row(i);
    return {
      memStart: Number(InterfacesIface.memStart(this, at)),
      memEnd: Number(InterfacesIface.memEnd(this, at)),
      baseAddress: InterfacesIface.baseAddress(this, at),
      irq: InterfacesIface.irq(this, at),
      dma: InterfacesIface.dma(this, at),
      port: InterfacesIface.port(this, at),
    };
  }
  /** mem_start and mem_end exactly. */
  mapMemory(i: number): [bigint, bigint] {
    const at = this.#row(i);
    return [InterfacesIface.memStart(this, at), InterfacesIface.memEnd(this, at)];
  }
  hasIpv4(i: number): boolean {
    return InterfacesIface.hasIpv4(this, this.#row(i)) !== 0;
  }
  /** address, destination, broadcast, netmask: 4 bytes each, undefined when not set. */
  ipv4Bytes(i: number, which: 0 | 1 | 2 | 3): Uint8Array | undefined {
    const at = this.#row(i);
    if (!this.hasIpv4(i)) return undefined;
    if (which > 0 && !(InterfacesIface.ipv4Valid(this, at) & (1 << (which - 1)))) return undefined;
    return InterfacesIface.ipv4(this, at, which);
  }
  hasStatistics(i: number): boolean {
    return InterfacesIface.hasStatistics(this, this.#row(i)) !== 0;
  }
  /** The 16 counters in /proc/net/dev order (see STATISTICS_FIELDS), exact. */
  statisticsBig(i: number): bigint[] {
    const at = this.#row(i);
    return Array.from({ length: 16 }, (_, k) => InterfacesIface.statistics(this, at, k));
  }

  // ---- /proc/net/if_inet6 records ----
  #r6(j: number): number {
    return this.rowAt(1, j);
  }
  inet6AddressBytes(j: number): Uint8Array {
    return InterfacesInet6.address(this, this.#r6(j));
  }
  /** ifindex, prefix length, scope, flags */
  inet6Numbers(j: number): [number, number, number, number] {
    const at = this.#r6(j);
    const r = InterfacesInet6;
    return [r.ifindex(this, at), r.prefixLength(this, at), r.scope(this, at), r.flags(this, at)];
  }
  inet6NameBytes(j: number): Uint8Array {
    return InterfacesInet6.name(this, this.#r6(j));
  }

  /** ifconfig's own reading of SIOCGIFCONF and socket failures (errno names). */
  get ifconfError(): string | undefined {
    const e = this.ifconfErrno;
    return e ? errnoName(e) : undefined;
  }
  /** errno number of a failed SIOCGIFCONF (0: none); its text is `errorMessage(n)`. */
  get ifconfErrno(): number {
    return InterfacesHeader.ifconfErrno(this, 0);
  }
  /** errno number when ifconfig's socket could not be made (0: none). */
  get socketErrno(): number {
    return InterfacesHeader.socketErrno(this, 0);
  }

  report(file: 'dev' | 'if_inet6'): InterfacesReport {
    const r = (file === 'dev' ? InterfacesHeader.dev : InterfacesHeader.ifInet6)(this, 0);
    return { file, status: r.status, ...reportError(r) };
  }

  get reports(): InterfacesReport[] {
    return (['dev', 'if_inet6'] as const).map((f) => this.report(f)).filter((r) => r.status !== 'not-requested');
  }

  /** The IPv6 records of /proc/net/if_inet6 whose name is `name`. */
  ipv6Of(name: string): Ipv6InterfaceAddress[] {
    const out: Ipv6InterfaceAddress[] = [];
    const r = InterfacesInet6;
    for (let j = 0; j < this.inet6Count; j++) {
      const at = this.#r6(j);
      if (decodeUtf8(r.name(this, at)) !== name) continue;
      out.push({
        address: inetNtop6(r.address(this, at)),
        prefixLength: r.prefixLength(this, at),
        scope: r.scope(this, at),
        flags: r.flags(this, at),
        ifindex: r.ifindex(this, at),
      });
    }
    return out;
  }

  /** One interface, decoded. */
  at(i: number): NetInterface {
    const at = this.#row(i);
    const r = InterfacesIface;
    const name = decodeUtf8(r.name(this, at));
    const flags = r.flags(this, at);
    const errno = r.fetchErrno(this, at);
    const ip = (k: 0 | 1 | 2 | 3) => {
      const b = this.ipv4Bytes(i, k);
      return b ? inetNtoa(b) : null;
    };
    const stats = r.hasStatistics(this, at) !== 0 ? this.statisticsBig(i) : undefined;
    const hw = Array.from(r.hardwareAddress(this, at), (b) => b.toString(16).padStart(2, '0')).join(':');
    const out: NetInterface = {
      name,
      flags,
      flagNames: FLAG_NAMES.filter(([bit]) => flags & bit).map(([, n]) => n),
      up: (flags & IFF.UP) !== 0,
      mtu: r.mtu(this, at),
      hardwareType: r.hardwareType(this, at),
      hardwareAddress: hw,
      txQueueLength: r.txQueueLength(this, at),
      map: this.map(i),
      ipv4: r.hasIpv4(this, at) !== 0 ? { address: ip(0)!, destination: ip(1), broadcast: ip(2), netmask: ip(3) } : null,
      ipv6: this.ipv6Of(name),
      statistics: stats
        ? (Object.fromEntries(STATISTICS_FIELDS.map((f, k) => [f, Number(stats[k])])) as unknown as InterfaceStatistics)
        : null,
    };
    if (errno) out.error = errnoName(errno);
    return out;
  }

  /** Every interface, decoded. */
  get interfaces(): NetInterface[] {
    return Array.from({ length: this.length }, (_, i) => this.at(i));
  }

  *[Symbol.iterator](): Iterator<NetInterface> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }

  toJSON(): unknown {
    return { interfaces: this.interfaces, reports: this.reports };
  }
}

function request(options: InterfacesOptions) {
  checkProcRoot(options.procRoot);
  return { procRoot: options.procRoot, inet6: options.ipv6Addresses !== false };
}

/** Lists interfaces synchronously. */
export function interfacesSync(options: InterfacesOptions = {}): InterfaceList {
  return new InterfaceList(callNative(() => native().listInterfacesSync(request(options))));
}

/** Lists interfaces off the main thread. */
export async function interfaces(options: InterfacesOptions = {}): Promise<InterfaceList> {
  return new InterfaceList(await awaitNative(() => native().listInterfaces(request(options))));
}
