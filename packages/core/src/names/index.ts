/**
 * Number-to-name resolution for socket tables: /etc/services,
 * /etc/protocols, /etc/networks and /etc/passwd read as glibc's "files"
 * source reads them, reverse host lookups through the system resolver, and
 * glibc's text forms of addresses.
 *
 * @module
 */
// The public part; the file parsers (services, protocols, networks, passwd)
// and the C number conversions behind them stay inside the package.
export { NameTables, type NameTablesOptions } from './tables.js';
export { ReverseResolver, reverseLookupAll, systemReverseLookup, type ReverseLookupFn, type ReverseLookupOptions } from './reverse.js';
export { inetNtoa, inetNtop6, isUnspecified, isV4Mapped } from './inet.js';
