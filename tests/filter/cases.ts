/**
 * The filter matrix: expressions in ss's grammar, each run with several option sets, on the zoo
 * of zoo.ts/holder.py. `{ns}` in an expression is replaced by the zoo's namespace name (its
 * directory is /tmp/{ns}, its abstract names @{ns}-...), `{cgroup}` by its child cgroup.
 */

export interface FilterCase {
  /** fastnetstat's options (ss gets the same through sets.ts's ssOptions). */
  options: string[];
  /** The expression's words, as a shell would pass them. */
  words: string[];
  /** Pass the expression to fastnetstat as one argument (ss still gets the words). */
  oneWord?: boolean;
  /** Sockets (a key's description must contain each) that both tools must list: the case's point. */
  expect?: string[];
  /** Needs the child cgroup. */
  cgroup?: boolean;
}

const w = (expr: string) => expr.split(' ').filter(Boolean);

/**
 * Cases where fastnetstat and ss differ today, with the reason; they run as expected failures
 * (`it.fails`), so fixing one makes the suite say so. Keyed by the case's expression and options.
 *
 * Raw sockets: this kernel has no raw_diag (CONFIG_INET_RAW_DIAG unset), so ss reads raw sockets
 * from /proc and runs only its userspace test, which compares an IPv4 prefix with an IPv6
 * address bit by bit (`src 0.0.0.0` matches `[::]`, `dst 0.0.0.0/0` every IPv6 raw socket, `src
 * ::/0` every IPv4 one). The core's evaluator also applies the kernel's family check (as ss
 * does where the kernel filters: tcp, udp), so it leaves those raw sockets out.
 */
export const KNOWN_DIFFERENCES: Record<string, string> = {
  '-n -tuwa src 0.0.0.0': 'raw, userspace-only in ss on a kernel without raw_diag',
  '-n -tuwa dst 0.0.0.0/0': 'raw, userspace-only in ss on a kernel without raw_diag',
  '-n -wa dst 0.0.0.0/0': 'raw, userspace-only in ss on a kernel without raw_diag',
  '-n -tuwa src ::/0': 'raw, userspace-only in ss on a kernel without raw_diag',
};

/** Expressions over inet sockets: every rule of the grammar that applies to them. */
export const INET_EXPRESSIONS: string[] = [
  // ports, every comparison, with and without the colon
  'dport = :22', 'dport == :22', 'dport eq :22', 'dport :22', 'dport 22', 'dport = 22',
  'sport != :22', 'sport ne :443', 'sport neq 443',
  'dport > :1024', 'dport gt 1024', 'dport < :1024', 'dport lt :1024',
  'sport >= :8080', 'sport ge 8080', 'sport geq :8080',
  'sport <= :80', 'sport le :80', 'sport leq 80',
  'sport = :53', 'dport = :5353', 'sport = :253', 'dport = :9999',
  // addresses, prefixes, ports, `*`, brackets
  'src 127.0.0.1', 'src = 127.0.0.1', 'src 127.0.0.1:2001', 'src 192.0.2.0/24', 'src 192.0.2.0/24:443',
  'dst 192.0.2.1', 'dst 192.0.2.1:22', 'dst = 192.0.2.99', 'src 0.0.0.0', 'src :22', 'src *:443', 'src *', 'dst *',
  'dst 0.0.0.0/0', 'src 198.51.100.0/25',
  'src [::1]', 'src [::1]:2002', 'src ::1', 'dst [2001:db8::1]:443', 'src 2001:db8::/32', 'src 2001:db8:1::/48',
  'dst [2001:db8::99]', 'src ::', 'src ::/0', 'dst ::ffff:127.0.0.1',
  // v4 conditions on v4-mapped IPv6 sockets
  'dst 127.0.0.1', 'src 127.0.0.1:80',
  // logic
  'sport = :22 or dport = :22', 'sport = :22 || dport = :22', 'sport = :22 | dport = :22',
  'src 127.0.0.1 and dport = :2001', 'src 127.0.0.1 && dport = :2001', 'src 127.0.0.1 & sport = :2001',
  'not sport = :22', '! sport = :22', 'not not sport = :22',
  '( sport = :22 or sport = :443 ) and dst 192.0.2.0/24', 'src 192.0.2.1 dport = :22',
  'not ( sport = :22 or dport = :22 )', 'sport = :22 or dport = :22 and src 192.0.2.2',
  '( sport = :22 or dport = :22 ) and src 192.0.2.2', 'sport > :1000 sport < :3000 not dst 127.0.0.1',
  // autobound, dev
  'autobound', 'not autobound', 'autobound and dport = :2001', 'autobound or sport = :22',
  'dev fns0', 'dev = lo', 'dev != fns0', 'dev lo', 'dev 1', 'not dev lo and dport = :22',
];

/** Expressions over unix sockets (ss takes unix paths with -x, or with the `unix:` prefix). */
export const UNIX_EXPRESSIONS: Array<{ expr: string; options?: string[] }> = [
  { expr: 'src /tmp/{ns}/stream.sock' },
  { expr: 'src /tmp/{ns}/*.sock' },
  { expr: 'src /tmp/fns-filter-*/seq.sock' },
  { expr: 'dst /tmp/{ns}/dgram.sock' },
  { expr: 'src @{ns}-abstract' },
  { expr: 'src @{ns}-*' },
  { expr: 'not src /tmp/*' },
  { expr: 'src *' },
  { expr: 'src /tmp/{ns}/stream.sock or src /tmp/{ns}/seq.sock' },
  { expr: 'src unix:/tmp/{ns}/stream.sock', options: ['-a'] },
  { expr: 'dst unix:/tmp/{ns}/dgram.sock', options: ['-xa'] },
];

