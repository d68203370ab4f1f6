/**
 * netstat's command line: one table of options (OPTIONS) feeds commander
 * once, with getopt_long's behaviour: options act in the order given (so
 * `-V -k` prints the version and `-k -V` complains), unique prefixes of long
 * options are accepted, and errors print getopt's messages followed by
 * netstat's usage (exit 3).
 *
 * Commander splits clusters (-tulpn), takes option-arguments (-Ainet, -A inet,
 * --protocol=inet, --protocol inet), skips operands and `--`, and calls each
 * option's parser in order; its missing-argument error arrives through
 * exitOverride as a code. What getopt_long does and commander does not is
 * done before it, from the same table: a long option's unique prefix becomes
 * its full name, and the scan stops where getopt stops (an unknown or
 * ambiguous option, an argument to a flag), with getopt's message.
 */
import type { SocketsOptions } from '@fastnetstat/core';
import { Command, CommanderError, Option } from 'commander';
import { type ListenAddress, parseListenAddress } from './prometheus/listen-address.js';
import { AF_LIST, USAGE, versionText } from './usage.js';

/** netstat's flags after option processing (the names follow netstat.c). */
export interface NetstatFlags {
  route: number;
  interfaces: number;
  masquerade: number;
  statistics: number;
  groups: number;
  all: number;
  listening: number;
  continuous: number;
  extend: number; // starts at 1, as flag_exp
  programs: number;
  wide: number;
  numericHosts: boolean;
  numericPorts: boolean;
  numericUsers: boolean;
  symbolic: boolean;
  cache: boolean;
  fib: boolean;
  timers: number;
  verbose: boolean;
  tcp: number;
  sctp: number;
  udp: number;
  udplite: number;
  raw: number;
  l2cap: number;
  rfcomm: number;
  // address families (lib/af.c flags)
  unix: number;
  inet: number;
  inet6: number;
  ipx: number;
  ax25: number;
  netrom: number;
  x25: number;
  rose: number;
  ddp: number;
  econet: number;
  ash: number;
  bluetooth: number;
  /** Address family names in the order given (afname). */
  afnames: string[];
  // fastnetstat extensions
  json: boolean;
  procRoot?: SocketsOptions['procRoot'];
  source?: SocketsOptions['source'];
  /** --prometheus: the Prometheus exporter (docs/prometheus.md). */
  prometheus: boolean;
  /** --listen: serve the exporter over HTTP here. */
  listen?: ListenAddress;
  /** --log-requests: the exporter's HTTP server logs each request on stderr. */
  logRequests: boolean;
  /** --netns SPEC: the one namespace to list; --all-netns: every one; --host-root: runtimes' state. */
  netns?: string;
  allNetns: boolean;
  hostRoot?: string;
  /** The operands: a filter expression in ss's grammar (docs/filters.md); empty: none. */
  filter: string[];
  /** Which of -a and -l came last (ss's rule for the states a filter expression lists). */
  lastStateOption?: 'all' | 'listening';
  /** What the core is given: `filter` led by the states -a/-l imply (filter-words.ts); set before a listing. */
  listingFilter?: string[];
  /** --tcp-info / --memory: ss -i's and ss -m's line under each row (format/details.ts). */
  tcpInfo?: boolean;
  memory?: boolean;
  /** --kill: close the sockets the expression selects (closes-mode.ts). */
  kill?: boolean;
  /** --events: print sockets as the kernel closes them, until interrupted (closes-mode.ts). */
  events?: boolean;
}

/** What the command line asks for: run with flags, or stop with output and a status. */
export type Parsed =
  | { kind: 'run'; flags: NetstatFlags; stderr: string }
  | {
      kind: 'exit';
      status: number;
      stdout?: string;
      stderr?: string;
      /** More for stdout, written after stderr: -h's extensions, after netstat's family list. */
      trailer?: string;
    };

export function initialFlags(): NetstatFlags {
  return {
    route: 0, interfaces: 0, masquerade: 0, statistics: 0, groups: 0, all: 0, listening: 0,
    continuous: 0, extend: 1, programs: 0, wide: 0, numericHosts: false, numericPorts: false,
    numericUsers: false, symbolic: false, cache: false, fib: false, timers: 0, verbose: false,
    tcp: 0, sctp: 0, udp: 0, udplite: 0, raw: 0, l2cap: 0, rfcomm: 0, unix: 0, inet: 0, inet6: 0,
    ipx: 0, ax25: 0, netrom: 0, x25: 0, rose: 0, ddp: 0, econet: 0, ash: 0, bluetooth: 0,
    afnames: [], json: false, prometheus: false, logRequests: false, allNetns: false, filter: [],
  };
}


