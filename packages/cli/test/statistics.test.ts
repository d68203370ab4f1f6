/**
 * netstat -s: fastnetstat's text must be netstat's, byte for byte, with the same stderr and
 * exit status.
 *
 * Counters move between two runs on a live system, so both programs read a frozen copy: a
 * tree `<dir>/net/{snmp,netstat,snmp6,sctp/snmp}`, which fastnetstat reads with --proc-root and
 * netstat reads in a private mount namespace with the tree bind-mounted over /proc (netstat -s
 * reads nothing else under /proc; binding single files over /proc/self/net/* does not work:
 * procfs drops such mounts). That needs root and unshare(1); without them, the stored
 * expectations of fixtures/proc/stats/<tree>/expected.json (written by make.py from the
 * real netstat) are still checked.
 *
 * In messages netstat names /proc/net/...; fastnetstat names the file it read, so under
 * --proc-root its stderr is compared with the root replaced by /proc.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { statistics, statisticsSync, FastnetstatError } from '@fastnetstat/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonSchemaValidator } from './schema.js';

const root = resolve(__dirname, '../../..');
const cli = join(root, 'node_modules/.bin/fastnetstat');
const trees = join(root, 'fixtures/proc/stats');
const TREES = ['live', 'all-known', 'edge', 'malformed'];
const env = { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' };

interface Run {
  stdout: string;
  stderr: string;
  status: number | null;
}

/** Output as byte strings (latin1), so any byte compares exactly. */
function spawn(command: string, args: string[]): Run {
  const r = spawnSync(command, args, { env, timeout: 30_000 });
  return { stdout: r.stdout.toString('latin1'), stderr: r.stderr.toString('latin1'), status: r.status };
}

function fastnetstat(tree: string, args: string[]): Run {
  const r = spawn(cli, ['--proc-root', tree, ...args]);
  return { ...r, stderr: r.stderr.split(tree).join('/proc') };
}

/** The real netstat, reading `tree` as its /proc. */
function netstat(tree: string, args: string[]): Run {
  return spawn('unshare', ['-m', 'sh', '-c', 'mount --bind "$0" /proc && exec netstat "$@"', tree, ...args]);
}

