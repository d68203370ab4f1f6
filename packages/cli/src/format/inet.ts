/**
 * The "Active Internet connections" table: title, header and rows, with
 * netstat 2.10's column rules (netstat.c tcp_do_one, udp_do_one, raw_do_one,
 * addr_do_one, finish_this_one).
 */
import type { InetSockets, InetTableName } from '@fastnetstat/core';
import type { NetstatNames } from '../netstat-names.js';
import { byteString, safeByteString, type Output } from '../output.js';
import { fixed2, left } from './printf.js';

export interface InetLayout {
  all: boolean;
  listening: boolean;
  wide: boolean;
  /** -e given twice or more: User and Inode columns. */
  extended: boolean;
  programs: boolean;
  timers: boolean;
  /** A filter expression chose the rows (docs/filters.md): every row the core returns is shown. */
  filtered?: boolean;
}

const TCP_STATE_NAMES = [
  '', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT',
  'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING',
];

/** The Proto column for each table. */
const PROTO_NAME: Record<InetTableName, string> = {
  tcp: 'tcp', tcp6: 'tcp6', udp: 'udp', udp6: 'udp6', udplite: 'udpl', udplite6: 'udpl6', raw: 'raw', raw6: 'raw6',
};
/** The protocol name netstat hands to getservbyport for each table. */
const SERVICE_PROTO: Record<InetTableName, 'tcp' | 'udp' | 'raw'> = {
  tcp: 'tcp', tcp6: 'tcp', udp: 'udp', udp6: 'udp', udplite: 'udp', udplite6: 'udp', raw: 'raw', raw6: 'raw',
};
/** Size of the C buffer every row's address is printed into (snprintf cuts at size - 1). */
const ADDRESS_BUFFER = 128;

export function title(prefix: string, layout: Pick<InetLayout, 'all' | 'listening'>): string {
  if (layout.all) return `${prefix}(servers and established)`;
  return layout.listening ? `${prefix}(only servers)` : `${prefix}(w/o servers)`;
}

export function inetHeading(layout: InetLayout): string {
  let text = title('Active Internet connections ', layout);
  text += '\nProto Recv-Q Send-Q Local Address           Foreign Address         State      ';
  if (layout.extended) text += ' User       Inode     ';
  if (layout.programs) text += ` ${left('PID/Program name', 20)}`;
  if (layout.timers) text += ' Timer';
  return text + '\n';
}

/** Whether netstat prints row `i` under -a / -l / neither. */
export function isShown(rows: InetSockets, i: number, layout: InetLayout): boolean {
  if (layout.all || layout.filtered) return true;
  const table = rows.table(i);
  if (table === 'tcp' || table === 'tcp6') {
    // tcp decides by the remote port, udp and raw by the remote address
    return layout.listening ? rows.remotePort(i) === 0 : rows.remotePort(i) !== 0;
  }
  const connected = rows.hasRemoteAddress(i);
  return layout.listening ? !connected : connected;
}

/** addr_do_one(): `host:port`, cut to 22 characters unless -W. */
function endpoint(host: string, port: string, wide: boolean): string {
  if (!wide && host.length + port.length > 22) {
    const portLength = Math.min(port.length, 18);
    return `${host.slice(0, 22 - portLength)}:${port.slice(0, portLength)}`;
  }
  return `${host}:${port}`.slice(0, ADDRESS_BUFFER - 1);
}

function timerText(rows: InetSockets, i: number, service: 'tcp' | 'udp' | 'raw'): string {
  const active = rows.timerActive(i);
  const seconds = fixed2(rows.timerTicks(i) / 100);
  // udp_do_one zeroes the retransmit count; raw_do_one does not
  const retransmits = service === 'udp' ? 0 : rows.retransmits(i);
  const tail = `/${retransmits}/${rows.probes(i)})`;
  if (active === 0) return `off (0.00${tail}`;
  if (service === 'tcp') {
    const name = ['', 'on', 'keepalive', 'timewait', 'probe'][active] ?? `unkn-${active}`;
    return `${name} (${seconds}${tail}`;
  }
  if (active === 1 || active === 2) return `on${active} (${seconds}${tail}`;
  return `unkn-${active} (${seconds}${tail}`;
}