/** lib/af.c's aftrans table: alias -> (name, flag). */
const AF_ALIASES: Record<string, [string, keyof NetstatFlags]> = {
  ax25: ['ax25', 'ax25'],
  ip: ['inet', 'inet'],
  ip6: ['inet6', 'inet6'],
  ipx: ['ipx', 'ipx'],
  rose: ['rose', 'rose'],
  appletalk: ['ddp', 'ddp'],
  netrom: ['netrom', 'netrom'],
  inet: ['inet', 'inet'],
  inet6: ['inet6', 'inet6'],
  ddp: ['ddp', 'ddp'],
  unix: ['unix', 'unix'],
  tcpip: ['inet', 'inet'],
  econet: ['ec', 'econet'],
  x25: ['x25', 'x25'],
  ash: ['ash', 'ash'],
  bluetooth: ['bluetooth', 'bluetooth'],
};

/** aftrans_opt(): counts each family of a comma list; an unknown one ends the run (status 1). */
function addFamilies(flags: NetstatFlags, list: string): Parsed | undefined {
  for (const alias of list.slice(0, 255).split(',')) {
    const known = AF_ALIASES[alias];
    if (!known) return { kind: 'exit', status: 1, stderr: `Unknown address family \`${alias}'.\n` };
    (flags[known[1]] as number)++;
    flags.afnames.push(known[0]);
  }
  return undefined;
}

/** The values of --source and FASTNETSTAT_SOURCE: the core's `source` option. */
type Source = NonNullable<SocketsOptions['source']>;
const SOURCES: readonly Source[] = ['auto', 'proc', 'netlink'];
const isSource = (v: string | undefined): v is Source => (SOURCES as readonly (string | undefined)[]).includes(v);

/**
 * What an option does when getopt returns it: change the flags, add a note
 * to stderr (a string), or end the run (a Parsed exit).
 */
// biome-ignore lint/suspicious/noConfusingVoidType: most options only change the flags and return nothing
type Apply = (flags: NetstatFlags, value: string | undefined) => Parsed | string | void;

interface OptionSpec {
  /** The long name (getopt_long's table; an extension's exact name). */
  long?: string;
  short?: string;
  /** Set when the option takes an argument: its name in --help. */
  arg?: string;
  /**
   * An address-family option: getopt returns 1 for all of them, so to
   * prefix matching they are one option (--ine is --inet, not ambiguous).
   */
  family?: true;
  /** A fastnetstat extension: matched by its exact name only, listed by --help with this text. */
  extension?: string;
  apply: Apply;
}

const count =
  (key: keyof NetstatFlags): Apply =>
  (f) => {
    (f[key] as number)++;
  };
const af = (long: string): OptionSpec => ({ long, family: true, apply: (f) => addFamilies(f, long) });
const usageError = (message: string): Parsed => ({ kind: 'exit', status: 3, stderr: message + USAGE + AF_LIST });

/**
 * Every option, once. First netstat 2.10's getopt_long table in its order
 * (read from the Debian binary; the order decides how ambiguous prefixes are
 * listed), then the short options without a long name, then fastnetstat's
 * extensions (long only, so they cannot clash with netstat's letters).
 */
