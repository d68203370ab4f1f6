/**
 * netstat's command line, parsed with commander but with getopt_long's
 * behaviour: options act in the order given (so `-V -k` prints the version
 * and `-k -V` complains), unique prefixes of long options are accepted, and
 * errors print getopt's messages followed by netstat's usage (exit 3).
 */
import { Command, CommanderError, Option } from 'commander';

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
  procRoot?: string;
  source?: 'auto' | 'proc' | 'netlink';
}

/** What the command line asks for: run with flags, or stop with output and a status. */
export type Parsed =
  | { kind: 'run'; flags: NetstatFlags; stderr: string }
  | { kind: 'exit'; status: number; stdout?: string; stderr?: string };

export function initialFlags(): NetstatFlags {
  return {
    route: 0, interfaces: 0, masquerade: 0, statistics: 0, groups: 0, all: 0, listening: 0,
    continuous: 0, extend: 1, programs: 0, wide: 0, numericHosts: false, numericPorts: false,
    numericUsers: false, symbolic: false, cache: false, fib: false, timers: 0, verbose: false,
    tcp: 0, sctp: 0, udp: 0, udplite: 0, raw: 0, l2cap: 0, rfcomm: 0, unix: 0, inet: 0, inet6: 0,
    ipx: 0, ax25: 0, netrom: 0, x25: 0, rose: 0, ddp: 0, econet: 0, ash: 0, bluetooth: 0,
    afnames: [], json: false,
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

/** aftrans_opt(): returns the error line for an unknown family, or undefined. */
function addFamilies(flags: NetstatFlags, list: string): string | undefined {
  for (const alias of list.slice(0, 255).split(',')) {
    const known = AF_ALIASES[alias];
    if (!known) return `Unknown address family \`${alias}'.\n`;
    (flags[known[1]] as number)++;
    flags.afnames.push(known[0]);
  }
  return undefined;
}

interface Spec {
  short?: string;
  long?: string;
  /** Takes an argument. */
  arg?: boolean;
  /** A fastnetstat option (not netstat's): matched by its exact name only. */
  extension?: boolean;
  apply: (flags: NetstatFlags, value: string | undefined) => Parsed | string | void;
}

const count = (key: keyof NetstatFlags) => (f: NetstatFlags) => {
  (f[key] as number)++;
};
const family = (name: string) => (f: NetstatFlags) => addFamilies(f, name);

/**
 * Every option netstat 2.10 (Debian) accepts, in its getopt_long table order
 * (the order decides how ambiguous prefixes are listed).
 */
const SPECS: Spec[] = [
  { long: 'ax25', apply: family('ax25') },
  { long: 'x25', apply: family('x25') },
  { long: 'ip', apply: family('ip') },
  { long: 'ipx', apply: family('ipx') },
  { long: 'appletalk', apply: family('appletalk') },
  { long: 'netrom', apply: family('netrom') },
  { long: 'inet', apply: family('inet') },
  { long: 'inet6', apply: family('inet6') },
  { long: 'ddp', apply: family('ddp') },
  { long: 'unix', apply: family('unix') },
  // Debian's table has one more entry than its AFTRANS_CNT: netstat complains and ignores it.
  { long: 'tcpip', apply: () => "netstat.c: Internal Error `longopts 1 range'.\n" },
  { long: 'rose', apply: family('rose') },
  { long: 'bluetooth', apply: family('bluetooth') },
  { short: 'V', long: 'version', apply: () => ({ kind: 'exit', status: 0, stdout: VERSION_TEXT() }) },
  { short: 'i', long: 'interfaces', apply: count('interfaces') },
  { short: 'h', long: 'help', apply: () => ({ kind: 'exit', status: 0, stdout: USAGE_TEXT(), stderr: AF_LIST_TEXT() }) },
  { short: 'r', long: 'route', apply: count('route') },
  { short: 'M', long: 'masquerade', apply: count('masquerade') },
  { short: 'A', long: 'protocol', arg: true, apply: (f, v) => addFamilies(f, v ?? '') },
  { short: 't', long: 'tcp', apply: count('tcp') },
  { short: 'S', long: 'sctp', apply: count('sctp') },
  { short: 'u', long: 'udp', apply: count('udp') },
  { short: 'U', long: 'udplite', apply: count('udplite') },
  { short: 'w', long: 'raw', apply: count('raw') },
  { short: 'x', apply: family('unix') },
  { short: '2', long: 'l2cap', apply: count('l2cap') },
  { short: 'f', long: 'rfcomm', apply: count('rfcomm') },
  { short: 'l', long: 'listening', apply: count('listening') },
  { short: 'a', long: 'all', apply: count('all') },
  { short: 'o', long: 'timers', apply: count('timers') },
  { short: 'c', long: 'continuous', apply: count('continuous') },
  { short: 'e', long: 'extend', apply: count('extend') },
  { short: 'p', long: 'programs', apply: count('programs') },
  { short: 'v', long: 'verbose', apply: (f) => void (f.verbose = true) },
  { short: 's', long: 'statistics', apply: count('statistics') },
  { short: 'W', long: 'wide', apply: count('wide') },
  {
    short: 'n',
    long: 'numeric',
    apply: (f) => void (f.numericHosts = f.numericPorts = f.numericUsers = true),
  },
  { long: 'numeric-hosts', apply: (f) => void (f.numericHosts = true) },
  { long: 'numeric-ports', apply: (f) => void (f.numericPorts = true) },
  { long: 'numeric-users', apply: (f) => void (f.numericUsers = true) },
  { short: 'N', long: 'symbolic', apply: (f) => void (f.symbolic = true) },
  { short: 'C', long: 'cache', apply: (f) => void (f.cache = true) },
  { short: 'F', long: 'fib', apply: (f) => void (f.fib = true) },
  { short: 'g', long: 'groups', apply: count('groups') },
  {
    short: 'Z',
    long: 'context',
    apply: () => ({ kind: 'exit', status: 1, stderr: 'SELinux is not enabled on this machine.\n' }),
  },
  { short: 'd', apply: () => undefined },
  { short: '6', apply: family('inet6') },
  { short: '4', apply: family('inet') },
  { short: '?', apply: () => usageError('') },
  // fastnetstat extensions (long only, so they cannot clash with netstat's letters)
  { long: 'json', extension: true, apply: (f) => void (f.json = true) },
  { long: 'proc-root', extension: true, arg: true, apply: (f, v) => void (f.procRoot = v) },
  {
    long: 'source',
    extension: true,
    arg: true,
    apply: (f, v) => {
      if (v !== 'auto' && v !== 'proc' && v !== 'netlink') {
        return { kind: 'exit', status: 3, stderr: `fastnetstat: --source takes auto, proc or netlink, not '${v}'\n` };
      }
      f.source = v;
    },
  },
];

let USAGE_TEXT = () => '';
let AF_LIST_TEXT = () => '';
let VERSION_TEXT = () => '';

function usageError(message: string): Parsed {
  return { kind: 'exit', status: 3, stderr: message + USAGE_TEXT() + AF_LIST_TEXT() };
}

/**
 * netstat 2.10's getopt_long table, in its order (read from the Debian
 * binary): name, takes an argument, and the value getopt returns. Options
 * with the same value are interchangeable for prefix matching (all the
 * address-family options return 1), which decides what is ambiguous.
 */
const GETOPT_LONG: ReadonlyArray<readonly [string, boolean, string]> = [
  ['ax25', false, '1'], ['x25', false, '1'], ['ip', false, '1'], ['ipx', false, '1'], ['appletalk', false, '1'],
  ['netrom', false, '1'], ['inet', false, '1'], ['inet6', false, '1'], ['ddp', false, '1'], ['rose', false, '1'],
  ['unix', false, '1'], ['bluetooth', false, '1'], ['tcpip', false, '1'],
  ['version', false, 'V'], ['interfaces', false, 'i'], ['help', false, 'h'], ['route', false, 'r'],
  ['masquerade', false, 'M'], ['protocol', true, 'A'], ['tcp', false, 't'], ['sctp', false, 'S'], ['udp', false, 'u'],
  ['udplite', false, 'U'], ['raw', false, 'w'], ['unix', false, 'x'], ['l2cap', false, '2'], ['rfcomm', false, 'f'],
  ['listening', false, 'l'], ['all', false, 'a'], ['timers', false, 'o'], ['continuous', false, 'c'],
  ['extend', false, 'e'], ['programs', false, 'p'], ['verbose', false, 'v'], ['statistics', false, 's'],
  ['wide', false, 'W'], ['numeric', false, 'n'], ['numeric-hosts', false, '!'], ['numeric-ports', false, '@'],
  ['numeric-users', false, '#'], ['symbolic', false, 'N'], ['cache', false, 'C'], ['fib', false, 'F'],
  ['groups', false, 'g'], ['context', false, 'Z'],
];
/** Our own long options: exact names only, so netstat's prefixes keep their meaning. */
const EXTENSIONS = SPECS.filter((s) => s.extension).map((s) => s.long!);
const TAKES_VALUE = SPECS.filter((s) => s.long && s.arg).map((s) => s.long!);

/**
 * glibc getopt_long's lookup of `--body`: an exact name wins; otherwise the
 * first option the name is a prefix of, unless a later one returns something
 * else, which makes it ambiguous.
 */
function lookUpLong(body: string): { name?: string; ambiguous?: string } {
  const eq = body.indexOf('=');
  const name = eq < 0 ? body : body.slice(0, eq);
  if (EXTENSIONS.includes(name)) return { name };
  const exact = GETOPT_LONG.find(([n]) => n === name);
  if (exact) return { name: exact[0] };
  const matches = GETOPT_LONG.filter(([n]) => n.startsWith(name));
  const first = matches[0];
  if (!first) return {};
  const differing = matches.filter(([, arg, val]) => arg !== first[1] || val !== first[2]);
  if (differing.length === 0) return { name: first[0] };
  const listed = GETOPT_LONG.filter((o) => o === first || differing.includes(o));
  return { ambiguous: `netstat: option '--${body}' is ambiguous; possibilities:${listed.map(([n]) => ` '--${n}'`).join('')}\n` };
}

/**
 * Rewrites long options to their full names as getopt_long would resolve
 * them, or stops at the first ambiguous one with getopt's message.
 */
function expandLongPrefixes(argv: string[]): { argv: string[]; message?: string } {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (!arg.startsWith('--')) {
      out.push(arg);
      // -A's separate argument is never an option itself
      if (/^-[^-]*A$/.test(arg) && i + 1 < argv.length) out.push(argv[++i]!);
      continue;
    }
    const body = arg.slice(2);
    const found = lookUpLong(body);
    if (found.ambiguous) return { argv: out, message: found.ambiguous };
    if (!found.name) {
      out.push(arg);
      continue;
    }
    const eq = body.indexOf('=');
    out.push(`--${found.name}${eq < 0 ? '' : body.slice(eq)}`);
    if (eq < 0 && TAKES_VALUE.includes(found.name) && i + 1 < argv.length) out.push(argv[++i]!);
  }
  return { argv: out };
}

/** The getopt message for the option commander rejected. */
function getoptMessage(error: CommanderError, argv: string[]): string {
  const quoted = /'([^']*)'/.exec(error.message)?.[1] ?? '';
  switch (error.code) {
    case 'commander.unknownOption': {
      if (quoted.startsWith('--')) {
        const name = quoted.slice(2).split('=')[0]!;
        const spec = SPECS.find((s) => s.long === name);
        if (spec && !spec.arg && quoted.includes('=')) return `netstat: option '--${name}' doesn't allow an argument\n`;
        return `netstat: unrecognized option '${quoted}'\n`;
      }
      return `netstat: invalid option -- '${quoted.slice(1, 2)}'\n`;
    }
    case 'commander.optionMissingArgument': {
      const last = argv[argv.length - 1] ?? '';
      if (last.startsWith('--')) return `netstat: option '${last}' requires an argument\n`;
      return `netstat: option requires an argument -- '${last.slice(-1)}'\n`;
    }
    default:
      return `netstat: ${error.message.replace(/^error: /, '')}\n`;
  }
}

