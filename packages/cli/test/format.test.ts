/**
 * Row formatting: the printf helpers, then the inet and unix tables through
 * the CLI, held byte for byte to what net-tools netstat 2.10 printed for the
 * same kernel tables (fixtures/proc/live: captured; fixtures/cli: crafted,
 * with netstat's output recorded in fixtures/cli/expected and, when root,
 * re-checked against a live netstat).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixed2, left, right } from '../src/format/printf.js';
import { argv, canMountProc, CRAFTED, cliOn, LIVE, netstatOn, REPO, run, type Result } from './oracle.js';
import { stageInstall, type StagedInstall } from '../../../tests/support/staged-install.js';

/** C's printf through awk (awk's printf is the C library's, on doubles). */
function cPrintf(format: string, values: readonly number[]): string[] {
  const program = `{ printf "${format}\\n", $1 }`;
  const r = spawnSync('awk', [program], { input: values.map((v) => v.toString()).join('\n') + '\n' });
  return r.stdout.toString().split('\n').slice(0, values.length);
}

describe('printf helpers', () => {
  it('left: %-Ns pads on the right and never cuts', () => {
    expect(left('tcp', 5)).toBe('tcp  ');
    expect(left('', 3)).toBe('   ');
    expect(left('ESTABLISHED', 11)).toBe('ESTABLISHED');
    expect(left('DISCONNECTING', 11)).toBe('DISCONNECTING');
    // byte strings: a UTF-8 "é" is two characters, as it is two bytes for printf
    expect(left('caf\xc3\xa9', 6)).toBe('caf\xc3\xa9 ');
  });

  it('right: %Ns / %Nd pads on the left and never cuts', () => {
    expect(right(0, 6)).toBe('     0');
    expect(right(832, 6)).toBe('   832');
    expect(right(123456, 6)).toBe('123456');
    expect(right(2147483647, 6)).toBe('2147483647');
    expect(right('x', 3)).toBe('  x');
    expect(right(-5, 4)).toBe('  -5');
  });

  it('fixed2: %2.2f of a timer (ticks / 100) as C prints it', () => {
    const ticks = [0, 1, 5, 7, 15, 20, 99, 100, 101, 250, 999, 1234, 3000, 7000, 9999, 123456, 1000000, 4294967295, 2 ** 40 + 3];
    const values = ticks.map((t) => t / 100);
    expect(values.map(fixed2)).toEqual(cPrintf('%2.2f', values));
    expect(fixed2(0)).toBe('0.00');
    expect(fixed2(0.15)).toBe('0.15');
    expect(fixed2(10000)).toBe('10000.00');
  });

  // Latent: toFixed rounds a tie away from zero, printf to even. Timer values
  // are k/100 and never an exact binary tie, so netstat's output is not affected.
  it.fails('fixed2: exact binary ties round to even as printf does (0.125 -> 0.12)', () => {
    expect(cPrintf('%2.2f', [0.125, 0.375])).toEqual(['0.12', '0.38']);
    expect([fixed2(0.125), fixed2(0.375)]).toEqual(['0.12', '0.38']);
  });
});

describe('live fixture: what netstat printed on a real kernel', () => {
  const WITH_SPACE_NETSTAT = 'unix  2      [ ACC ]     STREAM     LISTENING     10764    /tmp/fns-fixture/with';
  for (const options of ['-an', '-anW', '-anWe']) {
    it(`fastnetstat ${options} equals netstat-${options.slice(1)}.txt but for the path with a blank`, () => {
      const expected = readFileSync(join(LIVE, `netstat-${options.slice(1)}.txt`), 'latin1');
      const r = cliOn(LIVE, [options]);
      expect(r.status).toBe(0);
      expect(r.stderr).toBe('');
      const got = r.stdout.split('\n');
      const want = expected.split('\n');
      expect(got.length).toBe(want.length);
      const differing = got.flatMap((line, i) => (line === want[i] ? [] : [i]));
      // the one documented deviation (docs/compat.md): netstat cuts the path at its first blank
      expect(differing).toHaveLength(1);
      const at = differing[0]!;
      expect(want[at]).toBe(WITH_SPACE_NETSTAT);
      expect(got[at]).toBe(`${WITH_SPACE_NETSTAT} space.sock`);
    });
  }

  it('the fixture shows what it is meant to (v4-mapped as IPv4, queues, udp states, raw 7)', () => {
    const out = cliOn(LIVE, ['-anW']).stdout;
    expect(out).toContain('tcp6       0      0 127.0.0.1:47003         127.0.0.1:56794         ESTABLISHED\n');
    expect(out).toContain('tcp       10      0 127.0.0.1:56794         127.0.0.1:47003         ESTABLISHED\n');
    expect(out).toContain('udp      832      0 127.0.0.1:47004         0.0.0.0:*                          \n');
    expect(out).toContain('raw6       0      0 :::58                   :::*                    7          \n');
    expect(out).toContain('unix  2      [ ]         DGRAM                    10766    @fns@nul\n');
  });

  it.skipIf(!canMountProc)('netstat run on the live fixture still prints the recorded -an', () => {
    const r = netstatOn(LIVE, ['-an']);
    expect(r.stdout).toBe(readFileSync(join(LIVE, 'netstat-an.txt'), 'latin1'));
  });
});