const OPTIONS: readonly OptionSpec[] = [
  af('ax25'),
  af('x25'),
  af('ip'),
  af('ipx'),
  af('appletalk'),
  af('netrom'),
  af('inet'),
  af('inet6'),
  af('ddp'),
  af('rose'),
  af('unix'),
  af('bluetooth'),
  // Debian's table has one more entry than its AFTRANS_CNT: netstat complains and ignores it.
  { long: 'tcpip', family: true, apply: () => "netstat.c: Internal Error `longopts 1 range'.\n" },
  { short: 'V', long: 'version', apply: () => ({ kind: 'exit', status: 0, stdout: versionText() }) },
  { short: 'i', long: 'interfaces', apply: count('interfaces') },
  { short: 'h', long: 'help', apply: () => ({ kind: 'exit', status: 0, stdout: USAGE, stderr: AF_LIST, trailer: extensionsHelp() }) },
  { short: 'r', long: 'route', apply: count('route') },
  { short: 'M', long: 'masquerade', apply: count('masquerade') },
  { short: 'A', long: 'protocol', arg: 'LIST', apply: (f, v) => addFamilies(f, v ?? '') },
  { short: 't', long: 'tcp', apply: count('tcp') },
  { short: 'S', long: 'sctp', apply: count('sctp') },
  { short: 'u', long: 'udp', apply: count('udp') },
  { short: 'U', long: 'udplite', apply: count('udplite') },
  { short: 'w', long: 'raw', apply: count('raw') },
  // the second `unix`: --unix itself finds the family option above, but prefixes see both
  { short: 'x', long: 'unix', apply: (f) => addFamilies(f, 'unix') },
  { short: '2', long: 'l2cap', apply: count('l2cap') },
  { short: 'f', long: 'rfcomm', apply: count('rfcomm') },
  {
    short: 'l',
    long: 'listening',
    apply: (f) => {
      f.listening++;
      f.lastStateOption = 'listening';
    },
  },
  {
    short: 'a',
    long: 'all',
    apply: (f) => {
      f.all++;
      f.lastStateOption = 'all';
    },
  },
  { short: 'o', long: 'timers', apply: count('timers') },
  { short: 'c', long: 'continuous', apply: count('continuous') },
  { short: 'e', long: 'extend', apply: count('extend') },
  { short: 'p', long: 'programs', apply: count('programs') },
  { short: 'v', long: 'verbose', apply: (f) => void (f.verbose = true) },
  { short: 's', long: 'statistics', apply: count('statistics') },
  { short: 'W', long: 'wide', apply: count('wide') },
  { short: 'n', long: 'numeric', apply: (f) => void (f.numericHosts = f.numericPorts = f.numericUsers = true) },
  { long: 'numeric-hosts', apply: (f) => void (f.numericHosts = true) },
  { long: 'numeric-ports', apply: (f) => void (f.numericPorts = true) },
  { long: 'numeric-users', apply: (f) => void (f.numericUsers = true) },
  { short: 'N', long: 'symbolic', apply: (f) => void (f.symbolic = true) },
  { short: 'C', long: 'cache', apply: (f) => void (f.cache = true) },
  { short: 'F', long: 'fib', apply: (f) => void (f.fib = true) },
  { short: 'g', long: 'groups', apply: count('groups') },
  { short: 'Z', long: 'context', apply: () => ({ kind: 'exit', status: 1, stderr: 'SELinux is not enabled on this machine.\n' }) },
  { short: 'd', apply: () => undefined },
  { short: '6', apply: (f) => addFamilies(f, 'inet6') },
  { short: '4', apply: (f) => addFamilies(f, 'inet') },
  { short: '?', apply: () => usageError('') },
  { long: 'json', extension: 'print the listing as JSON (docs/json.md)', apply: (f) => void (f.json = true) },
  {
    long: 'proc-root',
    arg: 'DIR',
    extension: 'read the tables of DIR, a copy of /proc',
    apply: (f, v) => void (f.procRoot = v),
  },
  { long: 'netns', arg: 'SPEC', extension: 'list one network namespace: a /run/netns name, a path, pid:PID', apply: (f, v) => void (f.netns = v) },
  { long: 'all-netns', extension: 'list every network namespace of the host, one block each', apply: (f) => void (f.allNetns = true) },
  { long: 'host-root', arg: 'DIR', extension: "where container runtimes' state is (default /)", apply: (f, v) => void (f.hostRoot = v) },
  {
    long: 'source',
    arg: 'netlink|proc',
    extension: 'where socket rows come from (default: auto)',
    apply: (f, v) => {
      if (!isSource(v)) return { kind: 'exit', status: 3, stderr: `fastnetstat: --source takes auto, proc or netlink, not '${v}'\n` };
      f.source = v;
    },
  },
  {
    long: 'prometheus',
    extension: 'print the sockets as Prometheus metrics (docs/prometheus.md)',
    apply: (f) => void (f.prometheus = true),
  },
  {
    long: 'listen',
    arg: '[HOST:]PORT',
    extension: 'with --prometheus: serve GET /metrics there (PORT alone: loopback)',
    apply: (f, v) => {
      const address = parseListenAddress(v ?? '');
      if (typeof address === 'string') return { kind: 'exit', status: 1, stderr: `fastnetstat: ${address}\n` };
      f.listen = address;
    },
  },
  { long: 'log-requests', extension: "log the --listen server's requests on stderr", apply: (f) => void (f.logRequests = true) },
  { long: 'tcp-info', extension: 'under each tcp row, its tcp_info as ss -i shows it', apply: (f) => void (f.tcpInfo = true) },
  { long: 'memory', extension: 'under each row, its memory as ss -m shows it (skmem)', apply: (f) => void (f.memory = true) },
  { long: 'kill', extension: 'close the sockets the FILTER selects (SOCK_DESTROY, as ss -K; CAP_NET_ADMIN)', apply: (f) => void (f.kill = true) },
  { long: 'events', extension: 'print tcp/udp sockets as the kernel closes them, timed, until interrupted (ss -E)', apply: (f) => void (f.events = true) },
];

