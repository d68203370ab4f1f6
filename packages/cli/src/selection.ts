/**
 * What a run lists, decided once from the parsed flags (netstat.c's main):
 * which mode runs, and for the socket mode which sections print and which
 * kernel tables are read (through the core's selectTables), for -g which
 * families, for -s which protocols, for -r which address families.
 * The modes print; they do not decide again.
 */
import { selectTables, TCP_STATES, type Family, type Protocol, type SocketsOptions, type TableName, type TcpState } from '@fastnetstat/core';
import type { StatFlags } from './format/statistics.js';
import type { NetstatFlags } from './options.js';

/** The mode a run is in; `usage` when more than one of -i, -r, -M, -s was given. */
export type Mode = 'usage' | 'masquerade' | 'statistics' | 'route' | 'interfaces' | 'sockets' | 'prometheus';

/**
 * netstat's dispatch: one of -i, -r, -M, -s at most, checked in this order;
 * --prometheus (which the option parser keeps apart from them) before all.
 */
export function modeOf(f: NetstatFlags): Mode {
  if (f.prometheus) return 'prometheus';
  if (f.interfaces + f.route + f.masquerade + f.statistics > 1) return 'usage';
  if (f.masquerade) return 'masquerade';
  if (f.statistics) return 'statistics';
  if (f.route) return 'route';
  if (f.interfaces) return 'interfaces';
  return 'sockets';
}

/** The families netstat cannot list but whose presence it reports (lib/af.c). */
export type ListedOtherFamily = 'ipx' | 'ax25' | 'x25' | 'netrom' | 'rose';

/** The flags that decide which sections print, after netstat's defaulting. */
export interface Selection {
  /** flag_arg: how many socket kinds were named explicitly. */
  explicit: number;
  /**
   * flag_noprot: only a family was given (-4, -A inet, ...), so every inet
   * protocol is on and a missing table is not worth a message.
   */
  familyOnly: boolean;
  tcp: boolean;
  sctp: boolean;
  udp: boolean;
  udplite: boolean;
  raw: boolean;
  unix: boolean;
  inet: boolean;
  inet6: boolean;
  groups: boolean;
  others: Record<ListedOtherFamily, boolean>;
  bluetooth: boolean;
}

/** The socket mode's sections (netstat.c's defaulting of flag_tcp... and flag_inet...). */
export function selection(f: NetstatFlags): Selection {
  let { tcp, sctp, udp, udplite, raw, inet, inet6, l2cap, rfcomm } = f;
  let familyOnly = false;
  if ((inet || inet6 || f.statistics) && !(tcp || sctp || udp || udplite || raw)) {
    familyOnly = true;
    tcp = sctp = udp = udplite = raw = 1;
  }
  if ((tcp || sctp || udp || udplite || raw || f.groups) && !(inet || inet6)) inet = inet6 = 1;
  if (f.bluetooth && !(l2cap || rfcomm)) l2cap = rfcomm = 1;
  const explicit =
    tcp + sctp + udplite + udp + raw + f.unix + f.ipx + f.ax25 + f.netrom + f.groups + f.x25 + f.rose + l2cap + rfcomm;
  const all = explicit === 0;
  return {
    explicit,
    familyOnly,
    tcp: all || tcp > 0,
    sctp: all || sctp > 0,
    udp: all || udp > 0,
    udplite: all || udplite > 0,
    raw: all || raw > 0,
    unix: all || f.unix > 0,
    inet: all || inet > 0,
    inet6: all || inet6 > 0,
    groups: f.groups > 0,
    others: {
      ipx: all || f.ipx > 0,
      ax25: all || f.ax25 > 0,
      x25: all || f.x25 > 0,
      netrom: all || f.netrom > 0,
      rose: all || f.rose > 0,
    },
    bluetooth: !all && (l2cap > 0 || rfcomm > 0),
  };
}