type Golden = Record<string, Result>;
const FIXTURES = ['sockets', 'addresses', 'bogus', 'numbers', 'no-tcp', 'empty'] as const;
const golden = (fixture: string): Golden => JSON.parse(readFileSync(join(CRAFTED, 'expected', `${fixture}.json`), 'utf8')) as Golden;

function expectSame(got: Result, want: Result): void {
  expect(got.stdout).toBe(want.stdout);
  expect(got.stderr).toBe(want.stderr);
  expect(got.status).toBe(want.status);
}

describe('crafted fixtures: fastnetstat --proc-root equals the recorded netstat output', () => {
  for (const fixture of FIXTURES) {
    const dir = join(CRAFTED, fixture);
    for (const [args, want] of Object.entries(golden(fixture))) {
      const name = `${fixture} ${args}`;
      it(name, () => {
        expectSame(cliOn(dir, argv(args)), want);
      });
    }
  }
});

describe.skipIf(!canMountProc)('crafted fixtures: the recordings are what netstat prints now', () => {
  for (const fixture of FIXTURES) {
    it(`${fixture}: every recorded listing`, () => {
      const dir = join(CRAFTED, fixture);
      for (const [args, want] of Object.entries(golden(fixture))) {
        const got = netstatOn(dir, argv(args));
        expect({ args, ...got }).toEqual({ args, ...want });
      }
    });
  }
});

/** Listings with names (services, protocols, users, hosts), so compared only with a live netstat. */
describe.skipIf(!canMountProc)('crafted fixtures with names: fastnetstat equals a live netstat', () => {
  const cases: Array<[string, string]> = [
    ['addresses', '--numeric-hosts -a'],
    ['addresses', '--numeric-hosts -tuaW'],
    ['addresses', '--numeric-hosts -l'],
    ['sockets', '--numeric-hosts -a'],
    ['sockets', '--numeric-hosts -l'],
    ['sockets', '--numeric-hosts -aee'],
    ['sockets', '--numeric-hosts --numeric-ports -aee'],
    ['sockets', '--numeric-hosts -wa'],
    ['sockets', '--numeric-hosts -ao'],
    ['bogus', ''],
    ['bogus', '-l'],
    ['bogus', '-a'],
    ['bogus', '-ae'],
    ['no-tcp', ''],
    ['no-tcp', '-a'],
    ['empty', ''],
    ['empty', '-a'],
    ['sockets', '-x'],
    ['sockets', '-xl'],
    ['sockets', '-xa'],
  ];
  for (const [fixture, args] of cases) {
    const name = `${fixture} ${args || '(no options)'}`;
    it(name, () => {
      const dir = join(CRAFTED, fixture);
      expectSame(cliOn(dir, argv(args)), netstatOn(dir, argv(args)));
    });
  }
});

