import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NssEntry } from './cparse.js';
import { parseNetworks, type NetworkEntry } from './networks.js';
import { parseProtocols, type ProtocolEntry } from './protocols.js';
import { nsswitchServices, parsePasswd, SYSTEMD_SYNTHETIC_USERS, type PasswdEntry } from './passwd.js';
import { parseServices, type ServiceEntry } from './services.js';

/** Options of {@link NameTables}. */
export interface NameTablesOptions {
  /** Directory holding services, protocols, networks, passwd and nsswitch.conf. Default "/etc". */
  etcDir?: string;
  /**
   * How names are turned from file bytes into strings. "utf8" (default)
   * suits display; "latin1" keeps one char per byte, for output that must
   * be byte-identical to a C program's.
   */
  encoding?: 'utf8' | 'latin1';
}

/**
 * Number-to-name tables read straight from the files in /etc: services,
 * protocols, networks and users. Each file is read and parsed once, on
 * first use; a missing or unreadable file is an empty table.
 *
 * Limitation: this is what glibc's "files" NSS source answers. Other
 * sources configured in nsswitch.conf (LDAP, NIS, sss, the "db" files of
 * services/protocols, systemd userdb and DynamicUser= users) are not
 * consulted; the only exception is nss-systemd's built-in root (0) and
 * nobody (65534), answered when "systemd" is in the passwd line of
 * nsswitch.conf and /etc/passwd lacks them.
 *
 * The single-value lookups follow the libc calls: the first matching line
 * in file order wins, as with `getservbyport(3)`, `getprotobynumber(3)`,
 * `getnetbyaddr(3)` and `getpwuid(3)`. The whole tables are available for
 * callers with other rules (net-tools netstat, for one, lets the last
 * /etc/services line win).
 */
export class NameTables {
  readonly etcDir: string;
  readonly encoding: 'utf8' | 'latin1';
  #services?: readonly ServiceEntry[];
  #protocols?: readonly ProtocolEntry[];
  #networks?: readonly NetworkEntry[];
  #passwd?: readonly PasswdEntry[];
  #passwdSources?: readonly string[];
  #serviceIndex?: Map<string, string>;
  #protocolIndex?: Map<number, string>;
  #networkIndex?: Map<number, string>;
  #userIndex?: Map<number, string>;

  constructor(options: NameTablesOptions = {}) {
    this.etcDir = options.etcDir ?? '/etc';
    this.encoding = options.encoding ?? 'utf8';
  }

  /** Reads a file as a byte string; undefined when it cannot be read. */
  #read(file: string): string | undefined {
    try {
      return readFileSync(join(this.etcDir, file), 'latin1');
    } catch {
      return undefined;
    }
  }

  #decode(s: string): string {
    if (this.encoding === 'latin1') return s;
    // Pure ASCII is the common case and identical in both encodings.
    // eslint-disable-next-line no-control-regex
    return /^[\x00-\x7f]*$/.test(s) ? s : Buffer.from(s, 'latin1').toString('utf8');
  }

  /** The name and aliases of an entry, decoded. */
  #names<T extends NssEntry>(e: T): T {
    return { ...e, name: this.#decode(e.name), aliases: e.aliases.map((a) => this.#decode(a)) };
  }

  /** All /etc/services entries in file order. */
  services(): readonly ServiceEntry[] {
    this.#services ??= parseServices(this.#read('services') ?? '').map((e) => ({ ...this.#names(e), proto: this.#decode(e.proto) }));
    return this.#services;
  }

  /** All /etc/protocols entries in file order. */
  protocols(): readonly ProtocolEntry[] {
    this.#protocols ??= parseProtocols(this.#read('protocols') ?? '').map((e) => this.#names(e));
    return this.#protocols;
  }

  /** All /etc/networks entries in file order. */
  networks(): readonly NetworkEntry[] {
    this.#networks ??= parseNetworks(this.#read('networks') ?? '').map((e) => this.#names(e));
    return this.#networks;
  }

  /** All usable /etc/passwd entries in file order. */
  passwd(): readonly PasswdEntry[] {
    this.#passwd ??= parsePasswd(this.#read('passwd') ?? '').map((e) => ({ ...e, name: this.#decode(e.name) }));
    return this.#passwd;
  }

  /**
   * `getservbyport(3)` from the file: the name of the first entry with this
   * port (host order) and exactly this protocol name.
   */
  service(port: number, proto: string): string | undefined {
    this.#serviceIndex ??= firstNames(this.services(), (e) => `${e.port}/${e.proto}`);
    return this.#serviceIndex.get(`${port}/${proto}`);
  }

  /** `getprotobynumber(3)` from the file: the first entry with this number. */
  protocol(number: number): string | undefined {
    this.#protocolIndex ??= firstNames(this.protocols(), (e) => e.number);
    return this.#protocolIndex.get(number);
  }

  /**
   * `getnetbyaddr(net, AF_INET)` from the file.
   *
   * @param net the network number in host order, all four bytes: 192.0.2.0
   *   is 0xc0000200 (see {@link NetworkEntry.net})
   */
  network(net: number): string | undefined {
    this.#networkIndex ??= firstNames(this.networks(), (e) => e.net);
    return this.#networkIndex.get(net >>> 0);
  }

  /**
   * `getpwuid(3)`: the first /etc/passwd entry with this uid, then, if
   * nsswitch.conf lists "systemd" for passwd, nss-systemd's root/nobody.
   *
   * @param uid 0 to 4294967295 (a negative number is taken modulo 2^32)
   */
  user(uid: number): string | undefined {
    if (!this.#userIndex) {
      const index = new Map<number, string>();
      for (const source of this.#passwdSourceList()) {
        if (source === 'files' || source === 'compat') {
          for (const e of this.passwd()) if (!index.has(e.uid)) index.set(e.uid, e.name);
        } else if (source === 'systemd') {
          for (const [id, name] of SYSTEMD_SYNTHETIC_USERS) if (!index.has(id)) index.set(id, name);
        }
      }
      this.#userIndex = index;
    }
    return this.#userIndex.get(uid >>> 0);
  }

  #passwdSourceList(): readonly string[] {
    if (!this.#passwdSources) {
      const conf = this.#read('nsswitch.conf');
      // glibc's built-in default when nsswitch.conf or its passwd line is missing: "files".
      this.#passwdSources = (conf !== undefined ? nsswitchServices(conf, 'passwd') : undefined) ?? ['files'];
    }
    return this.#passwdSources;
  }
}

/** Name by key, the first entry with a key winning (as the libc lookups walk the file). */
function firstNames<E extends { name: string }, K>(entries: readonly E[], key: (e: E) => K): Map<K, string> {
  const index = new Map<K, string>();
  for (const e of entries) {
    const k = key(e);
    if (!index.has(k)) index.set(k, e.name);
  }
  return index;
}