/** Whether any inet protocol section prints (the inet heading does then). */
export function listsInet(sel: Selection): boolean {
  return sel.tcp || sel.sctp || sel.udp || sel.udplite || sel.raw;
}

/** The kernel tables a selection reads, in netstat's order (the core's selectTables). */
export function tablesOf(sel: Selection): TableName[] {
  const protocols = (['tcp', 'udp', 'udplite', 'raw', 'unix'] as const).filter((p): p is Protocol => sel[p]);
  const families: Family[] = ['unix'];
  if (sel.inet) families.push('inet');
  if (sel.inet6) families.push('inet6');
  return selectTables({ protocols, families });
}

/** The families of the multicast group table (-g). */
export function groupFamiliesOf(sel: Selection): Array<'inet' | 'inet6'> {
  const families: Array<'inet' | 'inet6'> = [];
  if (sel.inet) families.push('inet');
  if (sel.inet6) families.push('inet6');
  return families;
}

/**
 * The TCP states a listing can show. netstat selects tcp rows by remote port
 * (-l: port 0), which in the kernel's tables is exactly the LISTEN state; with
 * netlink the kernel then filters, and a -l listing never walks established
 * connections. The rows are still selected by netstat's own rule afterwards.
 * A captured tree (--proc-root) may hold any rows, so it is not narrowed.
 */
function tcpStatesShown(f: NetstatFlags): TcpState[] | undefined {
  if (f.all || f.procRoot || f.listingFilter) return undefined; // an expression brings its states
  if (f.listening) return ['LISTEN'];
  return TCP_STATES.filter((s): s is TcpState => s !== '' && s !== 'LISTEN');
}

/** What the socket mode asks the core for (the text's -o and the JSON form show tcp's counters). */
export function socketsOptions(f: NetstatFlags, sel: Selection): SocketsOptions {
  return {
    tables: tablesOf(sel),
    processes: f.programs > 0,
    procRoot: f.procRoot,
    source: f.source,
    tcpStates: tcpStatesShown(f),
    tcpCounters: f.json || f.timers > 0,
    netns: f.allNetns ? 'all' : f.netns,
    hostRoot: f.hostRoot,
    // JSON rows carry their namespace, cgroup, container and pod
    labels: f.json || f.allNetns || f.netns !== undefined,
    filter: f.listingFilter,
    filterFamily: filterFamilyOf(f),
    ...(f.tcpInfo ? { tcpInfo: true } : {}),
    ...(f.memory ? { memory: true } : {}),
  };
}

/** ss's preferred family for a filter expression: the last of -4, -6, -x (-A, --inet, ...) given. */
export function filterFamilyOf(f: NetstatFlags): 'inet' | 'inet6' | 'unix' | undefined {
  return f.afnames.filter((name): name is 'inet' | 'inet6' | 'unix' => name === 'inet' || name === 'inet6' || name === 'unix').pop();
}

/**
 * What the Prometheus exporter reads: the tables the socket selection names
 * (-t, -u, -4, -A ...; all of them by default), every state (so -a and -l do
 * not matter), with owners (the program label) and without tcp's timer counters.
 */
export function prometheusOptions(f: NetstatFlags): SocketsOptions {
  return { tables: tablesOf(selection(f)), processes: true, procRoot: f.procRoot, source: f.source, tcpCounters: false };
}

/**
 * netstat's protocol flags for -s: with none of -t/-S/-u/-U/-w given, all of
 * them (and -U alone turns off the others without showing anything itself).
 */
export function statisticsProtocols(f: NetstatFlags): StatFlags {
  const none = !(f.tcp || f.sctp || f.udp || f.udplite || f.raw);
  return { raw: none || f.raw > 0, tcp: none || f.tcp > 0, udp: none || f.udp > 0, sctp: none || f.sctp > 0 };
}

/** The address families of -r and -s, in the order given (netstat's comma-joined afname; default inet). */
export function addressFamiliesOf(f: NetstatFlags): string[] {
  return f.afnames.length ? f.afnames : ['inet'];
}