/** The rules, spelled out on single rows (each line below is what netstat printed). */
describe('row rules on crafted tables', () => {
  const sockets = join(CRAFTED, 'sockets');
  const addresses = join(CRAFTED, 'addresses');
  const lines = (r: Result) => r.stdout.split('\n');

  it('without -W a long host is cut, the port kept (numeric)', () => {
    const out = lines(cliOn(addresses, ['-tan']));
    expect(out).toContain('tcp6       0      0 2001:db8:1234:5678:8990 2001:db8:ffff:fff:65535 ESTABLISHED');
    expect(out).toContain('tcp6       0      0 2001:db8:1234:567:10051 :::*                    LISTEN     ');
    // 22 characters are not cut, 23 are
    expect(out).toContain('tcp6       0      0 2001:db8:aaaa:bbbb::1:1 2001:db8:aaaa:bbbb:::10 ESTABLISHED');
    expect(out).toContain('tcp        0      0 255.255.255.255:65535   0.0.0.0:*               LISTEN     ');
  });

  it('without -W a long service name is kept whole and the host cut to fit 22', () => {
    const out = lines(cliOn(addresses, ['--numeric-hosts', '-tua']));
    expect(out).toContain('tcp        0      0 203.0.:clc-build-daemon 198.51.100.254:65535    ESTABLISHED');
    expect(out).toContain('tcp6       0      0 2001:d:clc-build-daemon 2001:db8:ffff:fff:65535 ESTABLISHED');
    expect(out).toContain('tcp6       0      0 2001:db8:1234:5678::ssh 2001:db8::ms-wbt-server ESTABLISHED');
    expect(out).toContain('udp        0      0 203.0.1:afs3-fileserver 198.51.:kerberos-master ESTABLISHED');
    expect(out).toContain('udp6       0      0 2001:db8::dhcpv6-client :::*                               ');
  });

  it('-W prints addresses whole and widens nothing else', () => {
    const out = lines(cliOn(addresses, ['-tanW']));
    expect(out).toContain(
      'tcp6       0      0 2001:db8:1234:5678:9abc:def0:1234:5678:8990 2001:db8:ffff:ffff:ffff:ffff:ffff:fffe:65535 ESTABLISHED',
    );
    expect(out).toContain('tcp6       0      0 2001:db8:aaaa:bbbb::11:1 2001:db8:aaaa:bbbb::22:10 ESTABLISHED');
  });

  it('tcp timers: off, on, keepalive, timewait, unkn-N with seconds/retransmits/probes', () => {
    const out = lines(cliOn(sockets, ['-tano']));
    expect(out).toContain('tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      off (0.00/0/0)');
    expect(out).toContain('tcp        0     16 10.0.0.5:22             192.168.1.20:51234      ESTABLISHED on (2.00/3/0)');
    expect(out).toContain('tcp        0      0 10.0.0.5:22             192.168.1.21:51235      ESTABLISHED keepalive (70.00/0/0)');
    expect(out).toContain('tcp        0      0 10.0.0.5:22             192.168.1.22:51236      TIME_WAIT   timewait (30.00/0/0)');
    expect(out).toContain('tcp        0      0 10.0.0.5:443            192.168.1.24:40001      ESTABLISHED unkn-5 (0.01/1/1)');
    expect(out).toContain('tcp        0      0 10.0.0.5:443            192.168.1.25:40002      ESTABLISHED unkn-10 (1234.56/0/0)');
    expect(out).toContain('tcp        0      0 10.0.0.5:443            192.168.1.26:40004      SYN_RECV    on (3.00/2/0)');
    expect(out).toContain('tcp        0      0 10.0.0.5:8080           10.0.0.6:40014          ESTABLISHED on (10000.00/0/0)');
    expect(out).toContain('tcp6       0      0 2001:db8:0:1:1:1:1:1:80 1:::2                   TIME_WAIT   timewait (50.00/0/0)');
  });

  // The kernel reports a pending zero-window probe timer as 4 (ICSK_TIME_PROBE0);
  // netstat 2.10 prints it as `probe (...)`.
  it('tcp timer 4 prints as probe', () => {
    const out = lines(cliOn(sockets, ['-tano']));
    expect(out).toContain('tcp        0      0 10.0.0.5:443            192.168.1.23:40000      ESTABLISHED probe (0.15/0/2)');
  });

  it('udp timers on1/on2 (retransmits zeroed) and states ESTABLISHED, empty, UNKNOWN', () => {
    const out = lines(cliOn(sockets, ['-uano']));
    expect(out).toContain('udp        0      0 10.0.0.5:40003          10.0.0.7:5000           ESTABLISHED on1 (1.00/0/3)');
    expect(out).toContain('udp        0      0 10.0.0.5:40004          10.0.0.7:5001           ESTABLISHED on2 (12.34/0/0)');
    expect(out).toContain('udp        0      0 10.0.0.5:40005          0.0.0.0:*                           unkn-3 (0.07/0/0)');
    expect(out).toContain('udp        0      0 10.0.0.5:40001          10.0.0.1:*              UNKNOWN     off (0.00/0/0)');
    expect(out).toContain('udp      832      0 10.0.0.5:40006          10.0.0.8:5002           UNKNOWN     off (0.00/0/0)');
  });

  it('raw: the state is the kernel number; raw keeps its retransmit count', () => {
    const out = lines(cliOn(sockets, ['-wano']));
    expect(out).toContain('raw        0      0 0.0.0.0:1               0.0.0.0:*               7           off (0.00/0/0)');
    expect(out).toContain('raw        0      0 10.0.0.1:255            0.0.0.0:*               10          on1 (3.00/4/1)');
    expect(out).toContain('raw6       0      0 ::1:255                 ::2:*                   1           off (0.00/0/0)');
  });

  it('selection: tcp by remote port, udp and raw by remote address', () => {
    const plain = cliOn(sockets, ['-tuwn']).stdout;
    const servers = cliOn(sockets, ['-tuwln']).stdout;
    expect(plain).toMatch(/^Active Internet connections \(w\/o servers\)\n/);
    expect(servers).toMatch(/^Active Internet connections \(only servers\)\n/);
    // tcp: 0.0.0.0:80 (a remote port, no address) is "established" (10.9.9.9:0: see the known bugs)
    expect(plain).not.toContain('10.9.9.9');
    expect(plain).toContain('10.0.0.5:40012          0.0.0.0:80              ESTABLISHED');
    expect(servers).not.toContain('0.0.0.0:80 ');
    // udp: 10.0.0.1 with port 0 is connected; 0.0.0.0:1234 is not
    expect(plain).toContain('10.0.0.5:40001          10.0.0.1:*              UNKNOWN');
    expect(servers).toContain('10.0.0.5:40002          0.0.0.0:1234');
    expect(plain).not.toContain('0.0.0.0:1234');
    // raw: a remote address makes a row "established" whatever its state
    expect(plain).toContain('raw        0      0 10.0.0.1:89             224.0.0.5:*             1          \n');
    expect(servers).toContain('raw        0      0 10.0.0.1:255            0.0.0.0:*               10         \n');
  });

  it('unix: flags, types, states, abstract and non-ASCII paths', () => {
    const r = cliOn(sockets, ['-xa']);
    expect(r.stderr).toBe('');
    const out = lines(r);
    expect(out[0]).toBe('Active UNIX domain sockets (servers and established)');
    expect(out[1]).toBe('Proto RefCnt Flags       Type       State         I-Node   Path');
    for (const line of [
      'unix  2      [ ACC ]     STREAM     LISTENING     8001     /run/listen.sock',
      'unix  2      [ ]         STREAM                   8002     ',
      'unix  3      [ W ]       STREAM     CONNECTED     8004     ',
      'unix  3      [ N ]       DGRAM      CONNECTED     8005     /run/dgram.sock',
      'unix  2      [ ACC W N ] SEQPACKET  LISTENING     8006     /run/seq.sock',
      'unix  2      [ ]         RAW                      8008     ',
      'unix  2      [ ]         RDM                      8009     ',
      'unix  2      [ ]         UNKNOWN                  8010     ',
      'unix  1      [ ]         STREAM     FREE          8012     ',
      'unix  2      [ ]         STREAM     CONNECTING    8013     ',
      'unix  2      [ ]         STREAM     DISCONNECTING 8014     ',
      'unix  2      [ ]         STREAM     UNKNOWN       8015     ',
      'unix  2      [ ACC ]     STREAM     LISTENING     8016     @abstract-listener',
      'unix  3      [ ]         STREAM     CONNECTED     8017     @with@nul@bytes',
      'unix  10     [ ]         STREAM     CONNECTED     12345678901 /tmp/caf\xc3\xa9.sock',
      'unix  2      [ ACC ]     STREAM     CONNECTED     8019     /run/acc-but-connected.sock',
    ]) {
      expect(out).toContain(line);
    }
    // -l: only unconnected sockets with ACC; the default: everything else
    const listening = lines(cliOn(sockets, ['-xl'])).filter((l) => l.startsWith('unix'));
    expect(listening.map((l) => l.slice(50, 58).trim())).toEqual(['8001', '8006', '8016']);
    expect(listening.every((l) => l.includes('LISTENING'))).toBe(true);
    const others = lines(cliOn(sockets, ['-x'])).filter((l) => l.startsWith('unix'));
    expect(others.some((l) => l.includes('LISTENING'))).toBe(false);
    expect(others).toHaveLength(out.filter((l) => l.startsWith('unix')).length - 3);
  });

  it('bogus lines: one warning per line on stderr, the good rows still print', () => {
    const r = cliOn(join(CRAFTED, 'bogus'), ['-an']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(
      'warning, got bogus tcp line.\nwarning, got bogus tcp line.\nwarning, got bogus udp line.\n' +
        'warning, got bogus raw line.\nwarning, got bogus unix line.\n',
    );
    expect(r.stdout).toContain('tcp        0      0 10.0.0.5:22             10.0.0.6:40000          ESTABLISHED\n');
    expect(r.stdout).toContain('unix  3      [ ]         STREAM     CONNECTED     10302    \n');
  });

  it('a missing table asked for explicitly: netstat\'s message and exit 1; unasked: silence', () => {
    const noTcp = join(CRAFTED, 'no-tcp');
    const r = cliOn(noTcp, ['-tn']);
    expect(r.stdout).toBe('Active Internet connections (w/o servers)\nProto Recv-Q Send-Q Local Address           Foreign Address         State      \n');
    expect(r.stderr).toBe("netstat: no support for `AF INET (tcp)' on this system.\n");
    expect(r.status).toBe(1);
    const all = cliOn(noTcp, ['-an']);
    expect(all.stderr).toBe('');
    expect(all.status).toBe(0);
    expect(all.stdout).toContain('udp        0      0 0.0.0.0:53              0.0.0.0:*                          \n');
  });
});

describe.skipIf(!canMountProc)('fixtures/proc/malformed against a live netstat', () => {
  const dir = join(REPO, 'fixtures/proc/malformed');
  for (const args of ['-uan', '-wan', '-Uan']) {
    it(args, () => expectSame(cliOn(dir, argv(args)), netstatOn(dir, argv(args))));
  }
  // udp lines 7610-7612 end before their uid and inode: sscanf leaves netstat's variables as they
  // were, and netstat prints whatever its stack held there (bytes of another buffer, e.g.
  // "cal_addr" as a number, or 0, depending on the environment: seen in both columns); the core
  // prints 0 for both (compat.md). Everything else, and that row's other columns, must match.
  it('-uanee (but the uid and inode netstat reads from uninitialised memory)', () => {
    const row = /^(udp +832 +0 127\.0\.0\.1:53 +0\.0\.0\.0:\* +)\d+ +\d+ *$/m;
    const mask = (r: Result): Result => ({ ...r, stdout: r.stdout.replace(row, '$1<uninitialised>') });
    const got = cliOn(dir, argv('-uanee'));
    expect(got.stdout).toMatch(/^udp +832 +0 127\.0\.0\.1:53 +0\.0\.0\.0:\* {27}0 {10}0 {9}$/m);
    const want = netstatOn(dir, argv('-uanee'));
    expect(want.stdout).toMatch(row);
    expectSame(mask(got), mask(want));
  });
  // Differences on input no kernel writes (see the report): netstat reads a 9000-byte line as
  // two fgets() chunks (one more bogus warning), keeps 40-bit tx_queue values (%lX into
  // unsigned long) where the core saturates at 32 bits, and decides IPv4/IPv6 per address by
  // its hex length (a 8-digit remote in tcp6 prints 0.0.0.0:*).
  it.fails('-tan', () => expectSame(cliOn(dir, ['-tan']), netstatOn(dir, ['-tan'])));
  // netstat keeps the previous row's inode when a unix line has none, and prints a saturated
  // refcount as -1 (%ld); the core gives inode 0 and 4294967295.
  it.fails('-xa', () => expectSame(cliOn(dir, ['-xa']), netstatOn(dir, ['-xa'])));
});

/**
 * netstat 2.10 rules these tests once found fastnetstat missing, one precise
 * test each (expected values are what the real netstat printed for the same tables).
 */
describe('netstat rules that are easy to miss', () => {
  const HEADER = 'Proto Recv-Q Send-Q Local Address           Foreign Address         State      \n';

  // netstat.c tcp_do_one: `if (!flag_all && ((flag_lst && rem_port) || (!flag_lst && !rem_port))) return;`
  // The live kernel's tables only hold such rows in LISTEN, so fastnetstat narrows a live -l
  // listing to LISTEN (netlink then skips the established hash); a captured tree is not narrowed.
  it('-l selects tcp rows by a remote port of 0, whatever their state', () => {
    const out = cliOn(join(CRAFTED, 'sockets'), ['-tln']).stdout;
    expect(out).toContain('tcp        0      0 10.0.0.5:40011          10.9.9.9:*              SYN_SENT   \n');
  });

  // netstat.c main: a family option without a protocol option sets flag_noprot along with
  // flag_tcp..flag_raw, and INFO_GUTS1 then neither complains about a missing table nor
  // returns 1 (for tcp, udp, udplite, raw, sctp and unix).
  it('-4 without a protocol option: a missing tcp table is silent, exit 0', () => {
    const r = cliOn(join(CRAFTED, 'no-tcp'), ['-4an']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      `Active Internet connections (servers and established)\n${HEADER}udp        0      0 0.0.0.0:53              0.0.0.0:*                          \n`,
    );
  });

  it('-4 -x without a protocol option: a missing unix table is silent too, exit 0', () => {
    const r = cliOn(join(CRAFTED, 'empty'), ['-4x']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      `Active Internet connections (w/o servers)\n${HEADER}` +
        'Active UNIX domain sockets (w/o servers)\nProto RefCnt Flags       Type       State         I-Node   Path\n',
    );
  });

  // netstat.c sctp_info: with -a it reads both /proc/net/sctp/eps and /proc/net/sctp/assocs,
  // and -v reports each missing one. This is the usual case on a live system without SCTP.
  it('-v -a reports the missing sctp tables twice', () => {
    const r = cliOn(LIVE, ['-van']);
    const sctp = "netstat: no support for `AF INET (sctp)' on this system.\n";
    expect(r.stderr).toBe(
      sctp + sctp +
        ['IPX', 'AX25', 'X25', 'NETROM', 'ROSE'].map((f) => `netstat: no support for \`AF ${f}' on this system.\n`).join(''),
    );
  });

  it('-v without -a reports the missing sctp table once', () => {
    const r = cliOn(LIVE, ['-vn']);
    expect(r.stderr.match(/AF INET \(sctp\)/g)).toHaveLength(1);
  });

  // netstat.c INFO_GUTS1: `if (errno != ENOENT && errno != EACCES) { perror(file); return -1; }`:
  // a table it may not read is treated as a missing one.
  const setpriv = '/usr/bin/setpriv';
  describe.skipIf(process.getuid?.() !== 0 || !existsSync(setpriv))('an unreadable table (run as nobody)', () => {
    let root = '';
    // nobody may not reach a checkout under a private home: it runs a world-readable copy
    let staged: StagedInstall;
    beforeAll(() => {
      staged = stageInstall();
      root = mkdtempSync(join(tmpdir(), 'fns-eacces-'));
      cpSync(join(CRAFTED, 'bogus'), root, { recursive: true });
      chmodSync(root, 0o755);
      chmodSync(join(root, 'net', 'tcp'), 0o000);
    });
    afterAll(() => {
      rmSync(root, { recursive: true, force: true });
      staged?.remove();
    });
    const asNobody = (args: string[]) =>
      run(setpriv, ['--reuid=65534', '--regid=65534', '--clear-groups', staged.cli, '--proc-root', root, ...args]);

    it('-tn: reported like a missing table, exit 1', () => {
      const r = asNobody(['-tn']);
      expect(r.stderr).toBe("netstat: no support for `AF INET (tcp)' on this system.\n");
      expect(r.status).toBe(1);
      expect(r.stdout).toBe(`Active Internet connections (w/o servers)\n${HEADER}`);
    });

    it('-an: skipped silently, the other tables listed, exit 0', () => {
      const r = asNobody(['-an']);
      expect(r.stderr).toBe('warning, got bogus udp line.\nwarning, got bogus raw line.\nwarning, got bogus unix line.\n');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('udp        0      0 0.0.0.0:53              0.0.0.0:*                          \n');
    });
  });
});
