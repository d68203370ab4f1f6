import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

  /** All /etc/services entries in file order. */
  services(): readonly ServiceEntry[] {
    if (!this.#services) {
      this.#services = parseServices(this.#read('services') ?? '').map((e) => ({
        ...e,
        name: this.#decode(e.name),
        proto: this.#decode(e.proto),
        aliases: e.aliases.map((a) => this.#decode(a)),
      }));
    }
    return this.#services;
  }

  /** All /etc/protocols entries in file order. */
  protocols(): readonly ProtocolEntry[] {
    if (!this.#protocols) {
      this.#protocols = parseProtocols(this.#read('protocols') ?? '').map((e) => ({
        ...e,
        name: this.#decode(e.name),
        aliases: e.aliases.map((a) => this.#decode(a)),
      }));
    }
    return this.#protocols;
  }

  /** All /etc/networks entries in file order. */
  networks(): readonly NetworkEntry[] {
    if (!this.#networks) {
      this.#networks = parseNetworks(this.#read('networks') ?? '').map((e) => ({
        ...e,
        name: this.#decode(e.name),
        aliases: e.aliases.map((a) => this.#decode(a)),
      }));
    }
    return this.#networks;
  }

  /** All usable /etc/passwd entries in file order. */
  passwd(): readonly PasswdEntry[] {
    if (!this.#passwd) {
      this.#passwd = parsePasswd(this.#read('passwd') ?? '').map((e) => ({ ...e, name: this.#decode(e.name) }));
    }
    return this.#passwd;
  }

  /**
   * `getservbyport(3)` from the file: the name of the first entry with this
   * port (host order) and exactly this protocol name.
   */
  service(port: number, proto: string): string | undefined {
    if (!this.#serviceIndex) {
      const index = new Map<string, string>();
      for (const e of this.services()) {
        const key = `${e.port}/${e.proto}`;
        if (!index.has(key)) index.set(key, e.name);
      }
      this.#serviceIndex = index;
    }
    return this.#serviceIndex.get(`${port}/${proto}`);
  }

  /** `getprotobynumber(3)` from the file: the first entry with this number. */
  protocol(number: number): string | undefined {
    if (!this.#protocolIndex) {
      const index = new Map<number, string>();
      for (const e of this.protocols()) if (!index.has(e.number)) index.set(e.number, e.name);
      this.#protocolIndex = index;
    }
    return this.#protocolIndex.get(number);
  }

  /**
   * `getnetbyaddr(net, AF_INET)` from the file.
   *
   * @param net the network number in host order, all four bytes: 192.0.2.0
   *   is 0xc0000200 (see {@link NetworkEntry.net})
   */
  network(net: number): string | undefined {
    if (!this.#networkIndex) {
      const index = new Map<number, string>();
      for (const e of this.networks()) if (!index.has(e.net)) index.set(e.net, e.name);
      this.#networkIndex = index;
    }
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
