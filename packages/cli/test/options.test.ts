/**
 * The command line: parseArguments() at the flag level, then the whole CLI
 * against the real /usr/bin/netstat for the same argument vectors (stdout,
 * stderr and exit status, byte for byte).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extensionsHelp, initialFlags, parseArguments, type NetstatFlags, type Parsed } from '../src/options.js';
import { AF_LIST, USAGE, VERSION, VERSION_HEADING } from '../src/usage.js';
import { argv, canMountProc, cli, cliOn, hasNetstat, LIVE, netstat, netstatOn, type Result } from './oracle.js';

const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
/** fastnetstat -V: its own name and version, then netstat's -V. */
const FASTNETSTAT_VERSION = `fastnetstat ${PACKAGE_VERSION}\ncompatible with netstat from net-tools 2.10:\n${VERSION}`;

function flagsOf(args: string[]): NetstatFlags {
  const parsed = parseArguments(args);
  expect(parsed).toMatchObject({ kind: 'run', stderr: '' });
  return (parsed as Extract<Parsed, { kind: 'run' }>).flags;
}

/** The flags that differ from the initial ones. */
function changed(args: string[]): Partial<NetstatFlags> {
  const flags = flagsOf(args);
  const initial = initialFlags() as unknown as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(flags).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(initial[k])),
  ) as Partial<NetstatFlags>;
}

describe('parseArguments: flags', () => {
  it('-tulpn', () => {
    expect(changed(['-tulpn'])).toEqual({
      tcp: 1, udp: 1, listening: 1, programs: 1, numericHosts: true, numericPorts: true, numericUsers: true,
      lastStateOption: 'listening',
    });
  });

  it('-ee counts (flag_exp starts at 1)', () => {
    expect(changed(['-ee'])).toEqual({ extend: 3 });
    expect(changed(['-e', '-e', '-e'])).toEqual({ extend: 4 });
  });

  it('-Ainet6 (attached argument)', () => {
    expect(changed(['-Ainet6'])).toEqual({ inet6: 1, afnames: ['inet6'] });
  });

  it('-A inet,unix (a list, in order)', () => {
    expect(changed(['-A', 'inet,unix'])).toEqual({ inet: 1, unix: 1, afnames: ['inet', 'unix'] });
  });

  it('--protocol=inet6 and its unique prefix --prot inet6', () => {
    expect(changed(['--protocol=inet6'])).toEqual({ inet6: 1, afnames: ['inet6'] });
    expect(changed(['--prot', 'inet6'])).toEqual({ inet6: 1, afnames: ['inet6'] });
  });

  it('-64x: families in the order given', () => {
    expect(changed(['-64x'])).toEqual({ inet6: 1, inet: 1, unix: 1, afnames: ['inet6', 'inet', 'unix'] });
  });

  it('-tA inet: a cluster ending in an option that takes the next argument', () => {
    expect(changed(['-tA', 'inet'])).toEqual({ tcp: 1, inet: 1, afnames: ['inet'] });
  });

  it('-t extra -l: operands are skipped by getopt, options after them still count; they form the filter', () => {
    expect(changed(['-t', 'extra', '-l'])).toEqual({ tcp: 1, listening: 1, lastStateOption: 'listening', filter: ['extra'] });
    expect(changed(['-tn', 'dport', '=', ':22', '-a'])).toMatchObject({ filter: ['dport', '=', ':22'], all: 1, lastStateOption: 'all' });
    expect(changed(['-t', '--', '-a', 'x'])).toMatchObject({ filter: ['-a', 'x'], tcp: 1 });
    expect(changed(['-al'])).toMatchObject({ lastStateOption: 'listening' });
    expect(changed(['-la'])).toMatchObject({ lastStateOption: 'all' });
  });

  it('aliases of lib/af.c: ip, ip6, tcpip, appletalk, econet', () => {
    expect(changed(['-A', 'ip6,tcpip'])).toEqual({ inet6: 1, inet: 1, afnames: ['inet6', 'inet'] });
    expect(changed(['-A', 'appletalk'])).toEqual({ ddp: 1, afnames: ['ddp'] });
    expect(changed(['-A', 'econet'])).toEqual({ econet: 1, afnames: ['ec'] });
    expect(changed(['--ip'])).toEqual({ inet: 1, afnames: ['inet'] });
  });

  it('--numeric-h is a unique prefix of --numeric-hosts only', () => {
    expect(changed(['--numeric-h'])).toEqual({ numericHosts: true });
    expect(changed(['--numeric-users'])).toEqual({ numericUsers: true });
  });

  it('-o, -W, -a, -c, -v, -N, -C, -F, -g, -M, -s, -r, -i set their flags', () => {
    expect(changed(['-oWacvNCFgMsri'])).toEqual({
      timers: 1, wide: 1, all: 1, continuous: 1, verbose: true, symbolic: true, cache: true, fib: true,
      groups: 1, masquerade: 1, statistics: 1, route: 1, interfaces: 1, lastStateOption: 'all',
    });
  });

  it('--tcpip: netstat complains about its own table and goes on', () => {
    expect(parseArguments(['--tcpip', '-t'])).toEqual({
      kind: 'run',
      flags: { ...initialFlags(), tcp: 1 },
      stderr: "netstat.c: Internal Error `longopts 1 range'.\n",
    });
  });

  it('extensions: --json, --proc-root DIR, --proc-root=DIR', () => {
    expect(changed(['--json', '-t'])).toEqual({ json: true, tcp: 1 });
    expect(changed(['--proc-root', '/x', '-t'])).toEqual({ procRoot: '/x', tcp: 1 });
    expect(changed(['--proc-root=/y'])).toEqual({ procRoot: '/y' });
  });
});