/** --tcp-info and --memory read netlink: a copy of /proc, or the /proc source, has none of it. */
function detailsConflict(f: NetstatFlags): string | undefined {
  if (!f.tcpInfo && !f.memory) return undefined;
  const option = f.tcpInfo ? '--tcp-info' : '--memory';
  if (f.procRoot !== undefined) return `${option} reads netlink: a --proc-root tree has no tcp_info or memory counters`;
  if (f.source === 'proc') return `${option} reads netlink: not with the proc source`;
  return undefined;
}

/**
 * What --prometheus cannot be combined with: the other modes and outputs
 * (netstat's -i, -r, -M, -s, -g, -c and --json), and the server's own options
 * without it. Socket selection (-t, -u, -4, -A ...) narrows what it reads.
 */
function prometheusConflict(f: NetstatFlags): string | undefined {
  if (!f.prometheus) {
    if (f.listen) return '--listen serves the --prometheus metrics: give --prometheus too';
    if (f.logRequests) return '--log-requests logs the requests of --prometheus --listen';
    return undefined;
  }
  const other = (
    [
      [f.interfaces, '-i'],
      [f.route, '-r'],
      [f.masquerade, '-M'],
      [f.statistics, '-s'],
      [f.groups, '-g'],
      [f.continuous, '-c'],
      [f.json, '--json'],
    ] as const
  ).find(([on]) => on);
  if (other) return `--prometheus does not combine with ${other[1]}`;
  if (f.logRequests && !f.listen) return '--log-requests logs the requests of --prometheus --listen';
  return undefined;
}

/** The environment variables fastnetstat reads, for --help. */
const ENVIRONMENT: ReadonlyArray<readonly [string, string]> = [['FASTNETSTAT_SOURCE', 'the default of --source']];

/** The operands, for --help: what they mean now (netstat ignored them). */
const OPERANDS: ReadonlyArray<readonly [string, string]> = [
  ['FILTER', "the words after the options: ss's filter expression, e.g. 'dport = :22' (docs/filters.md)"],
];

/** -h's section after netstat's usage: fastnetstat's own options, one line each, in netstat's columns. */
export function extensionsHelp(): string {
  const line = (left: string, text: string) => `        ${left.padEnd(24)} ${text}\n`;
  const options = OPTIONS.filter((o) => o.extension).map((o) => line(`--${o.long}${o.arg ? ` ${o.arg}` : ''}`, o.extension!));
  const more = [...OPERANDS, ...ENVIRONMENT].map(([name, text]) => line(name, text));
  return `\nfastnetstat's extensions (not netstat's):\n${options.join('')}${more.join('')}`;
}

/** getopt's `val` of a long option: with the same has_arg, the same val makes two entries one option. */
const getoptVal = (o: OptionSpec): unknown => (o.family ? 1 : (o.short ?? o));
const sameOption = (a: OptionSpec, b: OptionSpec) => !!a.arg === !!b.arg && getoptVal(a) === getoptVal(b);

/**
 * glibc getopt_long's lookup of a long name: an extension or an exact name
 * wins; otherwise the first option the name is a prefix of, unless a later
 * one is another option, which makes it ambiguous (the message lists the
 * first and the others).
 */
function lookUpLong(name: string): { option?: OptionSpec; ambiguous?: OptionSpec[] } {
  const exact = OPTIONS.find((o) => o.long === name);
  if (exact) return { option: exact };
  const matches = OPTIONS.filter((o) => !o.extension && o.long?.startsWith(name));
  const first = matches[0];
  if (!first) return {};
  const others = matches.filter((o) => !sameOption(o, first));
  return others.length ? { ambiguous: [first, ...others] } : { option: first };
}

const SHORT = new Map(OPTIONS.filter((o) => o.short).map((o) => [o.short!, o]));

/**
 * What getopt_long does before commander sees the arguments: long options
 * get their full names, and the arguments end where getopt stops, with its
 * message. A missing option-argument (only possible at the very end) is left
 * to commander.
 */
