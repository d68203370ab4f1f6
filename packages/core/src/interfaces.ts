/**
 * Network interfaces as net-tools netstat lists them: names from
 * /proc/net/dev and the IPv4 labels (aliases such as `eth0:1` included),
 * sorted as netstat sorts them; flags, hardware address, MTU and IPv4
 * configuration from the kernel (ioctls, in the caller's network
 * namespace); counters from /proc/net/dev; IPv6 addresses from
 * /proc/net/if_inet6. One packed buffer from the native core
 * (crates/fastnetstat-node/src/wire_interfaces.rs: every offset here mirrors it).
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
import { checkProcRoot, decodeUtf8, errnoName, reportError, stringBytes, type FileStatus, type ReportError } from './report.js';
import { checkWire, readReport } from './wire.js';

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

const MAGIC = 0x46494e46;
const VERSION = 1;
const HEADER = 64;
const ROW = 200;
const INET6 = 40;

/** ifconfig's flag names in its print order. */
export const FLAG_NAMES: ReadonlyArray<[number, string]> = [
  [IFF.UP, 'UP'], [IFF.BROADCAST, 'BROADCAST'], [IFF.DEBUG, 'DEBUG'], [IFF.LOOPBACK, 'LOOPBACK'],
  [IFF.POINTOPOINT, 'POINTOPOINT'], [IFF.NOTRAILERS, 'NOTRAILERS'], [IFF.RUNNING, 'RUNNING'], [IFF.NOARP, 'NOARP'],
  [IFF.PROMISC, 'PROMISC'], [IFF.ALLMULTI, 'ALLMULTI'], [IFF.SLAVE, 'SLAVE'], [IFF.MASTER, 'MASTER'],
  [IFF.MULTICAST, 'MULTICAST'], [IFF.DYNAMIC, 'DYNAMIC'],
];

/** The result of one listing, with column access by row index. */
export class InterfaceList {
  /** @internal */ readonly view: DataView;
  /** @internal */ readonly bytes: Uint8Array;
  readonly length: number;
  readonly inet6Count: number;
  readonly #at: number;
  readonly #inet6At: number;
  readonly #stringsAt: number;

  /** @internal */
  constructor(buffer: Uint8Array) {
    this.view = checkWire(buffer, MAGIC, VERSION, HEADER);
    this.bytes = buffer;
    this.length = this.view.getUint32(8, true);
    this.inet6Count = this.view.getUint32(12, true);
    this.#at = this.view.getUint32(16, true);
    this.#inet6At = this.view.getUint32(20, true);
    this.#stringsAt = this.view.getUint32(24, true);
  }

