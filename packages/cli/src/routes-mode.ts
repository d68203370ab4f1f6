/**
 * netstat -r: the routing tables of the address families asked for (-4,
 * -6, -A LIST, --inet...; default inet), as netstat.c and lib/getroute.c
 * route_info run them, repeated every second with -c.
 */
import { repeat } from './continuous.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { inetNtop6, routes, RTF_UP, type Ipv4CacheRoute, type Ipv4Route, type Ipv6Route, type RouteList } from '@fastnetstat/core';
import {
  cacheFlagLetters,
  cacheHeading,
  cacheLookups,
  cacheRow,
  inet6FlagLetters,
  inet6Heading,
  inet6Lookups,
  inet6Row,
  inet6Shown,
  inetFlagLetters,
  inetHeading,
  inetLookups,
  inetRow,
  routeDestinationName,
  routeGatewayName,
} from './format/routes.js';
import { NetstatNames } from './netstat-names.js';
import type { NetstatFlags } from './options.js';
import { stdout, warn } from './output.js';
import { addressFamiliesOf } from './selection.js';

/** lib/af.c's address families: those with a routing printer, and those without. */
const ROUTED = new Set(['inet', 'inet6', 'ax25', 'netrom', 'rose', 'ipx', 'ddp', 'x25']);
const UNROUTED = new Set(['unix', 'ec', 'ash', 'unspec']);

/** route_info's answer to a family without a routing table: a message and status 3. */
function notRouted(af: string): number {
  warn(UNROUTED.has(af) ? `No routing for address family \`${af}'.\n` : `Address family \`${af}' not supported.\n`);
  return 3;
}

/** What netstat says for the families fastnetstat has no table reader for, when their files are missing. */
function otherFamilyMissing(af: string, root: string): { files: string[]; err: string; out: string } | undefined {
  const net = `${root}/net`;
  switch (af) {
    case 'ax25':
      return { files: ['ax25_route'], err: `${net}/ax25_route: No such file or directory\n`, out: 'AX.25 not configured in this system.\n' };
    case 'ipx':
      return {
        files: ['ipx/route', 'ipx_route'],
        err: 'No such file or directory\n',
        out: `IPX routing not in file ${net}/ipx/route or ${net}/ipx_route found.\n`,
      };
    case 'netrom':
      return {
        files: ['nr_nodes', 'nr_neigh'],
        err: `${net}/nr_nodes: No such file or directory\n${net}/nr_neigh: No such file or directory\n`,
        out: 'NET/ROM not configured in this system.\n',
      };
    case 'ddp':
      return {
        files: ['atalk_route'],
        err: `Error opening ${net}/atalk_route: No such file or directory\nDDP (AppleTalk) not configured on this system.\n`,
        out: '',
      };
    case 'x25':
      return { files: ['x25/route', 'x25_routes'], err: '', out: 'X.25 not configured in this system.\n' };
    case 'rose':
      return { files: ['rose_nodes'], err: `${net}/rose_nodes: No such file or directory\nROSE not configured in this system.\n`, out: '' };
    default:
      return undefined;
  }
}

/** The settings one run of route_info works with. */
interface RouteRun {
  flags: NetstatFlags;
  root: string;
  /** options & FLAG_EXT after netstat's -e remapping. */
  ext: number;
  fib: boolean;
  cache: boolean;
  /** Names: numeric with -n/--numeric-hosts, and with -N (netstat's quirk). */
  numeric: boolean;
}

function runOf(flags: NetstatFlags): RouteRun {
  // netstat swaps 1 and 2 so that plain -r shows MSS/Window/irtt and -e Metric/Ref/Use.
  let e = flags.extend;
  if (e === 2) e = 1;
  else if (e === 1) e = 2;
  return {
    flags,
    root: flags.procRoot ?? '/proc',
    ext: e & 3,
    fib: flags.fib || !flags.cache,
    cache: flags.cache,
    numeric: flags.numericHosts || flags.symbolic,
  };
}

/** rprint_fib: 0, or 1 when the table cannot be read. */
async function printInetFib(run: RouteRun, list: RouteList): Promise<number> {
  const r = list.report('route');
  if (r.status !== 'read') {
    warn(`${run.root}/net/route: ${r.status === 'missing' ? 'No such file or directory' : r.message}\n`);
    stdout.write('INET (IPv4) not configured in this system.\n');
    return 1;
  }
  stdout.write(inetHeading(run.ext));
  if (r.missingColumn) {
    warn(`warning: ${run.root}/net/route does not contain required field ${r.missingColumn}\n`);
    return 1;
  }
  const names = new NetstatNames({ numericHosts: run.numeric });
  const shown = (i: number) => (list.inetFlags(i) & RTF_UP) !== 0;
  await names.lookupHosts(inetLookups(list, shown));
  for (let i = 0; i < list.inetCount; i++) if (shown(i)) stdout.write(inetRow(list, i, run.ext, names, run.numeric));
  return 0;
}

