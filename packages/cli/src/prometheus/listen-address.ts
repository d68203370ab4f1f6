/**
 * `--listen [HOST:]PORT`: where the exporter's HTTP server binds. A port alone binds
 * loopback (127.0.0.1), so starting the exporter never exposes a host's sockets by accident;
 * listening wider takes an address: `0.0.0.0:PORT`, `[::]:PORT`, or one of the host's own.
 * Loaded with the option table, so it must stay small (no prom-client here).
 */
// node:net (and the streams behind it) is loaded only when an address is checked: the option
// table imports this file, and every listing would otherwise pay about 2 ms to load it.
const net = (): typeof import('node:net') => process.getBuiltinModule('node:net');
const isIPv4 = (text: string): boolean => net().isIPv4(text);
const isIPv6 = (text: string): boolean => net().isIPv6(text);

export interface ListenAddress {
  /** An IP address literal (IPv6 without brackets). */
  host: string;
  /** 0 to 65535 (0: any free port, told on stderr at start). */
  port: number;
}

const LOOPBACK = '127.0.0.1';

/** Parses `[HOST:]PORT`; a string is the reason it is not one. */
export function parseListenAddress(text: string): ListenAddress | string {
  const port = (digits: string): number | undefined => {
    if (!/^[0-9]{1,5}$/.test(digits)) return undefined;
    const n = Number(digits);
    return n <= 65535 ? n : undefined;
  };
  const bad = `--listen '${text}': not [HOST:]PORT (a port from 0 to 65535, HOST an IP address, IPv6 in brackets)`;
  if (/^[0-9]+$/.test(text)) {
    const p = port(text);
    return p === undefined ? bad : { host: LOOPBACK, port: p };
  }
  const bracketed = /^\[([^\]]*)\]:([^:]*)$/.exec(text);
  const plain = bracketed ? null : /^([^:[\]]*):([^:]*)$/.exec(text);
  const host = bracketed?.[1] ?? plain?.[1];
  const digits = bracketed?.[2] ?? plain?.[2];
  if (host === undefined || digits === undefined) return bad;
  const p = port(digits);
  if (p === undefined) return bad;
  if (host === '') return `--listen '${text}': name the address to listen on (0.0.0.0:${p} or [::]:${p} for every one), or give the port alone for loopback`;
  if (bracketed ? !isIPv6(host) : !isIPv4(host)) return bad;
  return { host, port: p };
}

/** `HOST:PORT` as a URL's authority (IPv6 in brackets). */
export function authority(address: { host: string; port: number }): string {
  return isIPv6(address.host) ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