  #row(i: number): number {
    return this.#at + i * ROW;
  }
  nameBytes(i: number): Uint8Array {
    const at = this.#row(i);
    return stringBytes(this.bytes, this.#stringsAt, this.view.getUint32(at, true), this.view.getUint32(at + 4, true));
  }
  /** errno of the failed SIOCGIFFLAGS, 0 when fetched. */
  fetchErrno(i: number): number {
    return this.view.getInt32(this.#row(i) + 8, true);
  }
  flags(i: number): number {
    return this.view.getUint16(this.#row(i) + 12, true);
  }
  hardwareType(i: number): number {
    return this.view.getUint16(this.#row(i) + 14, true);
  }
  hardwareAddressBytes(i: number): Uint8Array {
    const at = this.#row(i) + 16;
    return this.bytes.subarray(at, at + 8);
  }
  mtu(i: number): number {
    return this.view.getInt32(this.#row(i) + 24, true);
  }
  txQueueLength(i: number): number {
    return this.view.getInt32(this.#row(i) + 28, true);
  }
  map(i: number): NetInterface['map'] {
    const at = this.#row(i);
    return {
      memStart: Number(this.view.getBigUint64(at + 32, true)),
      memEnd: Number(this.view.getBigUint64(at + 40, true)),
      baseAddress: this.view.getUint16(at + 48, true),
      irq: this.view.getUint8(at + 50),
      dma: this.view.getUint8(at + 51),
      port: this.view.getUint8(at + 52),
    };
  }
  /** mem_start and mem_end exactly. */
  mapMemory(i: number): [bigint, bigint] {
    const at = this.#row(i);
    return [this.view.getBigUint64(at + 32, true), this.view.getBigUint64(at + 40, true)];
  }
  hasIpv4(i: number): boolean {
    return this.view.getUint8(this.#row(i) + 53) !== 0;
  }
  /** address, destination, broadcast, netmask: 4 bytes each, undefined when not set. */
  ipv4Bytes(i: number, which: 0 | 1 | 2 | 3): Uint8Array | undefined {
    const at = this.#row(i);
    if (!this.hasIpv4(i)) return undefined;
    if (which > 0 && !(this.view.getUint8(at + 54) & (1 << (which - 1)))) return undefined;
    return this.bytes.subarray(at + 56 + which * 4, at + 60 + which * 4);
  }
  hasStatistics(i: number): boolean {
    return this.view.getUint8(this.#row(i) + 55) !== 0;
  }
  /** The 16 counters in /proc/net/dev order (see STATISTICS_FIELDS), exact. */
  statisticsBig(i: number): bigint[] {
    const at = this.#row(i) + 72;
    return Array.from({ length: 16 }, (_, k) => this.view.getBigUint64(at + k * 8, true));
  }

  // ---- /proc/net/if_inet6 records ----
  #r6(j: number): number {
    return this.#inet6At + j * INET6;
  }
  inet6AddressBytes(j: number): Uint8Array {
    const at = this.#r6(j);
    return this.bytes.subarray(at, at + 16);
  }
  /** ifindex, prefix length, scope, flags */
  inet6Numbers(j: number): [number, number, number, number] {
    const at = this.#r6(j) + 16;
    return [0, 1, 2, 3].map((k) => this.view.getUint32(at + k * 4, true)) as [number, number, number, number];
  }
  inet6NameBytes(j: number): Uint8Array {
    const at = this.#r6(j);
    return stringBytes(this.bytes, this.#stringsAt, this.view.getUint32(at + 32, true), this.view.getUint16(at + 36, true));
  }

  /** ifconfig's own reading of SIOCGIFCONF and socket failures (errno names). */
  get ifconfError(): string | undefined {
    const e = this.view.getInt32(44, true);
    return e ? errnoName(e) : undefined;
  }
  /** errno number of a failed SIOCGIFCONF (0: none); its text is `errorMessage(n)`. */
  get ifconfErrno(): number {
    return this.view.getInt32(44, true);
  }
  /** errno number when ifconfig's socket could not be made (0: none). */
  get socketErrno(): number {
    return this.view.getInt32(48, true);
  }

  report(file: 'dev' | 'if_inet6'): InterfacesReport {
    const r = readReport(this.view, file === 'dev' ? 28 : 36);
    return { file, status: r.status, ...reportError(r) };
  }

  get reports(): InterfacesReport[] {
    return (['dev', 'if_inet6'] as const).map((f) => this.report(f)).filter((r) => r.status !== 'not-requested');
  }

  /** The IPv6 records of /proc/net/if_inet6 whose name is `name`. */
  ipv6Of(name: string): Ipv6InterfaceAddress[] {
    const out: Ipv6InterfaceAddress[] = [];
    for (let j = 0; j < this.inet6Count; j++) {
      if (decodeUtf8(this.inet6NameBytes(j)) !== name) continue;
      const [ifindex, prefixLength, scope, flags] = this.inet6Numbers(j);
      out.push({ address: inetNtop6(this.inet6AddressBytes(j)), prefixLength, scope, flags, ifindex });
    }
    return out;
  }

  /** One interface, decoded. */
  at(i: number): NetInterface {
    const name = decodeUtf8(this.nameBytes(i));
    const flags = this.flags(i);
    const errno = this.fetchErrno(i);
    const ip = (k: 0 | 1 | 2 | 3) => {
      const b = this.ipv4Bytes(i, k);
      return b ? inetNtoa(b) : null;
    };
    const stats = this.hasStatistics(i) ? this.statisticsBig(i) : undefined;
    const hw = Array.from(this.hardwareAddressBytes(i), (b) => b.toString(16).padStart(2, '0')).join(':');
    const out: NetInterface = {
      name,
      flags,
      flagNames: FLAG_NAMES.filter(([bit]) => flags & bit).map(([, n]) => n),
      up: (flags & IFF.UP) !== 0,
      mtu: this.mtu(i),
      hardwareType: this.hardwareType(i),
      hardwareAddress: hw,
      txQueueLength: this.txQueueLength(i),
      map: this.map(i),
      ipv4: this.hasIpv4(i) ? { address: ip(0)!, destination: ip(1), broadcast: ip(2), netmask: ip(3) } : null,
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
  const req = request(options);
  return new InterfaceList(callNative(() => native().listInterfacesSync(req)));
}

/** Lists interfaces off the main thread. */
export async function interfaces(options: InterfacesOptions = {}): Promise<InterfaceList> {
  const req = request(options);
  const buffer = await awaitNative(() => native().listInterfaces(req));
  return new InterfaceList(buffer);
}