/** Whether netstat can be run on a frozen tree here (root, unshare, netstat), checked for real. */
function canFreeze(): boolean {
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/netstat')) return false;
  const probe = mkdtempSync(join(tmpdir(), 'fns-stats-probe-'));
  try {
    mkdirSync(join(probe, 'net'));
    writeFileSync(join(probe, 'net/snmp'), 'Zz: Probe\nZz: 42\n');
    const r = netstat(probe, ['-s']);
    return r.status === 0 && r.stdout === 'Zz:\n    Probe: 42\n';
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}
const frozen = canFreeze();

/** The argument lists of the stored expectations (make.py's ARGS). */
const ARGS: string[][] = [
  ['-s'], ['-st'], ['-su'], ['-sw'], ['-sS'], ['-sU'], ['-s', '-u', '-t'],
  ['-s6'], ['-s', '-6', '-t'], ['-s6u'], ['-s6w'], ['-s', '-A', 'inet6'], ['-s', '-A', 'inet'],
];

/** Everything else netstat does with -s: families it refuses, modifiers it ignores, -c. */
const MORE_ARGS: string[][] = [
  ['-s', '-A', 'unix'], ['-sx'], ['-s', '-4', '-6'], ['-s', '-A', 'inet,inet6'], ['-s', '-A', 'ipx'],
  ['-s', '--unix', '-t'], ['-s', '-A', 'bogus'], ['-s', '-A', 'ip'], ['-s', '--inet6'], ['-s6', '-4'],
  ['-sc'], ['-s6c'], ['-sa'], ['-sl'], ['-sn'], ['-se'], ['-sp'], ['-sW'], ['-sv'], ['-so'], ['-sg'],
  ['-s', '-tuwS'], ['-s', '-6', '-S'], ['-s', '-6', '-U'], ['-s4t'], ['--statistics', '--udp'],
  ['-s', '-r'], ['-s', '-i'], ['-ss'], ['-s', '--tcpip'],
];

function expectSame(actual: Run, expected: Run, what: string): void {
  expect({ what, ...actual }).toEqual({ what, ...expected });
}

describe('netstat -s on the fixture trees (stored netstat output)', () => {
  for (const tree of TREES) {
    it(`${tree}: every stored case`, () => {
      const expected = JSON.parse(readFileSync(join(trees, tree, 'expected.json'), 'latin1')) as Record<string, Run>;
      expect(Object.keys(expected)).toEqual(ARGS.map((a) => a.join(' ')));
      for (const args of ARGS) expectSame(fastnetstat(join(trees, tree), args), expected[args.join(' ')]!, `${tree}: ${args.join(' ')}`);
    });
  }
});

describe.skipIf(!frozen)('netstat -s against the real netstat', () => {
  let live: string;
  let work: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'fns-stats-'));
    // this kernel's counters, frozen
    live = join(work, 'live');
    mkdirSync(join(live, 'net'), { recursive: true });
    for (const file of ['snmp', 'netstat', 'snmp6', 'sctp/snmp']) {
      if (!existsSync(`/proc/net/${file}`)) continue;
      if (file.includes('/')) mkdirSync(join(live, 'net/sctp'), { recursive: true });
      writeFileSync(join(live, 'net', file), readFileSync(`/proc/net/${file}`));
    }
  });

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('frozen live counters: -s, -st, -su, -sw, -s6, -s -6 -t, -s -A inet6, -s -u -t, ...', () => {
    for (const args of [...ARGS, ...MORE_ARGS]) expectSame(fastnetstat(live, args), netstat(live, args), args.join(' '));
  });

  it('the stored expectations are still what netstat prints', () => {
    for (const tree of TREES) {
      const expected = JSON.parse(readFileSync(join(trees, tree, 'expected.json'), 'latin1')) as Record<string, Run>;
      for (const args of ARGS) expectSame(netstat(join(trees, tree), args), expected[args.join(' ')]!, `${tree}: ${args.join(' ')}`);
    }
  });

  for (const tree of TREES) {
    it(`${tree}: option handling`, () => {
      for (const args of MORE_ARGS) expectSame(fastnetstat(join(trees, tree), args), netstat(join(trees, tree), args), `${tree}: ${args.join(' ')}`);
    });
  }

  /** A tree from the live copy with some files removed or replaced by directories. */
  function variant(name: string, missing: string[], directories: string[] = []): string {
    const dir = join(work, name);
    cpSync(join(trees, 'edge'), dir, { recursive: true });
    for (const file of [...missing, ...directories]) rmSync(join(dir, 'net', file), { recursive: true, force: true });
    for (const file of directories) mkdirSync(join(dir, 'net', file), { recursive: true });
    return dir;
  }

  const VARIANTS: Array<[string, string[], string[]]> = [
    ['empty', ['snmp', 'netstat', 'snmp6', 'sctp'], []],
    ['no-snmp', ['snmp'], []],
    ['no-netstat', ['netstat'], []],
    ['no-snmp6', ['snmp6'], []],
    ['no-sctp', ['sctp'], []],
    ['dir-snmp', [], ['snmp']],
    ['dir-netstat', [], ['netstat']],
    ['dir-snmp6', [], ['snmp6']],
    ['dir-sctp', [], ['sctp/snmp']],
  ];
  for (const [name, missing, directories] of VARIANTS) {
    it(`missing and unreadable files: ${name}`, () => {
      const dir = variant(name, missing, directories);
      for (const args of [['-s'], ['-st'], ['-sS'], ['-s6'], ['-s6t'], ['-s', '-A', 'unix']]) {
        expectSame(fastnetstat(dir, args), netstat(dir, args), `${name}: ${args.join(' ')}`);
      }
    });
  }

  it('an empty proc root: the messages and status of netstat with the files hidden', () => {
    const dir = variant('empty-messages', ['snmp', 'netstat', 'snmp6', 'sctp']);
    expect(fastnetstat(dir, ['-s'])).toEqual({ stdout: '', stderr: 'cannot open /proc/net/snmp: No such file or directory\n', status: 0 });
    expect(fastnetstat(dir, ['-s6'])).toEqual({ stdout: '', stderr: 'cannot open /proc/net/snmp6: No such file or directory\n', status: 0 });
  });
});

