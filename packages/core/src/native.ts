import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FastnetstatError } from './errors.js';

/** The shape of the napi-rs binding (@fastnetstat/native). */
export interface NativeBinding {
  listSockets(options: NativeSocketOptions): Promise<Buffer>;
  listSocketsSync(options: NativeSocketOptions): Buffer;
  SocketStream: new (options: NativeSocketOptions) => NativeSocketStream;
  wireVersion(): number;
  readStatistics(options: NativeStatisticsOptions): Promise<Buffer>;
  readStatisticsSync(options: NativeStatisticsOptions): Buffer;
  listRoutes(options: NativeRouteOptions): Promise<Buffer>;
  listRoutesSync(options: NativeRouteOptions): Buffer;
  listInterfaces(options: NativeInterfaceOptions): Promise<Buffer>;
  listInterfacesSync(options: NativeInterfaceOptions): Buffer;
  listGroups(options: NativeGroupOptions): Promise<Buffer>;
  listGroupsSync(options: NativeGroupOptions): Buffer;
}

/** A listing handed out a chunk (one packed buffer) at a time; null at the end. */
export interface NativeSocketStream {
  nextSync(): Buffer | null;
  /** Writes the next chunk into `target`; a length over `target.length` means: call again with that much room. */
  nextIntoSync(target: Buffer): number | null;
  next(): Promise<Buffer | null>;
  close(): void;
}

/** Routing tables to read: /proc/net/route, rt_cache, ipv6_route. */
export interface NativeRouteOptions {
  procRoot?: string;
  inet: boolean;
  inetCache: boolean;
  inet6: boolean;
}

export interface NativeInterfaceOptions {
  procRoot?: string;
  /** Also read /proc/net/if_inet6. */
  inet6: boolean;
}

export interface NativeGroupOptions {
  procRoot?: string;
  /** /proc/net/igmp */
  inet: boolean;
  /** /proc/net/igmp6 */
  inet6: boolean;
  /** A buffer an earlier call returned: go on from its parse state. */
  previous?: Buffer;
}

export interface NativeStatisticsOptions {
  procRoot?: string;
  /** Bit mask over snmp, netstat, snmp6, sctp/snmp (bit 0 = snmp). */
  files: number;
}

export interface NativeSocketOptions {
  procRoot?: string;
  /** Bit mask over tcp, tcp6, udp, udp6, udplite, udplite6, raw, raw6. */
  inetTables: number;
  unix: boolean;
  owners: boolean;
  source?: 'auto' | 'proc' | 'netlink';
  /** TCP states as a mask of `1 << state`. */
  tcpStates?: number;
  tcpCounters?: boolean;
  localPort?: number;
}

export const SUPPORTED_PLATFORMS = ['linux-x64-gnu', 'linux-x64-musl', 'linux-arm64-gnu', 'linux-arm64-musl'];

let binding: NativeBinding | undefined;

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

/**
 * The addon for this machine. napi-rs's loader finds it anywhere but probes
 * the C library first on every start (it reads ldd), so the two places it
 * usually is are tried first: beside @fastnetstat/native (a build from
 * source) and the platform package npm installed for this machine.
 */
function load(require: NodeJS.Require): NativeBinding {
  const packageJson = require.resolve('@fastnetstat/native/package.json');
  const fromNative = createRequire(packageJson);
  for (const abi of ['gnu', 'musl']) {
    const target = `linux-${process.arch}-${abi}`;
    const local = join(dirname(packageJson), `fastnetstat.${target}.node`);
    try {
      return (existsSync(local) ? fromNative(local) : fromNative(`@fastnetstat/native-${target}`)) as NativeBinding;
    } catch {
      // not this one (or not for this C library): try the next, then the loader
    }
  }
  return require('@fastnetstat/native') as NativeBinding;
}

/** Loads the addon on first use, with a one-line error where it cannot run. */
export function native(): NativeBinding {
  if (binding) return binding;
  if (process.platform !== 'linux' || (process.arch !== 'x64' && process.arch !== 'arm64')) {
    throw new FastnetstatError(
      'ENOTSUP',
      `${process.platform}-${process.arch} is not supported: it runs on ${SUPPORTED_PLATFORMS.join(', ')}`,
    );
  }
  try {
    binding = load(createRequire(import.meta.url));
  } catch (cause) {
    throw new FastnetstatError(
      'ENOTSUP',
      `the native addon could not be loaded for ${process.platform}-${process.arch} ` +
        `(${firstLine(cause)}); supported: ${SUPPORTED_PLATFORMS.join(', ')}`,
      { cause },
    );
  }
  return binding;
}
