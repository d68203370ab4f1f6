/**
 * The library API of @fastnetstat/core, as an embedding program uses it
 * (imported by package name): live sockets opened by this test, the
 * captured fixtures, errors, and table selection.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  FastnetstatError,
  InetSocket,
  selectTables,
  SocketList,
  sockets,
  socketsSync,
  UnixSocket,
  UNIX_FLAG_ACCEPTCON,
  type InetTableName,
  type SocketsOptions,
} from '@fastnetstat/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const LIVE = join(REPO, 'fixtures/proc/live');

/** netstat's program name rule: argv[0] up to the first NUL, its basename when it starts with '/'. */
function expectedProcessName(): string {
  const cmdline = readFileSync('/proc/self/cmdline', 'latin1');
  const argv0 = cmdline.split('\0')[0]!;
  return argv0.startsWith('/') ? argv0.slice(argv0.lastIndexOf('/') + 1) : argv0;
}

function listen(server: net.Server, ...args: unknown[]): Promise<number> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(...(args as []), () => {
      const address = server.address();
      done(typeof address === 'object' && address ? address.port : 0);
    });
  });
}

function close(server: net.Server): Promise<void> {
  return new Promise((done) => server.close(() => done()));
}

async function expectCode(promise: Promise<unknown> | (() => unknown), code: string): Promise<void> {
  let error: unknown;
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(FastnetstatError);
  expect((error as FastnetstatError).code).toBe(code);
  expect((error as FastnetstatError).name).toBe('FastnetstatError');
}

const ipv6 = readFileSync('/proc/net/if_inet6', 'utf8').includes('00000000000000000000000000000001');