describe('parseArguments: exits', () => {
  it('-V prints the version and stops, whatever follows', () => {
    expect(parseArguments(['-V'])).toEqual({ kind: 'exit', status: 0, stdout: FASTNETSTAT_VERSION, stderr: '' });
    expect(parseArguments(['--version', '-k'])).toMatchObject({ kind: 'exit', status: 0, stdout: FASTNETSTAT_VERSION });
    expect(VERSION_HEADING(PACKAGE_VERSION)).toBe(`fastnetstat ${PACKAGE_VERSION}\ncompatible with netstat from net-tools 2.10:\n`);
  });

  it('-h: usage on stdout, the family list on stderr, status 0, then the extensions on stdout', () => {
    expect(parseArguments(['-h'])).toEqual({ kind: 'exit', status: 0, stdout: USAGE, stderr: AF_LIST, trailer: extensionsHelp() });
  });

  it("-h's extensions: one line each, in netstat's columns", () => {
    expect(extensionsHelp()).toBe(
      [
        '',
        "fastnetstat's extensions (not netstat's):",
        '        --json                   print the listing as JSON (docs/json.md)',
        '        --proc-root DIR          read the tables of DIR, a copy of /proc',
        '        --netns SPEC             list one network namespace: a /run/netns name, a path, pid:PID',
        '        --all-netns              list every network namespace of the host, one block each',
        "        --host-root DIR          where container runtimes' state is (default /)",
        '        --source netlink|proc    where socket rows come from (default: auto)',
        '        --prometheus             print the sockets as Prometheus metrics (docs/prometheus.md)',
        "        --listen [HOST:]PORT     with --prometheus: serve GET /metrics there (PORT alone: loopback)",
        "        --log-requests           log the --listen server's requests on stderr",
        '        --tcp-info               under each tcp row, its tcp_info as ss -i shows it',
        '        --memory                 under each row, its memory as ss -m shows it (skmem)',
        '        --kill                   close the sockets the FILTER selects (SOCK_DESTROY, as ss -K; CAP_NET_ADMIN)',
        '        --events                 print tcp/udp sockets as the kernel closes them, timed, until interrupted (ss -E)',
        "        FILTER                   the words after the options: ss's filter expression, e.g. 'dport = :22' (docs/filters.md)",
        '        FASTNETSTAT_SOURCE       the default of --source',
        '',
      ].join('\n'),
    );
    // the texts start in the column of netstat's own option lines
    const column = (line: string) => /^( +\S+(?: \S+)? +)/.exec(line)![1]!.length;
    const netstatColumn = column(USAGE.split('\n').find((l) => l.includes('--numeric-hosts'))!);
    for (const line of extensionsHelp().split('\n').slice(2, -1)) expect(column(line)).toBe(netstatColumn);
  });

  it('an unknown option: getopt message, usage on stderr, status 3', () => {
    expect(parseArguments(['-k'])).toEqual({ kind: 'exit', status: 3, stderr: `netstat: invalid option -- 'k'\n${USAGE}${AF_LIST}` });
    expect(parseArguments(['-k', '-V'])).toMatchObject({ status: 3 });
    expect(parseArguments(['--bogus'])).toMatchObject({ status: 3, stderr: `netstat: unrecognized option '--bogus'\n${USAGE}${AF_LIST}` });
    expect(parseArguments(['--tcp=1'])).toMatchObject({ stderr: `netstat: option '--tcp' doesn't allow an argument\n${USAGE}${AF_LIST}` });
    expect(parseArguments(['-A'])).toMatchObject({ stderr: `netstat: option requires an argument -- 'A'\n${USAGE}${AF_LIST}` });
  });

  it('an unknown family: one line, status 1', () => {
    expect(parseArguments(['-A', 'foo'])).toEqual({ kind: 'exit', status: 1, stderr: "Unknown address family `foo'.\n" });
    expect(parseArguments(['-A', 'inet,foo'])).toEqual({ kind: 'exit', status: 1, stderr: "Unknown address family `foo'.\n" });
  });

  it('-Z: SELinux is off', () => {
    expect(parseArguments(['-Z'])).toEqual({ kind: 'exit', status: 1, stderr: 'SELinux is not enabled on this machine.\n' });
  });

  it('an ambiguous prefix lists the candidates', () => {
    expect(parseArguments(['--num'])).toMatchObject({
      status: 3,
      stderr: `netstat: option '--num' is ambiguous; possibilities: '--numeric' '--numeric-hosts' '--numeric-ports' '--numeric-users'\n${USAGE}${AF_LIST}`,
    });
  });
});