describe('--json -s', () => {
  const validate = jsonSchemaValidator();
  const json = (tree: string, args: string[]) => {
    const r = fastnetstat(tree, ['--json', ...args]);
    expect(r.status).toBe(0);
    expect(r.stdout.endsWith('}\n')).toBe(true);
    expect(r.stdout.split('\n')).toHaveLength(2);
    const doc = JSON.parse(r.stdout);
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
    return doc;
  };

  /** The pairs of a snmp/netstat file: [title, names, values]. */
  function pairsOf(file: string): Array<[string, string[], number[]]> {
    const lines = readFileSync(file, 'latin1').split('\n').filter(Boolean);
    const out: Array<[string, string[], number[]]> = [];
    for (let i = 0; i + 1 < lines.length; i += 2) {
      const [title, ...names] = lines[i]!.split(/\s+/).filter(Boolean);
      const values = lines[i + 1]!.split(/\s+/).slice(1).filter(Boolean).map(Number);
      out.push([title!.slice(0, -1), names, values]);
    }
    return out;
  }

  it('carries every field of every section, in file order, with signed values', () => {
    const tree = join(trees, 'live');
    const doc = json(tree, ['-s']);
    expect(doc).toMatchObject({ kind: 'statistics', family: 'inet' });
    const expected: Record<string, Record<string, number>> = {};
    for (const file of ['snmp', 'netstat']) {
      for (const [title, names, values] of pairsOf(join(tree, 'net', file))) {
        expected[title] = Object.fromEntries(names.map((n, i) => [n, values[i]!]));
      }
    }
    expect(Object.keys(doc.statistics)).toEqual(Object.keys(expected));
    for (const title of Object.keys(expected)) expect(Object.entries(doc.statistics[title])).toEqual(Object.entries(expected[title]!));
    expect(doc.statistics.Tcp.MaxConn).toBe(-1);
    expect(doc.files.map((f: any) => [f.file, f.status])).toEqual([
      ['snmp', 'read'],
      ['netstat', 'read'],
      ['sctp/snmp', 'missing'],
    ]);
  });

  it('holds the sections the text titles: -st, -s6, -s -6 -t', () => {
    const tree = join(trees, 'edge');
    const titles = (args: string[]) => Object.keys(json(tree, args).statistics);
    const textTitles = (args: string[]) => [...new Set(fastnetstat(tree, args).stdout.split('\n').filter((l) => /^\S.*:$/.test(l)).map((l) => l.slice(0, -1)))];
    for (const args of [['-s'], ['-st'], ['-su'], ['-sS'], ['-s6'], ['-s', '-6', '-t'], ['-s6u']]) {
      expect(titles(args)).toEqual(textTitles(args));
    }
    const six = json(tree, ['-s6']);
    expect(six.family).toBe('inet6');
    expect(six.statistics.Ip6.Ip6Unknown).toBe(-2);
    expect(six.files.map((f: any) => f.file)).toEqual(['snmp6', 'snmp']);
    // the Ip6 section appears twice in the file: merged
    expect(Object.keys(six.statistics.Ip6)).toContain('Ip6OutRequests');
    const all = json(tree, ['-s']);
    expect(all.statistics.IpExt).toEqual({ InOctets: 123456789012345, OutOctets: 0, InNoECTPkts: -1 });
    expect(all.statistics.Sctp.SctpAborteds).toBe(-1);
  });

  it('writes counters above 2^53 exactly', () => {
    const r = fastnetstat(join(trees, 'edge'), ['--json', '-st']);
    expect(r.stdout).toContain('"ActiveOpens":9223372036854775807,');
    expect(r.stdout).toContain('"Unknown1":-3,');
  });

  it('reports missing files in the document, and refuses other families as netstat does', () => {
    const empty = mkdtempSync(join(tmpdir(), 'fns-stats-json-'));
    try {
      const doc = json(empty, ['-s']);
      expect(doc.statistics).toEqual({});
      expect(doc.files[0]).toEqual({
        file: 'snmp', path: join(empty, 'net/snmp'), status: 'missing', error: 'ENOENT', message: 'No such file or directory',
      });
      expect(fastnetstat(empty, ['--json', '-s', '-A', 'unix'])).toEqual({
        stdout: 'netstat: No statistics support for specified address family: unix\n', stderr: '', status: 1,
      });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('prints one document with -c (netstat -s does not repeat)', () => {
    const r = fastnetstat(join(trees, 'live'), ['--json', '-sc']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('the schema rejects a broken statistics document', () => {
    const good = json(join(trees, 'live'), ['-s']);
    expect(validate({ ...good, statistics: { Tcp: { ActiveOpens: 'x' } } })).toBe(false);
    expect(validate({ ...good, family: 'unix' })).toBe(false);
    expect(validate({ ...good, files: [{ file: 'snmp' }] })).toBe(false);
  });
});

describe('@fastnetstat/core statistics()', () => {
  it('reads counters in file order, sync and async alike', async () => {
    const procRoot = join(trees, 'live');
    const a = statisticsSync({ procRoot });
    const b = await statistics({ procRoot });
    expect(a.counters).toEqual(b.counters);
    expect(a.sections.map((s) => s.title)).toEqual(['Ip', 'Icmp', 'IcmpMsg', 'Tcp', 'Udp', 'UdpLite', 'TcpExt', 'IpExt', 'MPTcpExt']);
    expect(a.counters.Tcp!.MaxConn).toBe(-1);
    const maxConn = a.sections[3]!.fields.find((f) => f.name === 'MaxConn')!;
    expect([maxConn.unsigned, maxConn.exact, maxConn.present]).toEqual([2n ** 64n - 1n, -1n, true]);
    const six = await statistics({ procRoot, family: 'inet6' });
    expect(six.sections.map((s) => s.title)).toEqual(['Ip6', 'Icmp6', 'Udp6', 'UdpLite6', 'Tcp']);
  });

  it('throws ENOENT for a missing file unless partial', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'fns-stats-api-'));
    try {
      await expect(statistics({ procRoot: empty })).rejects.toMatchObject({ name: 'FastnetstatError', code: 'ENOENT' });
      expect(() => statisticsSync({ procRoot: empty, family: 'inet6' })).toThrow(FastnetstatError);
      const partial = statisticsSync({ procRoot: empty, partial: true });
      expect(partial.files.map((f) => f.status)).toEqual(['missing', 'missing', 'missing']);
      mkdirSync(join(empty, 'net/snmp'), { recursive: true });
      const dir = statisticsSync({ procRoot: empty, partial: true });
      expect(dir.files[0]).toMatchObject({ status: 'failed', stage: 'read', error: 'EISDIR', message: 'Is a directory' });
      expect(() => statisticsSync({ procRoot: join(empty, 'nope') })).toThrow(/no such directory/);
      expect(() => statisticsSync({ family: 'unix' as any })).toThrow(FastnetstatError);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
