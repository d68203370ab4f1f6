/**
 * The "Active Internet connections" table: title, header and rows, with
 * netstat 2.10's column rules (netstat.c tcp_do_one, udp_do_one, raw_do_one,
 * addr_do_one, finish_this_one).
 */
import { isUnspecified, type InetSockets, type InetTableName } from '@fastnetstat/core';
import type { NetstatNames } from '../netstat-names.js';
import { byteString } from '../output.js';
import { fixed2, left, right } from './printf.js';

export interface InetLayout {
  all: boolean;
  listening: boolean;
  wide: boolean;
  /** -e given twice or more: User and Inode columns. */
  extended: boolean;
  programs: boolean;
  timers: boolean;
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
  if (layout.all) return true;
  const table = rows.table(i);
  if (table === 'tcp' || table === 'tcp6') {
    // tcp decides by the remote port, udp and raw by the remote address
    return layout.listening ? rows.remotePort(i) === 0 : rows.remotePort(i) !== 0;
  }
  const remote = rows.remoteAddressBytes(i);
  const connected = !isUnspecified(remote);
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

/** PID/Program name as netstat stores it: snprintf into 20 bytes. */
export function ownerText(pid: number | undefined, name: Uint8Array | undefined): string {
  if (pid === undefined || name === undefined) return '-';
  return `${pid}/${byteString(name)}`.slice(0, 19);
}

/** The columns after State, shared with nothing else: user, inode, program, timer. */
function tail(rows: InetSockets, i: number, layout: InetLayout, names: NetstatNames, service: 'tcp' | 'udp' | 'raw'): string {
  let text = '';
  if (layout.extended) text += ` ${left(names.user(rows.uid(i)), 10)} ${left(String(rows.inode(i)), 10)}`;
  if (layout.programs) text += ` ${left(ownerText(rows.pid(i), rows.processNameBytes(i)), 20)}`;
  if (layout.timers) text += ` ${timerText(rows, i, service)}`;
  return text + '\n';
}

/** One row, newline included. */
export function inetRow(rows: InetSockets, i: number, layout: InetLayout, names: NetstatNames): string {
  const table = rows.table(i);
  const service = SERVICE_PROTO[table];
  const family = rows.isIPv6(i) ? 6 : 4;
  const local = endpoint(names.host(family, rows.localAddressBytes(i)), names.port(rows.localPort(i), service), layout.wide);
  const remote = endpoint(names.host(family, rows.remoteAddressBytes(i)), names.port(rows.remotePort(i), service), layout.wide);
  const queues = `${right(rows.rxQueue(i), 6)} ${right(rows.txQueue(i), 6)}`;
  const state = rows.state(i);
  let text: string;
  if (service === 'tcp') {
    text = `${left(PROTO_NAME[table], 4)}  ${queues} ${left(local, 23)} ${left(remote, 23)} ${left(TCP_STATE_NAMES[state] ?? '', 11)}`;
  } else if (service === 'udp') {
    const udpState = state === 1 ? 'ESTABLISHED' : state === 7 ? '' : 'UNKNOWN';
    text = `${left(PROTO_NAME[table], 5)} ${queues} ${left(local, 23)} ${left(remote, 23)} ${left(udpState, 11)}`;
  } else {
    text = `${left(PROTO_NAME[table], 4)}  ${queues} ${left(local, 23)} ${left(remote, 23)} ${left(String(state), 11)}`;
  }
  return text + tail(rows, i, layout, names, service);
}
