/**
 * How net-tools 2.10 netstat turns addresses, ports and uids into text in
 * its socket tables (lib/inet.c INET_sprint/INET_rresolve, lib/inet6.c
 * INET6_sprint/INET6_rresolve, lib/inet.c get_sname, netstat.c
 * finish_this_one), checked against Debian 12's /usr/bin/netstat.
 *
 * Every string returned is a byte string (one char per byte, latin1), to
 * be written with `Buffer.from(s, 'latin1')`, like printf writes bytes.
 *
 * @module
 */
import { endianness } from 'node:os';
import {
  NameTables,
  ReverseResolver,
  inetNtoa,
  inetNtop6,
  isUnspecified,
  isV4Mapped,
  type ReverseLookupOptions,
} from '@fastnetstat/core';

/** The protocol names netstat hands to get_sname. tcp6 uses "tcp"; udp6, udplite and udplite6 use "udp"; raw6 uses "raw". */
export type NetstatServiceProto = 'tcp' | 'udp' | 'raw';

/** A socket address as the tables hold it. */
export interface NetstatHostAddress {
  family: 4 | 6;
  /** 4 (IPv4) or 16 (IPv6) bytes in network order. */
  addr: Uint8Array;
}

/** Options of {@link NetstatNames}. */
export interface NetstatNamesOptions {
  /** `--numeric-hosts` (or `-n`). */
  numericHosts?: boolean;
  /** `--numeric-ports` (or `-n`). */
  numericPorts?: boolean;
  /** `--numeric-users` (or `-n`). */
  numericUsers?: boolean;
  /** Where services, protocols, networks, passwd, nsswitch.conf live. Default "/etc". */
  etcDir?: string;
  /** Reverse lookup tuning (concurrency, timeouts, a stand-in lookup for tests). */
  resolver?: ReverseLookupOptions;
  /**
   * The byte order netstat would run with. INET_rresolve masks the
   * network-order address with the host-order constant 0xffffff00, so on a
   * little-endian machine it is the first octet, not the last, that decides
   * between /etc/networks and a host lookup. Default: this machine's order.
   */
  littleEndian?: boolean;
}

/** INET_sprint's and INET6_sprint's static buffers are 128 bytes. */
const HOST_MAX = 127;
/** get_sname's static buffer is 64 bytes. */
const SERVICE_MAX = 63;

/**
 * netstat's naming rules for one run: construct with the -n flags, call
 * {@link prepare} with every address a table will print, then format
 * synchronously with {@link host}, {@link port} and {@link user}.
 */
export class NetstatNames {
  readonly numericHosts: boolean;
  readonly numericPorts: boolean;
  readonly numericUsers: boolean;
  readonly #littleEndian: boolean;
  readonly #tables: NameTables;
  readonly #resolver: ReverseResolver;
  #serviceMaps?: Record<NetstatServiceProto, Map<number, string>>;

  constructor(options: NetstatNamesOptions = {}) {
    this.numericHosts = options.numericHosts ?? false;
    this.numericPorts = options.numericPorts ?? false;
    this.numericUsers = options.numericUsers ?? false;
    this.#littleEndian = options.littleEndian ?? endianness() === 'LE';
    this.#tables = new NameTables({ etcDir: options.etcDir, encoding: 'latin1' });
    this.#resolver = new ReverseResolver(options.resolver);
  }

  /**
   * Resolves, in one bounded-concurrency batch, every address among `hosts`
   * that {@link host} will need a resolver answer for. Does nothing with
   * numeric hosts. May be called again (e.g. each -c round); answers are
   * cached for the life of this object, as netstat caches IPv4 names.
   */
  async prepare(hosts: Iterable<NetstatHostAddress>): Promise<void> {
    if (this.numericHosts) return;
    const wanted = new Set<string>();
    for (const { family, addr } of hosts) {
      const query = this.#resolverQuery(family, addr);
      if (query !== undefined) wanted.add(query);
    }
    if (wanted.size > 0) await this.#resolver.lookupAll(wanted);
  }

  /**
   * What netstat's `ap->sprint(addr, flag_not & FLAG_NUM_HOST)` gives for a
   * socket address (before netstat joins it with ":port" and cuts it to the
   * column).
   *
   * IPv4: 0.0.0.0 is "0.0.0.0" in both modes; numeric is dotted quad;
   * otherwise an address whose host part (see
   * {@link NetstatNamesOptions.littleEndian}) is 0 is named from
   * /etc/networks, any other from the resolver (gethostbyaddr), at most 127
   * bytes, dotted quad when there is no name.
   *
   * IPv6: numeric is inet_ntop; :: is "[::]" when not numeric; otherwise
   * the resolver's name (getnameinfo into 128 bytes: a name of 128 bytes or
   * more overflows and falls back to inet_ntop). Then, for a v4-mapped
   * address only, everything up to the last ':' before the first '.' is
   * dropped, which turns ::ffff:a.b.c.d into a.b.c.d (and applies to names
   * as well). No %scope.
   *
   * Addresses that were not passed to {@link prepare} print as if they had
   * no name.
   */
  host(family: 4 | 6, addr: Uint8Array): string {
    if (family === 4) {
      const numeric = inetNtoa(addr);
      if (this.numericHosts || isUnspecified(addr)) return numeric;
      const hostPartZero = this.#littleEndian ? addr[0] === 0 : addr[3] === 0;
      const name = hostPartZero
        ? this.#tables.network(((addr[0]! << 24) | (addr[1]! << 16) | (addr[2]! << 8) | addr[3]!) >>> 0)
        : this.#resolvedName(numeric);
      return name === undefined ? numeric : name.slice(0, HOST_MAX);
    }
    const text = inetNtop6(addr);
    const mapped = isV4Mapped(addr);
    if (this.numericHosts) return mapped ? fixV4Address(text) : text;
    if (isUnspecified(addr)) return '[::]';
    const name = this.#resolvedName(text);
    const out = name !== undefined && name.length <= HOST_MAX ? name : text;
    return mapped ? fixV4Address(out) : out;
  }