/**
 * PID/Program name as netstat stores it (snprintf into 20 bytes), with
 * control characters then escaped for the terminal (safeByteString).
 */
export function ownerText(pid: number | undefined, name: Uint8Array | undefined): string {
  if (pid === undefined || name === undefined) return '-';
  const cut = `${pid}/${byteString(name)}`.slice(0, 19);
  return /[^\x20-\x7e]/.test(cut) ? safeByteString(Buffer.from(cut, 'latin1')) : cut;
}

const UDP_STATES: Record<number, string> = { 1: 'ESTABLISHED', 7: '' };

/**
 * Writes inet rows straight into the output buffer. Host and service texts
 * are looked up once per distinct address and port, so a table of many rows
 * makes almost no strings.
 */
export class InetFormatter {
  private readonly hosts = new Map<number | string, string>();
  private readonly services = { tcp: new Map<number, string>(), udp: new Map<number, string>(), raw: new Map<number, string>() };

  constructor(
    private readonly out: Output,
    private readonly layout: InetLayout,
    private readonly names: NetstatNames,
  ) {}

  private host(rows: InetSockets, i: number, remote: boolean): string {
    const key = remote ? rows.remoteAddressKey(i) : rows.localAddressKey(i);
    let text = this.hosts.get(key);
    if (text === undefined) {
      const bytes = remote ? rows.remoteAddressBytes(i) : rows.localAddressBytes(i);
      text = this.names.host(rows.isIPv6(i) ? 6 : 4, bytes);
      this.hosts.set(key, text);
    }
    return text;
  }

  private service(port: number, proto: 'tcp' | 'udp' | 'raw'): string {
    const cache = this.services[proto];
    let text = cache.get(port);
    if (text === undefined) {
      text = this.names.port(port, proto);
      cache.set(port, text);
    }
    return text;
  }

  /** addr_do_one() into the buffer, padded to 23 columns (tcp lets a longer one stand). */
  private endpoint(host: string, port: string): void {
    const out = this.out;
    const length = host.length + 1 + port.length;
    if ((!this.layout.wide && length > 23) || length >= ADDRESS_BUFFER) {
      out.left(endpoint(host, port, this.layout.wide), 23);
      return;
    }
    out.write(host);
    out.byte(0x3a);
    out.write(port);
    if (length < 23) out.spaces(23 - length);
  }

  /** One row, newline included. */
  write(rows: InetSockets, i: number): void {
    const { out, layout } = this;
    const table = rows.table(i);
    const service = SERVICE_PROTO[table];
    const state = rows.state(i);
    out.left(PROTO_NAME[table], service === 'udp' ? 5 : 4);
    out.spaces(service === 'udp' ? 1 : 2);
    out.right(rows.rxQueue(i), 6);
    out.byte(0x20);
    out.right(rows.txQueue(i), 6);
    out.byte(0x20);
    this.endpoint(this.host(rows, i, false), this.service(rows.localPort(i), service));
    out.byte(0x20);
    this.endpoint(this.host(rows, i, true), this.service(rows.remotePort(i), service));
    out.byte(0x20);
    if (service === 'tcp') out.left(TCP_STATE_NAMES[state] ?? '', 11);
    else if (service === 'udp') out.left(UDP_STATES[state] ?? 'UNKNOWN', 11);
    else out.left(String(state), 11);
    if (layout.extended) {
      out.byte(0x20);
      out.left(this.names.user(rows.uid(i)), 10);
      out.byte(0x20);
      out.left(String(rows.inode(i)), 10);
    }
    if (layout.programs) {
      out.byte(0x20);
      out.left(ownerText(rows.pid(i), rows.processNameBytes(i)), 20);
    }
    if (layout.timers) {
      out.byte(0x20);
      out.write(timerText(rows, i, service));
    }
    out.byte(0x0a);
  }
}