function expectSame(got: Result, want: Result): void {
  expect(got.stderr).toBe(want.stderr);
  expect(got.stdout).toBe(want.stdout);
  expect(got.status).toBe(want.status);
}

/**
 * The same, where fastnetstat's -h and -V differ from netstat's on purpose:
 * -h appends exactly the extensions section to netstat's usage on stdout, -V
 * puts fastnetstat's two lines before netstat's version text.
 */
function expectSameAsNetstat(got: Result, want: Result): void {
  let stdout = want.stdout;
  if (want.stdout === USAGE) stdout = USAGE + extensionsHelp();
  else if (want.stdout === VERSION) stdout = FASTNETSTAT_VERSION;
  expectSame(got, { ...want, stdout });
}

/** Vectors whose output does not depend on the sockets of the machine: run as they are. */
const STANDALONE = [
  '-k', '-tkl', '--bogus', '--bogus=2', '--tcp=1', '-A', '--protocol', '--num', '-A foo', '-A inet,foo',
  '-?', '-h', '--help', '-V', '--version', '--version -k', '-k -V', '-Vk', '-kV', '-i -r', '-s -i -M', '-Z',
  '-Z -V', '-V -Z', '-2', '-A bluetooth', '--vers', '--h', '-t -A', '--version=1', '--proto', '-A foo -k',
  '-k -A foo', '-h -k', '--num -V', '-e -h', '-A inet6 --bogus', '--bogus -A foo', '-4 -k', '---',
  '--tcpip -V', '--tcpip -k', '-A ,inet', '-A inet,', '--n', '--r', '--ro', '--c', '--nu', '--numeric-',
  '--ve', '--l', '--t', '--ud', '--ip=3',
  // getopt stops at the first bad option, whatever commander would make of what follows
  '-k -A', '-k --prot', '-5 -A', '-: -A', '-t-', '-t- --num', '-Ak -k', '-A -t', '--tcp=1 -V', '-tk -V',
];

/** Vectors that list sockets: run both on the live fixture (netstat in a mount namespace). */
const LISTING = [
  '--tcpip -t', '-S', '-A ipx', '--numeric-h', '--numeric-h -t', '-tn', '-x', '-tuwn', '-A appletalk',
  '-A ax25', '-A netrom -t', '--unix', '-n --numeric-users -ee', '-d -n', '-F -tn', '-C -tn', '-N -tn', '-M', '--x25',
  '--rose', '--ddp', '-A econet', '-A ash', '-Ainet6 -n', '-A inet,unix -n', '--protocol=inet6 -n', '-64x', '-tA inet -n',
  '--inet -tn', '-4 -un', '-A ip6,tcpip -n', '--ax', '--ap', '--ne', '--net', '--d', '--b', '--tcpi', '--co -V',
  '--prog -tn', '--prot inet -n', '--f', '--x', '--e', '--w',
  // netstat ignores operands ('-t extra -l', '-', '-- -k'); fastnetstat reads them as a filter
  // expression (docs/filters.md; tests/filter)
];

/**
 * glibc getopt_long: a prefix matching several long options is not ambiguous when
 * they all have the same has_arg, flag and val (netstat's family options are all
 * `val 1`), and those duplicates are left out of the list of possibilities; the
 * message quotes the argument with its `=value`; `--=` is a prefix of everything.
 */
const AMBIGUITY: Array<[string, 'standalone' | 'listing']> = [
  ['--ine', 'listing'], // --inet and --inet6: the same kind of option, so --inet (the first)
  ['--in', 'standalone'], // netstat lists '--inet' '--interfaces'
  ['--i', 'standalone'], // '--ip' '--interfaces'
  ['--a', 'standalone'], // '--ax25' '--all'
  ['--u', 'standalone'], // '--unix' '--udp' '--udplite' '--unix' (the family and -x's long name)
  ['--tc=1', 'standalone'], // "option '--tc=1' is ambiguous"
  ['--=', 'standalone'],
];

