/**
 * Routing tables: /proc/net/route (IPv4), /proc/net/rt_cache (the IPv4
 * routing cache of old kernels) and /proc/net/ipv6_route, read as net-tools
 * netstat reads them, over one packed buffer from the native core
 * (crates/fastnetstat-node/src/wire_routes.rs: every offset here mirrors it).
 *
 * ```ts
 * import { routes, RTF_GATEWAY } from '@fastnetstat/core';
 * const list = await routes();
 * const defaults = list.inet.filter((r) => r.destination === '0.0.0.0' && r.flags & RTF_GATEWAY);
 * ```
 *
 * @module
 */
import { awaitNative, callNative, FastnetstatError } from './errors.js';
import { inetNtoa, inetNtop6 } from './names/inet.js';
import { native } from './native.js';
import { checkProcRoot, decodeUtf8, reportError, stringBytes, type FileStatus, type ReportError } from './report.js';
import { checkWire, readReport } from './wire.js';

/** The route files, by their name under /proc/net. */
export const ROUTE_TABLES = ['route', 'rt_cache', 'ipv6_route'] as const;
export type RouteTableName = (typeof ROUTE_TABLES)[number];

/** Route flags (linux/route.h, linux/ipv6_route.h). */
export const RTF_UP = 0x0001;
export const RTF_GATEWAY = 0x0002;
export const RTF_HOST = 0x0004;
export const RTF_REINSTATE = 0x0008;
export const RTF_DYNAMIC = 0x0010;
export const RTF_MODIFIED = 0x0020;
export const RTF_MTU = 0x0040;
export const RTF_WINDOW = 0x0080;
export const RTF_IRTT = 0x0100;
export const RTF_REJECT = 0x0200;
export const RTF_NOTCACHED = 0x0400;
export const RTF_DEFAULT = 0x0001_0000;
export const RTF_ALLONLINK = 0x0002_0000;
export const RTF_ADDRCONF = 0x0004_0000;
export const RTF_NONEXTHOP = 0x0020_0000;
export const RTF_EXPIRES = 0x0040_0000;
export const RTF_CACHE = 0x0100_0000;
export const RTF_FLOW = 0x0200_0000;
export const RTF_POLICY = 0x0400_0000;
export const RTF_LOCAL = 0x8000_0000;

export interface RoutesOptions {
  /** Files to read (default: route and ipv6_route). */
  tables?: readonly RouteTableName[];
  /** Read a /proc tree other than the live one. */
  procRoot?: string;
}

/** How reading one route file went. */
export interface RouteTableReport extends ReportError {
  table: RouteTableName;
  status: FileStatus;
  /** Lines too short to use (route: fewer than 10 fields; rt_cache: 12). */
  skippedLines: number;
  /** route: the header column netstat needs and did not find. */
  missingColumn?: string;
  /** rt_cache: the layout its header shows. */
  format?: RouteCacheFormat;
}

/** 'modern' (2.2+), 'old' (2.0), 'unknown' header, 'empty' file. */
export type RouteCacheFormat = 'none' | 'modern' | 'old' | 'unknown' | 'empty';
const CACHE_FORMATS: readonly RouteCacheFormat[] = ['none', 'modern', 'old', 'unknown', 'empty'];
const ROUTE_COLUMNS = ['Iface', 'Destination', 'Gateway', 'Flags', 'RefCnt', 'Use', 'Metric', 'Mask', 'MTU', 'Window', 'IRTT'];

/** One IPv4 route (a line of /proc/net/route). Addresses are dotted quads. */
export interface Ipv4Route {
  iface: string;
  destination: string;
  gateway: string;
  genmask: string;
  /** The mask as a prefix length when it is one (else -1). */
  prefixLength: number;
  flags: number;
  refCount: number;
  use: number;
  metric: number;
  /** The MTU column (netstat prints it as MSS). */
  mss: number;
  window: number;
  irtt: number;
}

/** One line of /proc/net/rt_cache. */
export interface Ipv4CacheRoute {
  iface: string;
  source: string;
  destination: string;
  gateway: string;
  specDst: string;
  flags: number;
  refCount: number;
  use: number;
  metric: number;
  mss: number;
  window: number;
  irtt: number;
  /** 2.2+ layout: TOS, HHRef, HHUptod. 2.0 layout: HH, ARP, 0. */
  extra: [number, number, number];
}

/** One IPv6 route (a line of /proc/net/ipv6_route). */
export interface Ipv6Route {
  iface: string;
  destination: string;
  destinationPrefix: number;
  source: string;
  sourcePrefix: number;
  nextHop: string;
  /** As the kernel's u32 (4294967295 for the reject routes netstat shows as -1). */
  metric: number;
  refCount: number;
  use: number;
  flags: number;
  /** False when the line did not parse completely (netstat then reuses the line before's fields). */
  complete: boolean;
}

const MAGIC = 0x54524e46;
const VERSION = 1;
const HEADER = 64;
const V4 = 48;
const CACHE = 64;
const V6 = 80;