/** rprint_cache. */
async function printInetCache(run: RouteRun, list: RouteList): Promise<number> {
  const r = list.report('rt_cache');
  const path = `${run.root}/net/rt_cache`;
  if (r.status !== 'read') {
    warn(`${path}: ${r.status === 'missing' ? 'No such file or directory' : r.message}\n`);
    stdout.write('INET (IPv4) not configured in this system.\n');
    return 1;
  }
  if (r.format === 'empty') {
    // proc_guess_fmt failed; netstat's perror then shows an errno left over
    // from its start-up (ENOENT with Debian's build), and it exits with -1.
    stdout.write('Kernel IP routing cache\n');
    warn(`${path}: No such file or directory\n`);
    return 255;
  }
  const format = r.format === 'modern' || r.format === 'old' ? r.format : 'unknown';
  stdout.write(cacheHeading(run.ext, format, list.cacheFormatMask, path));
  const names = new NetstatNames({ numericHosts: run.numeric });
  await names.prepare(cacheLookups(list));
  for (let i = 0; i < list.cacheCount; i++) stdout.write(cacheRow(list, i, run.ext, format === 'old', names));
  return 0;
}

/** rprint_fib6 (the cache listing is the same table filtered by RTF_CACHE: /proc/net/ndisc is gone). */
async function printInet6(run: RouteRun, list: RouteList, cache: boolean): Promise<number> {
  const r = list.report('ipv6_route');
  if (r.status !== 'read') {
    warn(`${run.root}/net/ipv6_route: ${r.status === 'missing' ? 'No such file or directory' : r.message}\n`);
    stdout.write('INET6 (IPv6) not configured in this system.\n');
    return 1;
  }
  stdout.write(inet6Heading(cache));
  const names = new NetstatNames({ numericHosts: run.numeric });
  await names.prepare(inet6Lookups(list, cache));
  for (let i = 0; i < list.inet6Count; i++) if (inet6Shown(list, i, cache)) stdout.write(inet6Row(list, i, names));
  return 0;
}

/** route_info(afname, options): each family in turn; the first failure ends it. */
async function routeInfo(run: RouteRun): Promise<number> {
  for (const af of addressFamiliesOf(run.flags)) {
    if (af === '') continue;
    if (!ROUTED.has(af)) return notRouted(af);
    let rc = 0;
    if (af === 'inet' || af === 'inet6') {
      const list = await routes({
        tables: af === 'inet' ? [...(run.fib ? ['route' as const] : []), ...(run.cache ? ['rt_cache' as const] : [])] : ['ipv6_route'],
        procRoot: run.flags.procRoot,
      });
      if (af === 'inet') {
        if (run.fib) rc = await printInetFib(run, list);
        if (!rc && run.cache) rc = await printInetCache(run, list);
      } else {
        if (run.fib) rc = await printInet6(run, list, false);
        if (!rc && run.cache) rc = await printInet6(run, list, true);
      }
    } else {
      const missing = otherFamilyMissing(af, run.root)!;
      if (missing.files.some((f) => existsSync(join(run.root, 'net', f)))) {
        warn(`fastnetstat: the ${af} routing table exists on this system but fastnetstat cannot list it.\n`);
        rc = 1;
      } else {
        stdout.write(missing.out);
        if (missing.err) warn(missing.err);
        rc = 1;
      }
    }
    if (rc) return rc;
  }
  return 0;
}

/**
 * One table's rows in the JSON form: each shown row's fields, then (unless
 * -n) its names, byte strings read as UTF-8.
 */
function documentRows<R>(
  run: RouteRun,
  decoded: readonly R[],
  shown: (i: number) => boolean,
  fields: (route: R, i: number) => Record<string, unknown>,
  names: (route: R, i: number) => Record<string, string>,
): unknown[] {
  const rows: unknown[] = [];
  decoded.forEach((route, i) => {
    if (!shown(i)) return;
    const row = fields(route, i);
    if (!run.numeric) for (const [key, name] of Object.entries(names(route, i))) row[key] = Buffer.from(name, 'latin1').toString('utf8');
    rows.push(row);
  });
  return rows;
}

