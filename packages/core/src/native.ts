import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FastnetstatError } from './errors.js';

/** The napi-rs binding (@fastnetstat/native): its types are the ones `napi build` writes from the Rust. */
export type NativeBinding = typeof import('@fastnetstat/native');
export type {
  GroupOptions as NativeGroupOptions,
  HostListing as NativeHostListing,
  InterfaceOptions as NativeInterfaceOptions,
  RouteOptions as NativeRouteOptions,
  SocketOptions as NativeSocketOptions,
  SocketStream as NativeSocketStream,
  StatisticsOptions as NativeStatisticsOptions,
} from '@fastnetstat/native';

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