function prefixOf(mask: Uint8Array): number {
  let bits = 0;
  let i = 0;
  for (; i < 4 && mask[i] === 0xff; i++) bits += 8;
  if (i < 4) {
    let b = mask[i]!;
    while (b & 0x80) {
      bits++;
      b = (b << 1) & 0xff;
    }
    if (b !== 0) return -1;
    for (i++; i < 4; i++) if (mask[i] !== 0) return -1;
  }
  return bits;
}

/**
 * The result of one read: column access by row index (no object per row
 * unless asked for), plus decoded rows on demand.
 */
export class RouteList {
  /** @internal */ readonly view: DataView;
  /** @internal */ readonly bytes: Uint8Array;
  readonly inetCount: number;
  readonly cacheCount: number;
  readonly inet6Count: number;
  readonly #inetAt: number;
  readonly #cacheAt: number;
  readonly #inet6At: number;
  readonly #stringsAt: number;
  readonly #requested: readonly RouteTableName[];

  /** @internal */
  constructor(buffer: Uint8Array, requested: readonly RouteTableName[] = ROUTE_TABLES) {
    this.view = checkWire(buffer, MAGIC, VERSION, HEADER);
    this.bytes = buffer;
    const v = this.view;
    this.inetCount = v.getUint32(8, true);
    this.cacheCount = v.getUint32(12, true);
    this.inet6Count = v.getUint32(16, true);
    this.#inetAt = v.getUint32(20, true);
    this.#cacheAt = v.getUint32(24, true);
    this.#inet6At = v.getUint32(28, true);
    this.#stringsAt = v.getUint32(32, true);
    this.#requested = requested;
  }

  #iface(at: number, lengthBytes: 2 | 4): Uint8Array {
    const off = this.view.getUint32(at, true);
    const len = lengthBytes === 4 ? this.view.getUint32(at + 4, true) : this.view.getUint16(at + 4, true);
    return stringBytes(this.bytes, this.#stringsAt, off, len);
  }