const ipv4Fields = (r: Ipv4Route): Record<string, unknown> => ({
  destination: r.destination, gateway: r.gateway, genmask: r.genmask, prefixLength: r.prefixLength, flags: r.flags,
  flagLetters: inetFlagLetters(r.flags), metric: r.metric, refCount: r.refCount, use: r.use, mss: r.mss, window: r.window,
  irtt: r.irtt, iface: r.iface,
});

const cacheFields = (r: Ipv4CacheRoute, old: boolean): Record<string, unknown> => ({
  source: r.source, destination: r.destination, gateway: r.gateway, specDst: r.specDst, flags: r.flags,
  flagLetters: cacheFlagLetters(r.flags, old), metric: r.metric, refCount: r.refCount, use: r.use, mss: r.mss,
  window: r.window, irtt: r.irtt, iface: r.iface,
});

const ipv6Fields = (r: Ipv6Route, list: RouteList, i: number): Record<string, unknown> => ({
  destination: inetNtop6(list.inet6DestinationBytes(i)), prefixLength: r.destinationPrefix, nextHop: r.nextHop,
  flags: r.flags, flagLetters: inet6FlagLetters(r.flags), metric: list.inet6Numbers(i)[0], refCount: r.refCount,
  use: r.use, iface: r.iface, cache: (r.flags & 0x0100_0000) !== 0,
});

/** The --json document: the rows the text shows, numbers and (unless -n) names. */
async function routesDocument(run: RouteRun): Promise<{ doc?: unknown; status: number }> {
  const wantInet = addressFamiliesOf(run.flags).includes('inet');
  const wantInet6 = addressFamiliesOf(run.flags).includes('inet6');
  for (const af of addressFamiliesOf(run.flags)) {
    if (af === '' || af === 'inet' || af === 'inet6') continue;
    if (!ROUTED.has(af)) return { status: notRouted(af) };
  }
  const tables: Array<'route' | 'rt_cache' | 'ipv6_route'> = [];
  if (wantInet && run.fib) tables.push('route');
  if (wantInet && run.cache) tables.push('rt_cache');
  if (wantInet6) tables.push('ipv6_route');
  const list = await routes({ tables, procRoot: run.flags.procRoot });
  const n4 = new NetstatNames({ numericHosts: run.numeric });
  const n6 = new NetstatNames({ numericHosts: run.numeric });
  const shown4 = (i: number) => (list.inetFlags(i) & RTF_UP) !== 0;
  await n4.lookupHosts(inetLookups(list, shown4));
  await n4.prepare(cacheLookups(list));
  const shown6 = (i: number) => (run.fib && inet6Shown(list, i, false)) || (run.cache && inet6Shown(list, i, true));
  await n6.prepare([...(run.fib ? inet6Lookups(list, false) : []), ...(run.cache ? inet6Lookups(list, true) : [])]);
  const inet = documentRows(run, list.inet, shown4, ipv4Fields, (r, i) => ({
    destinationName: routeDestinationName(n4, false, list.inetDestinationBytes(i), list.inetMaskBytes(i), r.flags),
    gatewayName: routeGatewayName(n4, false, list.inetGatewayBytes(i)),
  }));
  const oldCache = list.report('rt_cache').format === 'old';
  const cache = documentRows(run, list.cache, () => true, (r) => cacheFields(r, oldCache), (_, i) => ({
    sourceName: n4.host(4, list.cacheAddressBytes(i, 2)),
    destinationName: n4.host(4, list.cacheAddressBytes(i, 0)),
    gatewayName: n4.host(4, list.cacheAddressBytes(i, 1)),
  }));
  const inet6 = documentRows(run, list.inet6, shown6, (r, i) => ipv6Fields(r, list, i), (_, i) => ({
    destinationName: n6.host(6, list.inet6DestinationBytes(i)),
    nextHopName: n6.host(6, list.inet6NextHopBytes(i)),
  }));
  return {
    status: 0,
    doc: { kind: 'routes', time: new Date().toISOString(), inet, cache, inet6, tables: list.reports },
  };
}

/** netstat -r (repeating every second with -c); returns the exit status. */
export async function runRoutes(flags: NetstatFlags): Promise<number> {
  const run = runOf(flags);
  return repeat(flags.continuous > 0, async () => {
    if (!flags.json) return routeInfo(run);
    const r = await routesDocument(run);
    if (r.doc) stdout.utf8(`${JSON.stringify(r.doc)}\n`);
    return r.status;
  });
}