export function setTexts(usage: string, afList: string, version: string): void {
  USAGE_TEXT = () => usage;
  AF_LIST_TEXT = () => afList;
  VERSION_TEXT = () => version;
}

interface Collected {
  events: Array<{ spec: Spec; value: string | undefined }>;
  error?: CommanderError;
}

/** Runs commander over `argv`, recording each option occurrence in order. */
function collect(argv: string[]): Collected {
  const program = new Command('netstat')
    .helpOption(false)
    .allowExcessArguments(true)
    .argument('[operands...]')
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} });
  const events: Collected['events'] = [];
  for (const spec of SPECS) {
    const letters = [spec.short && `-${spec.short}`, spec.long && `--${spec.long}`].filter(Boolean).join(', ');
    const option = new Option(spec.arg ? `${letters} <value>` : letters);
    // commander calls the parser for every occurrence, flags included, in order
    option.argParser((value: string | undefined) => {
      events.push({ spec, value: spec.arg ? value : undefined });
      return value;
    });
    program.addOption(option);
  }
  try {
    program.parse(argv, { from: 'user' });
    return { events };
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return { events, error };
  }
}

/**
 * The arguments before the one commander rejected: getopt acts on those and
 * stops there (commander goes on recording later options, getopt does not).
 */
function argumentsBefore(argv: string[], error: CommanderError): string[] {
  if (error.code !== 'commander.unknownOption') return argv;
  const token = /'([^']*)'/.exec(error.message)?.[1] ?? '';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === token) return argv.slice(0, i);
    // a cluster such as -tkl: commander reports the tail from the bad letter on
    if (!token.startsWith('--') && arg.startsWith('-') && !arg.startsWith('--') && arg.endsWith(token.slice(1))) {
      const head = arg.slice(0, arg.length - (token.length - 1));
      return head.length > 1 ? [...argv.slice(0, i), head] : argv.slice(0, i);
    }
  }
  return argv;
}