describe('live sockets of this process', () => {
  const listener = net.createServer();
  const server = net.createServer();
  let listenPort = 0;
  let serverPort = 0;
  let client: net.Socket;
  let accepted: net.Socket;
  const udp = dgram.createSocket({ type: 'udp6', ipv6Only: true });
  let udpPort = 0;
  const dir = mkdtempSync(join(tmpdir(), 'fns-api-'));
  const unixPath = join(dir, 'server.sock');
  const unixServer = net.createServer();

  beforeAll(async () => {
    listenPort = await listen(listener, 0, '127.0.0.1');
    serverPort = await listen(server, 0, '127.0.0.1');
    const acceptedP = new Promise<net.Socket>((done) => server.once('connection', done));
    client = net.connect(serverPort, '127.0.0.1');
    await new Promise((done) => client.once('connect', done));
    accepted = await acceptedP;
    if (ipv6) {
      await new Promise<void>((done) => udp.bind(0, '::1', () => done()));
      udpPort = udp.address().port;
    }
    await listen(unixServer, unixPath);
  });

  afterAll(async () => {
    client?.destroy();
    accepted?.destroy();
    if (ipv6) udp.close();
    await Promise.all([close(listener), close(server), close(unixServer)]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a TCP listener on 127.0.0.1: LISTEN, owned by this process under netstat\'s name rule', async () => {
    const list = await sockets({ protocols: ['tcp'], processes: true });
    expect(list).toBeInstanceOf(SocketList);
    const rows = [...list.inet].filter((s) => s.localPort === listenPort && s.localAddress === '127.0.0.1');
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({
      table: 'tcp', protocol: 'tcp', family: 'inet', state: 'LISTEN', stateCode: 10,
      remoteAddress: '0.0.0.0', remotePort: 0, receiveQueue: 0, uid: process.getuid!(),
      pid: process.pid, processName: expectedProcessName(),
    });
    expect(row.inode).toBeGreaterThan(0);
    expect(Buffer.from(row.processNameBytes!).toString('latin1')).toBe(expectedProcessName());
    // (vitest sets process.title, which rewrites the argv area: /proc/self/cmdline, not
    // process.argv0, is what netstat and the core read)
    // only tcp tables were read
    expect(list.reports.map((r) => r.table)).toEqual(['tcp', 'tcp6']);
    expect(list.unix.length).toBe(0);
    expect(list.ownerAccess).toBe(process.getuid!() === 0 ? 'complete' : expect.any(String));
  });

  it('without processes: no owners and ownerAccess not-requested', () => {
    const list = socketsSync({ protocols: ['tcp'], families: ['inet'] });
    const row = [...list.inet].find((s) => s.localPort === listenPort)!;
    expect(row).toBeDefined();
    expect(row.pid).toBeUndefined();
    expect(row.processName).toBeUndefined();
    expect(list.ownerAccess).toBe('not-requested');
    expect(list.reports.map((r) => r.table)).toEqual(['tcp']);
  });

  it('an established pair appears with both ends, each the mirror of the other', async () => {
    const list = await sockets({ protocols: ['tcp'], families: ['inet'], processes: true });
    const clientPort = client.localPort!;
    const clientEnd = [...list.inet].filter((s) => s.localPort === clientPort && s.remotePort === serverPort);
    const serverEnd = [...list.inet].filter((s) => s.localPort === serverPort && s.remotePort === clientPort);
    expect(clientEnd).toHaveLength(1);
    expect(serverEnd).toHaveLength(1);
    for (const end of [clientEnd[0]!, serverEnd[0]!]) {
      expect(end.state).toBe('ESTABLISHED');
      expect(end.localAddress).toBe('127.0.0.1');
      expect(end.remoteAddress).toBe('127.0.0.1');
      expect(end.pid).toBe(process.pid);
    }
    expect(clientEnd[0]!.inode).not.toBe(serverEnd[0]!.inode);
    // the listening socket itself is still there
    expect([...list.inet].some((s) => s.localPort === serverPort && s.state === 'LISTEN')).toBe(true);
  });

  it.skipIf(!ipv6)('a udp socket bound to ::1 is in table udp6', async () => {
    const list = await sockets({ protocols: ['udp'], processes: true });
    const rows = [...list.inet].filter((s) => s.localPort === udpPort && s.table === 'udp6');
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({
      protocol: 'udp', family: 'inet6', localAddress: '::1', remoteAddress: '::', stateCode: 7, state: 'CLOSE', pid: process.pid,
    });
    expect([...list.inet].some((s) => s.table === 'udp' && s.localPort === udpPort && s.inode === row.inode)).toBe(false);
  });

  it('a unix server socket appears with its path and acceptingConnections', async () => {
    const list = await sockets({ protocols: ['unix'], processes: true });
    expect(list.inet.length).toBe(0);
    const rows = [...list.unix].filter((s) => s.path === unixPath);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toBeInstanceOf(UnixSocket);
    expect(row.acceptingConnections).toBe(true);
    expect(row.flags & UNIX_FLAG_ACCEPTCON).toBe(UNIX_FLAG_ACCEPTCON);
    expect(row.type).toBe('STREAM');
    expect(row.typeCode).toBe(1);
    expect(row.state).toBe('UNCONNECTED');
    expect(row.inode).toBeGreaterThan(0);
    expect(row.pid).toBe(process.pid);
    expect(row.processName).toBe(expectedProcessName());
    expect(Buffer.from(row.pathBytes!).toString()).toBe(unixPath);
  });

  it('the /proc and netlink sources agree on these sockets', () => {
    const pick = (list: SocketList) =>
      [...list.inet]
        .filter((s) => [listenPort, serverPort, client.localPort].includes(s.localPort))
        .map((s) => ({ ...(s.toJSON() as object), timer: undefined, receiveQueue: undefined, sendQueue: undefined, listenBacklog: undefined }))
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const options: SocketsOptions = { protocols: ['tcp'], families: ['inet'], processes: true };
    const fromProc = pick(socketsSync({ ...options, source: 'proc' }));
    expect(fromProc.length).toBe(4);
    let fromNetlink: unknown;
    try {
      fromNetlink = pick(socketsSync({ ...options, source: 'netlink' }));
    } catch (error) {
      // a kernel without sock_diag: the only acceptable failure is a typed one
      expect(error).toBeInstanceOf(FastnetstatError);
      return;
    }
    expect(fromNetlink).toEqual(fromProc);
  });

  it('toJSON of a row and of the list', async () => {
    const list = await sockets({ protocols: ['tcp', 'unix'], processes: true });
    const row = [...list.inet].find((s) => s.localPort === listenPort && s.state === 'LISTEN')!;
    // this process owns both rows; labels are gathered when asked (labels: true) or with netns
    const ownerNoLabels = { pid: process.pid, processName: expectedProcessName(), netns: null, cgroup: null, container: null, pod: null };
    const json = row.toJSON();
    expect(json).toEqual({
      protocol: 'tcp',
      family: 'inet',
      localAddress: '127.0.0.1',
      localPort: listenPort,
      remoteAddress: '0.0.0.0',
      remotePort: 0,
      state: 'LISTEN',
      receiveQueue: 0,
      sendQueue: 0,
      listenBacklog: 511, // Node's default backlog (netlink; /proc cannot tell)
      uid: row.uid,
      inode: row.inode,
      timer: row.timer,
      ...ownerNoLabels,
    });
    expect(JSON.parse(JSON.stringify(row))).toEqual(json);

    const unixRow = [...list.unix].find((s) => s.path === unixPath)!;
    expect(unixRow.toJSON()).toEqual({
      protocol: 'unix',
      family: 'unix',
      refCount: unixRow.refCount,
      flags: unixRow.flags,
      type: 'STREAM',
      state: 'UNCONNECTED',
      inode: unixRow.inode,
      path: unixPath,
      ...ownerNoLabels,
    });

    const doc = JSON.parse(JSON.stringify(list)) as {
      inet: unknown[];
      unix: Array<{ path: string | null; pid: number | null }>;
      ownerAccess: string;
      reports: unknown[];
    };
    expect(doc.inet).toHaveLength(list.inet.length);
    expect(doc.unix).toHaveLength(list.unix.length);
    expect(doc.ownerAccess).toBe(list.ownerAccess);
    expect(doc.reports).toEqual(list.reports);
    expect(doc.inet).toContainEqual(json);
    // unbound unix sockets have path null, not undefined (JSON keeps the key)
    for (const u of doc.unix) expect(u).toHaveProperty('path');
  });

  it('iteration: inet rows first, then unix rows, each an object of its class', async () => {
    const list = await sockets({ protocols: ['tcp', 'unix'] });
    const all = [...list];
    expect(all.length).toBe(list.inet.length + list.unix.length);
    expect(all.slice(0, list.inet.length).every((s) => s instanceof InetSocket)).toBe(true);
    expect(all.slice(list.inet.length).every((s) => s instanceof UnixSocket)).toBe(true);
    expect(all.map((s) => s.index)).toEqual([...Array(list.inet.length).keys(), ...Array(list.unix.length).keys()]);
    // at(i) and the column accessors read the same row
    for (let i = 0; i < list.inet.length; i++) {
      expect(list.inet.at(i).localPort).toBe(list.inet.localPort(i));
      expect(list.inet.at(i).inode).toBe(list.inet.inode(i));
    }
  });

  it('at() out of range throws FastnetstatError EINVAL', async () => {
    const list = await sockets({ protocols: ['tcp', 'unix'] });
    for (const i of [-1, list.inet.length, list.inet.length + 100, 0.5, Number.NaN]) {
      await expectCode(() => list.inet.at(i), 'EINVAL');
    }
    for (const i of [-1, list.unix.length, 1.5]) {
      await expectCode(() => list.unix.at(i), 'EINVAL');
    }
    expect(list.inet.at(0)).toBeInstanceOf(InetSocket);
  });
});

/** A child node process, started with the given argv[0], holding a TCP listener. */
async function childListener(argv0: string): Promise<{ child: ChildProcess; port: number }> {
  const script = "const s = require('net').createServer().listen(0, '127.0.0.1', () => console.log(s.address().port)); setInterval(() => {}, 1000);";
  const child = spawn(process.execPath, ['-e', script], { argv0, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((done, fail) => {
    child.once('error', fail);
    child.stdout!.once('data', (data: Buffer) => done(Number(data.toString().trim())));
  });
  return { child, port };
}

describe('program names follow netstat\'s rule (argv[0], basename only when absolute)', () => {
  for (const [argv0, name] of [
    ['/opt/fns-test/my-prog', 'my-prog'],
    ['relative/dir/prog', 'relative/dir/prog'],
    ['a-program-name-longer-than-twenty-bytes', 'a-program-name-longer-than-twenty-bytes'],
  ] as const) {
    it(`argv[0] ${argv0} -> ${name}`, async () => {
      const { child, port } = await childListener(argv0);
      try {
        const list = await sockets({ protocols: ['tcp'], families: ['inet'], processes: true });
        const row = [...list.inet].find((s) => s.localPort === port && s.state === 'LISTEN')!;
        expect(row).toBeDefined();
        expect(row.pid).toBe(child.pid);
        expect(row.processName).toBe(name);
      } finally {
        child.kill();
      }
    });
  }
});

describe('bad options', () => {
  const bad: Array<[string, SocketsOptions]> = [
    ['unknown protocol', { protocols: ['sctp' as never] }],
    ['unknown family', { families: ['ipx' as never] }],
    ['unknown table', { tables: ['tcp7' as never] }],
    ['unknown table among known ones', { tables: ['tcp', 'unix', 'bogus' as never] }],
    ['unknown source', { source: 'sysfs' as never }],
    ['unknown tcp state', { tcpStates: ['LISTENING' as never] }],
    ['empty procRoot', { procRoot: '' }],
  ];
  for (const [name, options] of bad) {
    it(`${name}: EINVAL from sockets() and socketsSync()`, async () => {
      await expectCode(sockets(options), 'EINVAL');
      await expectCode(() => socketsSync(options), 'EINVAL');
    });
  }

  it('sockets() rejects rather than throwing synchronously', () => {
    let promise: Promise<unknown> | undefined;
    expect(() => {
      promise = sockets({ protocols: ['sctp' as never] });
    }).not.toThrow();
    return expect(promise).rejects.toBeInstanceOf(FastnetstatError);
  });
});

/** Data rows of a captured table (every line after the header that is not empty). */
function rowsIn(table: string): number {
  const text = readFileSync(join(LIVE, 'net', table), 'utf8');
  return text.split('\n').slice(1).filter((l) => l.trim() !== '').length;
}

describe('procRoot', () => {
  const INET: InetTableName[] = ['tcp', 'tcp6', 'udp', 'udp6', 'udplite', 'udplite6', 'raw', 'raw6'];

  it('fixtures/proc/live: every row of every table, in file order', async () => {
    const list = await sockets({ procRoot: LIVE });
    const counts = Object.fromEntries(INET.map((t) => [t, [...list.inet].filter((s) => s.table === t).length]));
    expect(counts).toEqual(Object.fromEntries(INET.map((t) => [t, rowsIn(t)])));
    expect(list.inet.length).toBe(INET.reduce((n, t) => n + rowsIn(t), 0));
    expect(list.unix.length).toBe(rowsIn('unix'));
    expect(list.reports).toEqual([...INET, 'unix'].map((table) => ({ table, status: 'read', bogusLines: 0 })));
    expect(list.ownerAccess).toBe('not-requested');
    // the order of the tcp file: inodes as listed there (column 10)
    const tcpInodes = readFileSync(join(LIVE, 'net/tcp'), 'utf8').split('\n').slice(1).filter((l) => l.trim()).map((l) => Number(l.trim().split(/\s+/)[9]));
    expect([...list.inet].filter((s) => s.table === 'tcp').map((s) => s.inode)).toEqual(tcpInodes);
    // the sync call reads the same
    expect(JSON.stringify(socketsSync({ procRoot: LIVE }))).toBe(JSON.stringify(list));
  });

  it('fixtures/proc/live: decoded values (README table)', () => {
    const list = socketsSync({ procRoot: LIVE });
    const byInode = (inode: number) => [...list.inet].find((s) => s.inode === inode)!;
    expect(byInode(10739).toJSON()).toMatchObject({ localAddress: '127.0.0.1', localPort: 47001, state: 'LISTEN', receiveQueue: 1 });
    expect(byInode(10749).toJSON()).toMatchObject({ localPort: 56794, remotePort: 47003, state: 'ESTABLISHED', receiveQueue: 10 });
    expect(byInode(10750).toJSON()).toMatchObject({ family: 'inet6', localAddress: '::ffff:127.0.0.1', localPort: 47003 });
    expect(byInode(10748).toJSON()).toMatchObject({ localAddress: '::', localPort: 47003, state: 'LISTEN' });
    expect(byInode(10751).toJSON()).toMatchObject({ protocol: 'udp', receiveQueue: 832, state: 'CLOSE' });
    expect(byInode(10752).toJSON()).toMatchObject({ protocol: 'udp', remotePort: 47004, state: 'ESTABLISHED' });
    expect(byInode(10755).table).toBe('udplite');
    expect(byInode(10756).table).toBe('udplite6');
    expect(byInode(10757).toJSON()).toMatchObject({ protocol: 'raw', localPort: 1, state: 'CLOSE' });
    expect(byInode(10757).stateCode).toBe(7);
    expect(byInode(10758).toJSON()).toMatchObject({ protocol: 'raw', family: 'inet6', localPort: 58 });
    const tw = [...list.inet].find((s) => s.state === 'TIME_WAIT')!;
    expect(tw.inode).toBe(0);
    expect(tw.timer.active).toBe(3);
    const unix = (inode: number) => [...list.unix].find((s) => s.inode === inode)!;
    expect(unix(10764).path).toBe('/tmp/fns-fixture/with space.sock');
    expect(unix(10764).acceptingConnections).toBe(true);
    expect(unix(10765).path).toBe('@fastnetstat-abstract');
    expect(unix(10766).path).toBe('@fns@nul');
    expect(unix(10762).type).toBe('DGRAM');
    expect(unix(10763).type).toBe('SEQPACKET');
    expect(unix(10767).path).toBeUndefined();
    expect(unix(10761).state).toBe('CONNECTED');
  });

  it('tables: exactly the ones asked for', () => {
    const list = socketsSync({ procRoot: LIVE, tables: ['udp6', 'unix'] });
    expect(list.reports.map((r) => r.table)).toEqual(['udp6', 'unix']);
    expect([...list.inet].every((s) => s.table === 'udp6')).toBe(true);
    expect(list.inet.length).toBe(rowsIn('udp6'));
  });

  it('tcpStates filters tcp rows only', () => {
    const list = socketsSync({ procRoot: LIVE, protocols: ['tcp', 'udp'], tcpStates: ['LISTEN'] });
    const tcp = [...list.inet].filter((s) => s.protocol === 'tcp');
    expect(tcp.map((s) => s.inode).sort()).toEqual([1061, 10739, 10745, 10748].sort());
    expect([...list.inet].filter((s) => s.protocol === 'udp')).toHaveLength(rowsIn('udp') + rowsIn('udp6'));
  });

  it('a directory without tables: every requested table reported missing, no rows', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'fns-empty-'));
    try {
      const list = await sockets({ procRoot: empty });
      expect(list.inet.length).toBe(0);
      expect(list.unix.length).toBe(0);
      expect(list.reports).toEqual(
        ['tcp', 'tcp6', 'udp', 'udp6', 'udplite', 'udplite6', 'raw', 'raw6', 'unix'].map((table) => ({ table, status: 'missing', bogusLines: 0 })),
      );
      expect(list.report('tcp')).toEqual({ table: 'tcp', status: 'missing', bogusLines: 0 });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('a directory that does not exist: FastnetstatError ENOENT (not an empty listing)', async () => {
    const missing = join(tmpdir(), 'fns-does-not-exist-4242');
    expect(existsSync(missing)).toBe(false);
    await expectCode(sockets({ procRoot: missing }), 'ENOENT');
    await expectCode(() => socketsSync({ procRoot: missing }), 'ENOENT');
  });

  it('a file as procRoot: FastnetstatError ENOTDIR', async () => {
    await expectCode(sockets({ procRoot: join(LIVE, 'netstat-an.txt') }), 'ENOTDIR');
  });

  it('malformed tables: bogus lines are counted, a missing table reported', () => {
    const list = socketsSync({ procRoot: join(REPO, 'fixtures/proc/malformed') });
    const report = Object.fromEntries(list.reports.map((r) => [r.table, r]));
    expect(report.udp6!.status).toBe('missing');
    expect(report.udplite6!.status).toBe('missing');
    expect(report.tcp!.status).toBe('read');
    expect(report.tcp!.bogusLines).toBeGreaterThan(0);
    expect(report.unix!.bogusLines).toBeGreaterThan(0);
  });
});

describe('selectTables', () => {
  const ALL = ['tcp', 'tcp6', 'udp', 'udp6', 'udplite', 'udplite6', 'raw', 'raw6', 'unix'];

  it('defaults to every table in netstat\'s order', () => {
    expect(selectTables()).toEqual(ALL);
    expect(selectTables({})).toEqual(ALL);
  });

  it('protocols x families', () => {
    expect(selectTables({ protocols: ['tcp'] })).toEqual(['tcp', 'tcp6']);
    expect(selectTables({ protocols: ['udp', 'tcp'] })).toEqual(['tcp', 'tcp6', 'udp', 'udp6']);
    expect(selectTables({ families: ['inet'] })).toEqual(['tcp', 'udp', 'udplite', 'raw']);
    expect(selectTables({ families: ['inet6'] })).toEqual(['tcp6', 'udp6', 'udplite6', 'raw6']);
    expect(selectTables({ families: ['unix'] })).toEqual(['unix']);
    expect(selectTables({ protocols: ['tcp', 'unix'], families: ['inet6', 'unix'] })).toEqual(['tcp6', 'unix']);
    expect(selectTables({ protocols: ['raw'], families: ['inet', 'inet6'] })).toEqual(['raw', 'raw6']);
    expect(selectTables({ protocols: ['unix'], families: ['inet'] })).toEqual([]);
    expect(selectTables({ protocols: [] })).toEqual([]);
  });

  it('tables override protocols and families and keep their order', () => {
    expect(selectTables({ tables: ['raw', 'tcp'], protocols: ['udp'], families: ['unix'] })).toEqual(['raw', 'tcp']);
  });

  it('unknown names: EINVAL', async () => {
    await expectCode(() => selectTables({ protocols: ['icmp' as never] }), 'EINVAL');
    await expectCode(() => selectTables({ families: ['inet4' as never] }), 'EINVAL');
  });
});