  /**
   * get_sname(htons(port), proto, numeric): 0 is "*" (even numeric);
   * numeric is decimal; otherwise the name from net-tools' own tables, at
   * most 63 bytes, or decimal. Those tables are built from every
   * /etc/services line (by exact protocol name) and, for "raw", every
   * /etc/protocols line after them, each pushed on the front of a list: so
   * the LAST matching line wins and a protocol name beats a "/raw" service.
   * Numbers compare in 16 bits (a protocol 65789 names raw port 253).
   */
  port(port: number, proto: NetstatServiceProto): string {
    if (port === 0) return '*';
    if (this.numericPorts) return String(port);
    const name = this.#services()[proto]?.get(port & 0xffff);
    return name === undefined ? String(port) : name.slice(0, SERVICE_MAX);
  }

  /**
   * The -e user column's text: getpwuid's name, or the uid as C's `%d` of
   * an int prints it (4294967294 is "-2") with --numeric-users or when
   * there is no such user.
   */
  user(uid: number): string {
    const signed = String(uid | 0);
    if (this.numericUsers) return signed;
    return this.#tables.user(uid >>> 0) ?? signed;
  }

  /**
   * Resolves, in one batch, IPv4 addresses that will be looked up as hosts
   * whatever their last octet (the routing table's gateways and host
   * routes), and IPv6 addresses. Does nothing with numeric hosts.
   */
  async lookupHosts(hosts: Iterable<NetstatHostAddress>): Promise<void> {
    if (this.numericHosts) return;
    const wanted = new Set<string>();
    for (const { family, addr } of hosts) {
      if (isUnspecified(addr)) continue;
      wanted.add(family === 4 ? inetNtoa(addr) : inetNtop6(addr));
    }
    if (wanted.size > 0) await this.#resolver.lookupAll(wanted);
  }

  /** gethostbyaddr(3) of an IPv4 address, as a byte string (undefined: no name, or not looked up). */
  inetHostName(addr: Uint8Array): string | undefined {
    return this.#resolvedName(inetNtoa(addr));
  }

  /** getnetbyaddr(3) of an IPv4 address (network-order bytes) from /etc/networks. */
  inetNetworkName(addr: Uint8Array): string | undefined {
    return this.#tables.network(((addr[0]! << 24) | (addr[1]! << 16) | (addr[2]! << 8) | addr[3]!) >>> 0);
  }

  /** The address text to hand to getnameinfo, or undefined when host() needs no resolver answer. */
  #resolverQuery(family: 4 | 6, addr: Uint8Array): string | undefined {
    if (isUnspecified(addr)) return undefined;
    if (family === 4) {
      const hostPartZero = this.#littleEndian ? addr[0] === 0 : addr[3] === 0;
      return hostPartZero ? undefined : inetNtoa(addr);
    }
    return inetNtop6(addr);
  }

  /** The prepared name as a byte string (Node decodes getnameinfo's bytes as UTF-8; undo that). */
  #resolvedName(query: string): string | undefined {
    const name = this.#resolver.get(query);
    if (name === undefined) return undefined;
    // eslint-disable-next-line no-control-regex
    return /^[\x00-\x7f]*$/.test(name) ? name : Buffer.from(name, 'utf8').toString('latin1');
  }

  #services(): Record<NetstatServiceProto, Map<number, string>> {
    if (!this.#serviceMaps) {
      const maps: Record<NetstatServiceProto, Map<number, string>> = {
        tcp: new Map(),
        udp: new Map(),
        raw: new Map(),
      };
      // read_services(): getservent() then getprotoent(), later entries shadowing earlier ones.
      for (const s of this.#tables.services()) {
        if (s.proto === 'tcp' || s.proto === 'udp' || s.proto === 'raw') maps[s.proto].set(s.port, s.name);
      }
      for (const p of this.#tables.protocols()) maps.raw.set(p.number & 0xffff, p.name);
      this.#serviceMaps = maps;
    }
    return this.#serviceMaps;
  }
}

/**
 * lib/inet6.c fix_v4_address: from the first '.', walk back to a ':'; if
 * one is found, keep what follows it, else keep the whole string.
 */
function fixV4Address(buf: string): string {
  let s = buf.indexOf('.');
  if (s < 0) return buf;
  while (s > 0 && buf[s] !== ':') s--;
  return buf[s] === ':' ? buf.slice(s + 1) : buf;
}