/** Parses netstat's arguments (without node and script). */
export function parseArguments(rawArgv: string[]): Parsed {
  const flags = initialFlags();
  const expanded = expandLongPrefixes(rawArgv);
  const argv = expanded.argv;
  let { events, error } = collect(argv);
  let failure: Parsed | undefined;
  if (error) {
    failure = usageError(getoptMessage(error, argv));
    events = collect(argumentsBefore(argv, error)).events;
  } else if (expanded.message) {
    failure = usageError(expanded.message);
  }

  let notes = '';
  for (const { spec, value } of events) {
    const result = spec.apply(flags, value);
    if (typeof result === 'string') {
      if (result.startsWith('Unknown address family')) return { kind: 'exit', status: 1, stderr: notes + result };
      notes += result;
    } else if (result) {
      return { ...result, stderr: notes + (result.stderr ?? '') };
    }
  }
  if (failure?.kind === 'exit') return { ...failure, stderr: notes + (failure.stderr ?? '') };
  // The environment can choose the source too, so a run's arguments stay netstat's own.
  const fromEnv = process.env.FASTNETSTAT_SOURCE;
  if (flags.source === undefined && fromEnv) {
    if (fromEnv !== 'auto' && fromEnv !== 'proc' && fromEnv !== 'netlink') {
      return { kind: 'exit', status: 3, stderr: `fastnetstat: FASTNETSTAT_SOURCE takes auto, proc or netlink, not '${fromEnv}'\n` };
    }
    flags.source = fromEnv;
  }
  return { kind: 'run', flags, stderr: notes };
}
