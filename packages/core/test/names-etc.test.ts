// Parsers of /etc/services, /etc/protocols, /etc/networks and /etc/passwd.
// Expected values were produced by glibc 2.36 (Debian 12) itself: a small C
// program calling getservent/getprotoent/getnetent/getpwuid/getnetbyaddr and
// inet_network/strtoul, run with these exact files bind-mounted over /etc.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inetNetwork, strtoul } from '../src/names/cparse.js';
import { parseNetworks } from '../src/names/networks.js';
import { nsswitchServices, parsePasswd } from '../src/names/passwd.js';
import { parseProtocols } from '../src/names/protocols.js';
import { parseServices } from '../src/names/services.js';
import { NameTables } from '../src/names/tables.js';

const SERVICES = [
  '# comment',
  '   ',
  'a 80/tcp',
  'b 0x50/udp alias1 alias2',
  'c 0120/tcp#comment',
  '  d\t 81//tcp  x',
  'e 82 /tcp',
  'f 83/',
  'g -1/tcp',
  'h 65617/tcp',
  'i 18446744073709551616/tcp',
  'j',
  'k 84/TCP',
  'l 85/tcp/x',
  'm 86/tcp\r',
  'n +87/tcp',
  'o  0x/tcp',
  'p 0/tcp',
  'q\t\t88/udp\t#x',
  'caf\xc3\xa9 89/tcp',
  'r 08/tcp',
  's 9x/tcp',
  '#t 90/tcp',
  'u 91/tcp # a # b',
].join('\n');

const PROTOCOLS = [
  'ip 0 IP',
  'icmp 1',
  'x -1',
  'y 4294967296',
  'z 65789 Z',
  'w 12x',
  'v',
  'u 0x10',
  't  7   T1 T2 # c',
  's 8\r',
  'r 2147483648',
  '#q 9',
].join('\n');

const NETWORKS = [
  'a 192.0.2',
  'b 0.51.100',
  'c 10',
  'd 0x7f.1',
  'e 1.2.3.4.5',
  'f',
  'g 010.0.0.1',
  'h 255.255.255.255',
  'i 1.2.3.4 alias',
  'j 1.2 # c',
  'k 08',
  'l 0.0.0.0',
  'm 256',
  'n 1.2.3.',
].join('\n');

const PASSWD = [
  'root:x:0:0:root:/root:/bin/bash',
  'a:x:1000:1000::/h:/s',
  'a2:x:1000:1000::/h:/s',
  '  b:x:1001:1001',
  'c:x:1002',
  'd:x:-1:0::/:/',
  'e:x:4294967296:0::/:/',
  '+f:x:1003:0::/:/',
  '-g:x:1004:0::/:/',
  '#h:x:1005:0::/:/',
  'i:x:1006 :0::/:/',
  'j:x: 1007:0::/:/',
  'k:x:+1008:0',
  'l:x:1009:0:#gecos:/:/',
  ':x:1010:0::/:/',
  'm:x:01011:0::/:/',
  'n:x:1012:x::/:/',
  'o:x:1013::',
].join('\n');