function getoptScan(argv: readonly string[]): { argv: string[]; error?: string } {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (arg.length < 2 || arg[0] !== '-') {
      out.push(arg); // an operand: getopt skips it and goes on
      continue;
    }
    if (arg[1] === '-') {
      const body = arg.slice(2);
      const eq = body.indexOf('=');
      const found = lookUpLong(eq < 0 ? body : body.slice(0, eq));
      if (found.ambiguous) {
        const names = found.ambiguous.map((o) => ` '--${o.long}'`).join('');
        return { argv: out, error: `netstat: option '${arg}' is ambiguous; possibilities:${names}\n` };
      }
      const option = found.option;
      if (!option) return { argv: out, error: `netstat: unrecognized option '${arg}'\n` };
      if (eq >= 0 && !option.arg) return { argv: out, error: `netstat: option '--${option.long}' doesn't allow an argument\n` };
      out.push(`--${option.long}${eq < 0 ? '' : body.slice(eq)}`);
      if (option.arg && eq < 0 && i + 1 < argv.length) out.push(argv[++i]!);
      continue;
    }
    // a cluster of short options: one that takes an argument takes the rest, or the next argument
    let takes = 0;
    for (let j = 1; j < arg.length && !takes; j++) {
      const option = SHORT.get(arg[j]!);
      if (!option) {
        if (j > 1) out.push(arg.slice(0, j));
        return { argv: out, error: `netstat: invalid option -- '${arg[j]}'\n` };
      }
      if (option.arg) takes = j;
    }
    out.push(arg);
    if (takes === arg.length - 1 && i + 1 < argv.length) out.push(argv[++i]!);
  }
  return { argv: out };
}

/** One option as getopt returned it: the table's entry and its argument. */
interface Occurrence {
  option: OptionSpec;
  value: string | undefined;
}

/**
 * The commander program made from OPTIONS: each option's parser records its
 * occurrences in order (commander calls it for flags too), nothing is printed
 * and nothing exits.
 */
function program(occurrences: Occurrence[]): Command {
  const command = new Command('netstat')
    .helpOption(false)
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} });
  const registered = new Set<string>();
  for (const option of OPTIONS) {
    // -x's long name is the family option's --unix: commander knows it once
    const long = option.long && !registered.has(option.long) ? `--${option.long}` : undefined;
    if (option.long) registered.add(option.long);
    const flags = [option.short && `-${option.short}`, long].filter(Boolean).join(', ');
    const entry = new Option(option.arg ? `${flags} <${option.arg}>` : flags);
    entry.argParser((value: string | undefined) => {
      occurrences.push({ option, value: option.arg ? value : undefined });
      return value;
    });
    command.addOption(entry);
  }
  return command;
}

/** Parses netstat's arguments (without node and script). */
export function parseArguments(rawArgv: string[]): Parsed {
  const scanned = getoptScan(rawArgv);
  const occurrences: Occurrence[] = [];
  let failure = scanned.error;
  let operands: string[] = [];
  try {
    ({ operands } = program(occurrences).parseOptions(scanned.argv));
  } catch (error) {
    if (!(error instanceof CommanderError) || error.code !== 'commander.optionMissingArgument') throw error;
    // only the last argument can miss its option-argument
    const last = scanned.argv[scanned.argv.length - 1]!;
    failure = last.startsWith('--') ? `netstat: option '${last}' requires an argument\n` : `netstat: option requires an argument -- '${last.slice(-1)}'\n`;
  }

  const flags = initialFlags();
  let notes = '';
  for (const { option, value } of occurrences) {
    const result = option.apply(flags, value);
    if (typeof result === 'string') notes += result;
    else if (result) return { ...result, stderr: notes + (result.stderr ?? '') };
  }
  if (failure !== undefined) return usageError(notes + failure);
  flags.filter = operands;
  const conflict = prometheusConflict(flags);
  if (conflict) return { kind: 'exit', status: 1, stderr: `${notes}fastnetstat: ${conflict}\n` };
  // The environment can choose the source too, so a run's arguments stay netstat's own.
  const fromEnv = process.env.FASTNETSTAT_SOURCE;
  if (flags.source === undefined && fromEnv) {
    if (!isSource(fromEnv)) {
      return { kind: 'exit', status: 3, stderr: `fastnetstat: FASTNETSTAT_SOURCE takes auto, proc or netlink, not '${fromEnv}'\n` };
    }
    flags.source = fromEnv;
  }
  const details = detailsConflict(flags);
  if (details) return { kind: 'exit', status: 1, stderr: `${notes}fastnetstat: ${details}\n` };
  return { kind: 'run', flags, stderr: notes };
}