describe.skipIf(!hasNetstat)('the CLI against /usr/bin/netstat: errors and quick exits', () => {
  for (const args of STANDALONE) {
    it(args, () => expectSameAsNetstat(cli(argv(args)), netstat(argv(args))));
  }
  for (const [args, kind] of AMBIGUITY) {
    if (kind === 'standalone') it(`${args} (getopt ambiguity rules)`, () => expectSameAsNetstat(cli(argv(args)), netstat(argv(args))));
  }
});

describe.skipIf(!canMountProc)('the CLI against /usr/bin/netstat: listings of the live fixture', () => {
  for (const args of LISTING) {
    it(args, () => expectSameAsNetstat(cliOn(LIVE, argv(args)), netstatOn(LIVE, argv(args))));
  }
  for (const [args, kind] of AMBIGUITY) {
    if (kind === 'listing') it(`${args} (getopt ambiguity rules)`, () => expectSameAsNetstat(cliOn(LIVE, argv(args)), netstatOn(LIVE, argv(args))));
  }
});

describe.skipIf(!hasNetstat)('extension options and getopt prefixes', () => {
  // --proc-root, --json and --source are fastnetstat's own and match by their exact names
  // only, so every prefix means what it means to netstat.
  for (const args of ['--p', '--pr', '--pro inet', '--s', '--so', '--j', '--proc']) {
    it(`${args}: exactly netstat's answer`, () => expectSame(cli(argv(args)), netstat(argv(args))));
  }

  it('--json and --proc-root are not netstat options', () => {
    expect(netstat(['--json']).status).toBe(3);
    expect(netstat(['--proc-root', '/proc']).status).toBe(3);
  });
});

describe('--prometheus, --listen, --log-requests', () => {
  const run = (args: string[]) => parseArguments(args);
  const flagsOf = (args: string[]): NetstatFlags => {
    const parsed = run(args);
    if (parsed.kind !== 'run') throw new Error(`expected a run, got ${JSON.stringify(parsed)}`);
    return parsed.flags;
  };
  const failure = (args: string[]) => {
    const parsed = run(args);
    expect(parsed.kind).toBe('exit');
    if (parsed.kind !== 'exit') return '';
    expect(parsed.status).toBe(1);
    expect(parsed.stderr).toMatch(/^fastnetstat: [^\n]+\n$/);
    return parsed.stderr!;
  };

  it('a port alone binds loopback; an address must be given to listen wider', () => {
    expect(flagsOf(['--prometheus', '--listen', '9810']).listen).toEqual({ host: '127.0.0.1', port: 9810 });
    expect(flagsOf(['--prometheus', '--listen=0.0.0.0:9810']).listen).toEqual({ host: '0.0.0.0', port: 9810 });
    expect(flagsOf(['--prometheus', '--listen', '[::]:9810']).listen).toEqual({ host: '::', port: 9810 });
    expect(flagsOf(['--prometheus', '--listen', '[2001:db8::1]:0']).listen).toEqual({ host: '2001:db8::1', port: 0 });
    expect(flagsOf(['-tu', '--prometheus', '--listen', '192.0.2.10:65535', '--log-requests'])).toMatchObject({
      prometheus: true,
      logRequests: true,
      tcp: 1,
      udp: 1,
      listen: { host: '192.0.2.10', port: 65535 },
    });
  });

  it('a bad --listen is one line and status 1', () => {
    for (const bad of ['', 'x', '65536', '-1', '1.2.3:80', '300.1.2.3:80', '::1:80', '[127.0.0.1]:80', 'localhost:80', '[::1]:', '127.0.0.1:80:1', '127.0.0.1:http']) {
      expect(failure(['--prometheus', '--listen', bad])).toContain(`--listen '${bad}'`);
    }
    expect(failure(['--prometheus', '--listen', ':9810'])).toContain('0.0.0.0:9810 or [::]:9810');
  });

  it('what does not combine with --prometheus, and the server options without it', () => {
    for (const other of ['-i', '-r', '-s', '-g', '-c', '-M', '--json']) {
      expect(failure(['--prometheus', other])).toBe(`fastnetstat: --prometheus does not combine with ${other}\n`);
    }
    expect(failure(['--listen', '9810'])).toContain('give --prometheus too');
    expect(failure(['--log-requests'])).toContain('--log-requests');
    expect(failure(['--prometheus', '--log-requests'])).toContain('--log-requests');
    // socket selection and listing flags are fine (they narrow or do not matter)
    expect(flagsOf(['--prometheus', '-tulnpaeW4']).prometheus).toBe(true);
  });
});