describe('strtoul and inet_network (glibc 2.36 results)', () => {
  // input, inet_network, strtoul base 0 [value, end], strtoul base 10 [value, end]
  const cases: [string, number, [bigint, number], [bigint, number]][] = [
    ['1.2.3.4', 16909060, [1n, 1], [1n, 1]],
    ['0x7f.1', 32513, [127n, 4], [0n, 1]],
    ['010.0.0.1', 134217729, [8n, 3], [10n, 3]],
    ['08.1', 4294967295, [0n, 1], [8n, 2]],
    ['256.1', 4294967295, [256n, 3], [256n, 3]],
    ['1.2.3.4.5', 4294967295, [1n, 1], [1n, 1]],
    ['0x', 4294967295, [0n, 1], [0n, 1]],
    ['x1', 1, [0n, 0], [0n, 0]],
    [' 1.2', 4294967295, [1n, 2], [1n, 2]],
    ['1.2 ', 258, [1n, 1], [1n, 1]],
    ['1.2 x', 4294967295, [1n, 1], [1n, 1]],
    ['', 4294967295, [0n, 0], [0n, 0]],
    ['0', 0, [0n, 1], [0n, 1]],
    ['0x0', 0, [0n, 3], [0n, 1]],
    ['0xG', 4294967295, [0n, 1], [0n, 1]],
    ['-1', 4294967295, [18446744073709551615n, 2], [18446744073709551615n, 2]],
    ['+5', 4294967295, [5n, 2], [5n, 2]],
    [' 077', 4294967295, [63n, 4], [77n, 4]],
    ['18446744073709551616', 0, [18446744073709551615n, 20], [18446744073709551615n, 20]],
    ['-18446744073709551615', 4294967295, [1n, 21], [1n, 21]],
    ['4294967296', 0, [4294967296n, 10], [4294967296n, 10]],
    ['1..2', 4294967295, [1n, 1], [1n, 1]],
    ['0x100', 4294967295, [256n, 5], [0n, 1]],
    ['1.2.3.', 4294967295, [1n, 1], [1n, 1]],
  ];
  it.each(cases)('%j', (input, net, base0, base10) => {
    expect(inetNetwork(input)).toBe(net);
    const r0 = strtoul(input, 0, 0);
    expect([r0.value, r0.end]).toEqual(base0);
    const r10 = strtoul(input, 0, 10);
    expect([r10.value, r10.end]).toEqual(base10);
  });
});

describe('parseServices', () => {
  it('matches getservent(3) line by line', () => {
    const got = parseServices(SERVICES).map((e) => [e.name, e.port, e.proto, ...e.aliases]);
    expect(got).toEqual([
      ['a', 80, 'tcp'],
      ['b', 80, 'udp', 'alias1', 'alias2'],
      ['c', 80, 'tcp'],
      ['d', 81, 'tcp', 'x'],
      ['f', 83, ''],
      ['h', 81, 'tcp'], // 65617 & 0xffff
      ['k', 84, 'TCP'],
      ['l', 85, 'tcp/x'],
      ['m', 86, 'tcp'],
      ['n', 87, 'tcp'],
      ['p', 0, 'tcp'],
      ['q', 88, 'udp'],
      ['caf\xc3\xa9', 89, 'tcp'], // bytes kept, one char per byte
      ['u', 91, 'tcp'],
    ]);
  });
});

describe('parseProtocols', () => {
  it('matches getprotoent(3) line by line', () => {
    const got = parseProtocols(PROTOCOLS).map((e) => [e.name, e.number, ...e.aliases]);
    expect(got).toEqual([
      ['ip', 0, 'IP'],
      ['icmp', 1],
      ['z', 65789, 'Z'],
      ['t', 7, 'T1', 'T2'],
      ['s', 8],
      ['r', -2147483648], // int p_proto
    ]);
  });
});

describe('parseNetworks', () => {
  it('matches getnetent(3) line by line, with the four-part padding', () => {
    const got = parseNetworks(NETWORKS).map((e) => [e.name, e.net, ...e.aliases]);
    expect(got).toEqual([
      ['a', 3221225984], // 192.0.2 -> 192.0.2.0
      ['b', 3367936], // 0.51.100 -> 0.51.100.0
      ['c', 167772160], // 10 -> 10.0.0.0
      ['d', 2130771968], // 0x7f.1 -> 127.1.0.0
      ['e', 4294967295],
      ['f', 4294967295],
      ['g', 134217729],
      ['h', 4294967295],
      ['i', 16909060, 'alias'],
      ['j', 16908288],
      ['k', 4294967295],
      ['l', 0],
      ['m', 4294967295],
      ['n', 4294967295],
    ]);
  });
});

describe('parsePasswd', () => {
  it('keeps what getpwuid(3) can return', () => {
    expect(parsePasswd(PASSWD).map((e) => [e.name, e.uid])).toEqual([
      ['root', 0],
      ['a', 1000],
      ['a2', 1000],
      ['b', 1001],
      ['j', 1007],
      ['k', 1008],
      ['l', 1009],
      ['', 1010],
      ['m', 1011],
    ]);
  });

  it('reads the passwd line of nsswitch.conf', () => {
    const conf = '# x\nhosts: files dns\npasswd:   files [NOTFOUND=return] Systemd # c\n';
    expect(nsswitchServices(conf, 'passwd')).toEqual(['files', 'systemd']);
    expect(nsswitchServices(conf, 'group')).toBeUndefined();
  });
});