  #bytes(at: number, length: number): Uint8Array {
    return this.bytes.subarray(at, at + length);
  }

  // ---- IPv4 FIB, by row index ----
  /** @internal */ inetAt(i: number): number {
    return this.#inetAt + i * V4;
  }
  inetDestinationBytes(i: number): Uint8Array {
    return this.#bytes(this.inetAt(i), 4);
  }
  inetGatewayBytes(i: number): Uint8Array {
    return this.#bytes(this.inetAt(i) + 4, 4);
  }
  inetMaskBytes(i: number): Uint8Array {
    return this.#bytes(this.inetAt(i) + 8, 4);
  }
  inetFlags(i: number): number {
    return this.view.getUint32(this.inetAt(i) + 12, true);
  }
  /** refcnt, use, metric, mss, window, irtt */
  inetNumbers(i: number): [number, number, number, number, number, number] {
    const at = this.inetAt(i) + 16;
    const g = (k: number) => this.view.getInt32(at + k * 4, true);
    return [g(0), g(1), g(2), g(3), g(4), g(5)];
  }
  inetIfaceBytes(i: number): Uint8Array {
    return this.#iface(this.inetAt(i) + 40, 4);
  }

  // ---- IPv4 cache ----
  /** @internal */ cacheAt(i: number): number {
    return this.#cacheAt + i * CACHE;
  }
  /** destination, gateway, source, specdst (4 bytes each). */
  cacheAddressBytes(i: number, which: 0 | 1 | 2 | 3): Uint8Array {
    return this.#bytes(this.cacheAt(i) + which * 4, 4);
  }
  cacheFlags(i: number): number {
    return this.view.getUint32(this.cacheAt(i) + 16, true);
  }
  /** refcnt, use, metric, mss, window, irtt, extra0, extra1, extra2 */
  cacheNumbers(i: number): number[] {
    const at = this.cacheAt(i) + 20;
    return Array.from({ length: 9 }, (_, k) => this.view.getInt32(at + k * 4, true));
  }
  cacheIfaceBytes(i: number): Uint8Array {
    return this.#iface(this.cacheAt(i) + 56, 4);
  }

  // ---- IPv6 ----
  /** @internal */ inet6At(i: number): number {
    return this.#inet6At + i * V6;
  }
  inet6DestinationBytes(i: number): Uint8Array {
    return this.#bytes(this.inet6At(i), 16);
  }
  inet6SourceBytes(i: number): Uint8Array {
    return this.#bytes(this.inet6At(i) + 16, 16);
  }
  inet6NextHopBytes(i: number): Uint8Array {
    return this.#bytes(this.inet6At(i) + 32, 16);
  }
  inet6DestinationPrefix(i: number): number {
    return this.view.getUint32(this.inet6At(i) + 48, true);
  }
  inet6SourcePrefix(i: number): number {
    return this.view.getUint32(this.inet6At(i) + 52, true);
  }
  /** metric, refcnt, use as netstat's ints (0xffffffff is -1). */
  inet6Numbers(i: number): [number, number, number] {
    const at = this.inet6At(i) + 56;
    return [this.view.getInt32(at, true), this.view.getInt32(at + 4, true), this.view.getInt32(at + 8, true)];
  }
  inet6Flags(i: number): number {
    return this.view.getUint32(this.inet6At(i) + 68, true);
  }
  inet6IfaceBytes(i: number): Uint8Array {
    return this.#iface(this.inet6At(i) + 72, 2);
  }
  inet6Conversions(i: number): number {
    return this.view.getInt8(this.inet6At(i) + 78);
  }

  /** The report for one file. */
  report(table: RouteTableName): RouteTableReport {
    const at = table === 'route' ? 36 : table === 'rt_cache' ? 44 : 52;
    const r = readReport(this.view, at);
    const out: RouteTableReport = { table, status: r.status, ...reportError(r), skippedLines: r.count };
    if (table === 'route' && r.detail > 0) out.missingColumn = ROUTE_COLUMNS[r.detail - 1];
    if (table === 'rt_cache' && r.status === 'read') out.format = CACHE_FORMATS[r.detail] ?? 'unknown';
    return out;
  }

  /** The header bit mask netstat prints when the rt_cache layout is unknown. */
  get cacheFormatMask(): number {
    return this.view.getInt32(60, true);
  }

  get reports(): RouteTableReport[] {
    return this.#requested.map((t) => this.report(t)).filter((r) => r.status !== 'not-requested');
  }

  /** IPv4 routes, decoded. */
  get inet(): Ipv4Route[] {
    return Array.from({ length: this.inetCount }, (_, i) => {
      const [refCount, use, metric, mss, window, irtt] = this.inetNumbers(i);
      const mask = this.inetMaskBytes(i);
      return {
        iface: decodeUtf8(this.inetIfaceBytes(i)),
        destination: inetNtoa(this.inetDestinationBytes(i)),
        gateway: inetNtoa(this.inetGatewayBytes(i)),
        genmask: inetNtoa(mask),
        prefixLength: prefixOf(mask),
        flags: this.inetFlags(i),
        refCount, use, metric, mss, window, irtt,
      };
    });
  }

  /** rt_cache lines, decoded. */
  get cache(): Ipv4CacheRoute[] {
    return Array.from({ length: this.cacheCount }, (_, i) => {
      const n = this.cacheNumbers(i);
      return {
        iface: decodeUtf8(this.cacheIfaceBytes(i)),
        destination: inetNtoa(this.cacheAddressBytes(i, 0)),
        gateway: inetNtoa(this.cacheAddressBytes(i, 1)),
        source: inetNtoa(this.cacheAddressBytes(i, 2)),
        specDst: inetNtoa(this.cacheAddressBytes(i, 3)),
        flags: this.cacheFlags(i),
        refCount: n[0]!, use: n[1]!, metric: n[2]!, mss: n[3]!, window: n[4]!, irtt: n[5]!,
        extra: [n[6]!, n[7]!, n[8]!],
      };
    });
  }

  /** IPv6 routes, decoded. */
  get inet6(): Ipv6Route[] {
    return Array.from({ length: this.inet6Count }, (_, i) => {
      const [metric, refCount, use] = this.inet6Numbers(i);
      return {
        iface: decodeUtf8(this.inet6IfaceBytes(i)),
        destination: inetNtop6(this.inet6DestinationBytes(i)),
        destinationPrefix: this.inet6DestinationPrefix(i),
        source: inetNtop6(this.inet6SourceBytes(i)),
        sourcePrefix: this.inet6SourcePrefix(i),
        nextHop: inetNtop6(this.inet6NextHopBytes(i)),
        metric: metric >>> 0,
        refCount: refCount >>> 0,
        use: use >>> 0,
        flags: this.inet6Flags(i),
        complete: this.inet6Conversions(i) === 31,
      };
    });
  }

  toJSON(): unknown {
    return { inet: this.inet, cache: this.cache, inet6: this.inet6, reports: this.reports };
  }
}

function nativeOptions(options: RoutesOptions) {
  const tables = options.tables ?? ['route', 'ipv6_route'];
  for (const t of tables) {
    if (!ROUTE_TABLES.includes(t)) throw new FastnetstatError('EINVAL', `unknown route table '${String(t)}' (route, rt_cache, ipv6_route)`);
  }
  checkProcRoot(options.procRoot);
  return {
    tables,
    request: {
      procRoot: options.procRoot,
      inet: tables.includes('route'),
      inetCache: tables.includes('rt_cache'),
      inet6: tables.includes('ipv6_route'),
    },
  };
}

/** Reads routing tables synchronously. */
export function routesSync(options: RoutesOptions = {}): RouteList {
  const { tables, request } = nativeOptions(options);
  const buffer = callNative(() => native().listRoutesSync(request));
  return new RouteList(buffer, tables);
}

/** Reads routing tables off the main thread. */
export async function routes(options: RoutesOptions = {}): Promise<RouteList> {
  const { tables, request } = nativeOptions(options);
  const buffer = await awaitNative(() => native().listRoutes(request));
  return new RouteList(buffer, tables);
}