/** state/exclude clauses: names, groups, several clauses, clauses with an expression. */
export const STATE_EXPRESSIONS: string[] = [
  'state established', 'state syn-sent', 'state syn-recv', 'state fin-wait-1', 'state fin-wait-2',
  'state time-wait', 'state closed', 'state close-wait', 'state last-ack', 'state listening', 'state closing',
  'state all', 'state connected', 'state synchronized', 'state bucket', 'state big',
  'exclude established', 'exclude listening', 'excl closed', 'exclude time-wait exclude established',
  'state established state listening', 'state established exclude established',
  'state established sport = :22', 'state listening ( sport = :22 or sport = :80 )', 'state time-wait dport = :3000',
  'exclude listening src 127.0.0.1',
];

/** Option sets an inet expression runs with: all of them with `-tuwa`, and two of the rest each. */
const INET_OPTIONS: string[][] = [
  ['-ta'], ['-t'], ['-tl'], ['-ua'], ['-wa'], ['-ta4'], ['-ta6'], ['-tul'], ['-u'], ['-a'], ['-tuwl'],
  ['-tw'], ['-A', 'inet6', '-a'], ['-4'], ['-tu', '-6'], ['-l'], [],
];

export function buildCases(): FilterCase[] {
  const cases: FilterCase[] = [];
  INET_EXPRESSIONS.forEach((expr, n) => {
    const extra = [INET_OPTIONS[(2 * n) % INET_OPTIONS.length]!, INET_OPTIONS[(2 * n + 1) % INET_OPTIONS.length]!];
    for (const [k, options] of [['-tuwa'], ...extra].entries()) {
      cases.push({ options: ['-n', ...options], words: w(expr), oneWord: k === 1 });
    }
  });
  for (const { expr, options } of UNIX_EXPRESSIONS) {
    for (const [k, o] of (options ? [options] : [['-xa'], ['-x'], ['-xl']]).entries()) {
      cases.push({ options: ['-n', ...o], words: w(expr), oneWord: k === 1 });
    }
  }
  for (const expr of STATE_EXPRESSIONS) {
    for (const o of [['-tuwxa'], ['-t'], ['-x'], ['-ul']]) cases.push({ options: ['-n', ...o], words: w(expr) });
  }
  for (const expr of ['cgroup {cgroup}', 'cgroup = {cgroup}', 'cgroup != {cgroup}', 'cgroup {cgroup} or sport = :22']) {
    for (const o of [['-tua'], ['-ta'], ['-a']]) cases.push({ options: ['-n', ...o], words: w(expr), cgroup: true });
  }
  return cases;
}

/**
 * iproute2 6.1's testsuite/tests/ss/ssfilter.t, every case: the same option and expression,
 * with its addresses moved to documentation ones (10.0.0.1 -> 192.0.2.1, 10.0.0.2 -> 192.0.2.2;
 * the zoo has its sockets: 0.0.0.0:22 listening, 192.0.2.1:36266 and 192.0.2.2:50312 connected
 * to 192.0.2.1:22). `expect` is the line ss's test wants, as our key description.
 */
export const SSFILTER_T: FilterCase[] = (
  [
    [['dport', '=', '22'], 'tcp 192.0.2.1:36266 -> 192.0.2.1:22'],
    [['dport', '22'], 'tcp 192.0.2.1:36266 -> 192.0.2.1:22'],
    [['( dport = 22 )'], 'tcp 192.0.2.1:36266 -> 192.0.2.1:22'],
    [['src', '=', '0.0.0.0'], 'tcp 0.0.0.0:22 -> 0.0.0.0:*'],
    [['src', '0.0.0.0'], 'tcp 0.0.0.0:22 -> 0.0.0.0:*'],
    [['src', '0.0.0.0', 'sport', '=', '22'], 'tcp 0.0.0.0:22 -> 0.0.0.0:*'],
    [['src', '0.0.0.0', 'and', 'sport', '=', '22'], 'tcp 0.0.0.0:22 -> 0.0.0.0:*'],
    [['src', '192.0.2.1', 'and', 'sport', '=', '22', 'and', 'dport', '=', '50312'], 'tcp 192.0.2.1:22 -> 192.0.2.2:50312'],
    [['src 192.0.2.1 and sport = 22 and ( dport = 50312 )'], 'tcp 192.0.2.1:22 -> 192.0.2.2:50312'],
    [['src 192.0.2.1 and ( sport = 22 and dport = 50312 )'], 'tcp 192.0.2.1:22 -> 192.0.2.2:50312'],
    [['( src 192.0.2.1 and sport = 22 ) and dport = 50312'], 'tcp 192.0.2.1:22 -> 192.0.2.2:50312'],
    [['( src 0.0.0.0 or src 192.0.2.1 ) and dst 192.0.2.2'], 'tcp 192.0.2.1:22 -> 192.0.2.2:50312'],
  ] as Array<[string[], string]>
).map(([words, line]) => ({ options: ['-tna'], words, expect: [line] }));