/** Each number looked up gives the name beside it (undefined: none), as glibc answered for the same file. */
function expectLookups(lookup: (n: number) => string | undefined, expected: [number, string | undefined][]): void {
  expect(expected.map(([n]) => [n, lookup(n)])).toStrictEqual(expected);
}

describe('NameTables', () => {
  // every directory a test made (some make two)
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  function etc(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'fns-names-'));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), Buffer.from(text, 'latin1'));
    return dir;
  }

  it('answers like glibc: first line wins, exact protocol names', () => {
    const t = new NameTables({
      etcDir: etc({ services: SERVICES, protocols: PROTOCOLS + '\nsecond-ip 0\n', networks: NETWORKS, passwd: PASSWD }),
    });
    expect(t.service(80, 'tcp')).toBe('a');
    expect(t.service(80, 'udp')).toBe('b');
    expect(t.service(84, 'tcp')).toBeUndefined(); // written "TCP"
    expect(t.service(81, 'tcp')).toBe('d');
    expect(t.service(89, 'tcp')).toBe('café'); // utf8 by default
    expect(t.protocol(0)).toBe('ip');
    expect(t.protocol(65789)).toBe('z');
    // getnetbyaddr results from glibc with the same file:
    expectLookups((n) => t.network(n), [
      [0xc0000200, 'a'], [0x00336400, 'b'], [0x0a000000, 'c'], [0x7f010000, 'd'], [0x08000000, undefined],
      [0xffffffff, 'e'], [0x01020304, 'i'], [0x01020000, 'j'], [0, 'l'], [0x0a000001, undefined],
    ]);
    // getpwuid results from glibc with the same file (nsswitch.conf absent: files only):
    expectLookups((uid) => t.user(uid), [
      [0, 'root'], [1000, 'a'], [1001, 'b'], [1002, undefined], [4294967295, undefined], [1003, undefined], [1004, undefined],
      [1005, undefined], [1006, undefined], [1007, 'j'], [1010, ''], [1011, 'm'], [1012, undefined], [65534, undefined],
    ]);
  });

  it('adds nss-systemd root and nobody when nsswitch.conf lists systemd', () => {
    // Debian 12 has "passwd: files systemd": getpwuid(65534) is "nobody" and
    // getpwuid(0) "root" even with neither in /etc/passwd (checked with
    // netstat -e in a namespace with such a passwd file).
    const t = new NameTables({
      etcDir: etc({ passwd: 'nobody2:x:65534:1::/:/\nalice:x:1000:1000::/:/\n', 'nsswitch.conf': 'passwd: files systemd\n' }),
    });
    expect(t.user(0)).toBe('root');
    expect(t.user(65534)).toBe('nobody2'); // files first
    expect(t.user(1000)).toBe('alice');
    const u = new NameTables({ etcDir: etc({ passwd: '', 'nsswitch.conf': 'passwd: files systemd\n' }) });
    expect(u.user(65534)).toBe('nobody');
    const v = new NameTables({ etcDir: etc({ passwd: '', 'nsswitch.conf': 'passwd: files\n' }) });
    expect(v.user(0)).toBeUndefined();
  });

  it('treats missing files as empty and reads each file once, lazily', () => {
    const d = etc({ services: 'a 1/tcp\n' });
    const t = new NameTables({ etcDir: d, encoding: 'latin1' });
    writeFileSync(join(d, 'services'), 'b 1/tcp\n'); // before first use: seen
    expect(t.service(1, 'tcp')).toBe('b');
    writeFileSync(join(d, 'services'), 'c 1/tcp\n'); // after first use: not re-read
    expect(t.service(1, 'tcp')).toBe('b');
    expect(t.protocols()).toEqual([]);
    expect(t.network(0)).toBeUndefined();
    expect(t.user(0)).toBeUndefined();
  });

  it('keeps bytes with encoding latin1', () => {
    const t = new NameTables({ etcDir: etc({ services: SERVICES }), encoding: 'latin1' });
    expect(t.service(89, 'tcp')).toBe('caf\xc3\xa9');
  });
});
