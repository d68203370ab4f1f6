/**
 * The option combinations the oracle runs, each as argv (after the program name).
 * Socket-table options only: -r/-i/-g/-s/-M have other tests.
 */

export interface Case {
  args: string[];
  /** -c: compare the first 2 complete iterations */
  continuous?: boolean;
}

const split = (s: string): string[] => (s === '' ? [] : s.split(' '));

/** One option at a time (on top of the default listing). */
const SINGLE = [
  '',
  '-t',
  '-u',
  '-U',
  '-w',
  '-x',
  '-a',
  '-l',
  '-n',
  '--numeric-hosts',
  '--numeric-ports',
  '--numeric-users',
  '-p',
  '-e',
  '-ee',
  '-o',
  '-W',
  '-v',
  '-N',
  '-A inet',
  '-A inet6',
  '-A unix',
  '-A inet,unix',
  '-A inet,inet6',
  '--protocol=inet6',
  '-4',
  '-6',
  '--inet',
  '--inet6',
  '--unix',
];

/** Combinations. */
const COMBOS = [
  '-tulpn',
  '-tan',
  '-tanp',
  '-taneeopW',
  '-uan',
  '-wan',
  '-xa',
  '-xap',
  '-xl',
  '-an',
  '-a',
  '-l',
  '-lp',
  '-lnp',
  '-ee',
  '-tuwxa',
  '-tuwxan',
  '-ta',
  '-tl',
  '-tlp',
  '-ua',
  '-ul',
  '-uap',
  '-wa',
  '-wl',
  '-wanp',
  '-Ua',
  '-xn',
  '-xan',
  '-xlp',
  '-xae',
  '-xaW',
  '-xao',
  '-tae',
  '-tanee',
  '-tae --numeric-users',
  '-tanee --numeric-users',
  '-tau --numeric-hosts',
  '-tau --numeric-ports',
  '-taW',
  '-tanW',
  '-tuanW',
  '-tlW',
  '-tao',
  '-tano',
  '-tanoe',
  '-uao',
  '-wao',
  '-taepo',
  '-tuwaeepW',
  '-ap',
  '-ape',
  '-anpe',
  '-anv',
  '-av',
  '-lv',
  '-6a',
  '-6an',
  '-6ta',
  '-4a',
  '-4lnp',
  '-4 -6 -a',
  '-6 -x -a',
  '-A inet6 -a',
  '-A inet6 -tan',
  '-A inet -u -a',
  '-A inet,unix -a',
  '-A unix -ap',
  '--inet6 -ap',
  '--inet -lW',
  '--unix -a',
  '-t -A inet6 -l',
  '-x -A inet -a',
  '--tcp --all --numeric',
  '--udp --listening --program',
  '--raw --all --extend',
  '--wide --timers --tcp --all',
  '--unix --all --programs',
  '-taF',
  '-taC',
  '-taN',
];

/** Errors, usage, help and version. */
const OTHER = [
  '-k',
  '--bogus',
  '-A foo',
  '-A',
  '-A inet,foo -t',
  '-t -A',
  '-ir',
  '-S',
  '-Sa',
  '-S -t',
  '-Z',
  '-tZ',
  '-h',
  '--help',
  '-V',
  '--version',
  // operands: netstat ignores them, fastnetstat reads them as a filter expression (tests/filter)
];

export const CASES: Case[] = [...SINGLE, ...COMBOS, ...OTHER].map((s) => ({ args: split(s) }));

/** The socket listings alone (no errors, usage, help or version): what a namespace's block can hold. */
export const LISTING_CASES: Case[] = [...SINGLE, ...COMBOS].map((s) => ({ args: split(s) }));

export const CONTINUOUS_CASES: Case[] = ['-tanc', '-cx', '-c -uwa'].map((s) => ({
  args: split(s),
  continuous: true,
}));

/** The cases run as nobody: all of them (the -p/-e ones matter most), -c only once. */
export const NOBODY_CASES: Case[] = [...CASES, { args: ['-c', '-tap'], continuous: true }];

/** -o / --timers given (a short-option bundle containing o). */
export const hasTimers = (c: Case): boolean =>
  c.args.some((a) => a === '--timers' || (/^-[^-]/.test(a) && a.includes('o')));
