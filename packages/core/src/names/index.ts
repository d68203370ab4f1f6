/**
 * Number-to-name resolution for socket tables: /etc/services,
 * /etc/protocols, /etc/networks and /etc/passwd read as glibc's "files"
 * source reads them, reverse host lookups through the system resolver, and
 * glibc's text forms of addresses.
 *
 * @module
 */
export { NameTables, type NameTablesOptions } from './tables.js';
export { parseServices, type ServiceEntry } from './services.js';
export { parseProtocols, type ProtocolEntry } from './protocols.js';
export { parseNetworks, type NetworkEntry } from './networks.js';
export { parsePasswd, nsswitchServices, SYSTEMD_SYNTHETIC_USERS, type PasswdEntry } from './passwd.js';
export {
  ReverseResolver,
  reverseLookupAll,
  systemReverseLookup,
  type ReverseLookupFn,
  type ReverseLookupOptions,
} from './reverse.js';
export { inetNtoa, inetNtop6, isUnspecified, isV4Mapped } from './inet.js';
export { inetNetwork, strtoul, INADDR_NONE } from './cparse.js';
