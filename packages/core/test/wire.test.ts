/**
 * The socket wire layout end to end: rows with a different value in every
 * field, written as /proc text, read by the native core, packed with the
 * generated Rust writers and decoded with the generated TypeScript accessors.
 * (crates/fastnetstat-node/src/wire.rs checks the same at the byte level.)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { errnoName, errorMessage, socketsSync } from '@fastnetstat/core';

const root = mkdtempSync(join(tmpdir(), 'fastnetstat-wire-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const HEAD = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
mkdirSync(join(root, 'net'), { recursive: true });
// 127.0.0.1:8080 -> 127.0.0.2:50000 ESTABLISHED, tx 10 rx 20, timer 2 for 300 ticks, 3 retransmits, uid 1001, 7 probes
writeFileSync(
  join(root, 'net/tcp'),
  `${HEAD}   0: 0100007F:1F90 0200007F:C350 01 0000000A:00000014 02:0000012C 00000003  1001        7 8589934606 1 0000000000000000 20 4 30 10 -1\n`,
);
writeFileSync(
  join(root, 'net/unix'),
  'Num       RefCount Protocol Flags    Type St Inode Path\n' +
    '0000000000000000: 00000002 00000000 00010000 0001 01 654321 /run/wire-test.sock\n',
);
mkdirSync(join(root, '4242/fd'), { recursive: true });
writeFileSync(join(root, '4242/cmdline'), '/usr/bin/wired\0--flag\0');
writeFileSync(join(root, '4242/stat'), '4242 (wired) S 1 4242 4242 0 -1 0\n');
symlinkSync('socket:[654321]', join(root, '4242/fd/3'));

describe('socket wire layout', () => {
  it('decodes every field the native packer wrote', () => {
    const list = socketsSync({ procRoot: root, source: 'proc', tables: ['tcp', 'unix'], processes: true });
    expect(list.inet.length).toBe(1);
    const rows = list.inet;
    expect(rows.table(0)).toBe('tcp');
    expect(rows.tableIndex(0)).toBe(0);
    expect(Array.from(rows.localAddressBytes(0))).toEqual([127, 0, 0, 1]);
    expect(Array.from(rows.remoteAddressBytes(0))).toEqual([127, 0, 0, 2]);
    expect([rows.localPort(0), rows.remotePort(0)]).toEqual([8080, 50000]);
    expect(rows.state(0)).toBe(1);
    expect([rows.txQueue(0), rows.rxQueue(0)]).toEqual([10, 20]);
    expect([rows.timerActive(0), rows.timerTicks(0), rows.retransmits(0)]).toEqual([2, 300, 3]);
    expect([rows.uid(0), rows.probes(0)]).toEqual([1001, 7]);
    expect(rows.inode(0)).toBe(8589934606); // over 32 bits: the u64 survives
    expect(rows.pid(0)).toBeUndefined();

    const unix = list.unix;
    expect(unix.length).toBe(1);
    expect([unix.refCount(0), unix.protocol(0), unix.flags(0), unix.type(0), unix.state(0)]).toEqual([2, 0, 0x10000, 1, 1]);
    expect(unix.inode(0)).toBe(654321);
    expect(Buffer.from(unix.pathBytes(0)!).toString()).toBe('/run/wire-test.sock');
    expect(unix.pid(0)).toBe(4242);
    expect(Buffer.from(unix.processNameBytes(0)!).toString()).toBe('wired');
    expect(list.report('tcp')).toEqual({ table: 'tcp', status: 'read', bogusLines: 0 });

    // row objects: the layout's getters, and toJSON in its documented order
    const tcp = rows.at(0);
    expect([tcp.receiveQueue, tcp.sendQueue, tcp.uid, tcp.inode, tcp.stateCode]).toEqual([20, 10, 1001, 8589934606, 1]);
    expect(Object.keys(tcp.toJSON())).toEqual([
      'protocol', 'family', 'localAddress', 'localPort', 'remoteAddress', 'remotePort', 'state',
      'receiveQueue', 'sendQueue', 'uid', 'inode', 'timer', 'pid', 'processName', 'netns', 'cgroup', 'container', 'pod',
    ]);
    const sock = unix.at(0);
    expect([sock.refCount, sock.flags, sock.typeCode, sock.stateCode, sock.inode]).toEqual([2, 0x10000, 1, 1, 654321]);
    expect(Object.keys(sock.toJSON())).toEqual([
      'protocol', 'family', 'refCount', 'flags', 'type', 'state', 'inode', 'path', 'pid', 'processName', 'netns', 'cgroup', 'container', 'pod',
    ]);
  });

  it('prints rows as data, not as the packed buffer', () => {
    const list = socketsSync({ procRoot: root, source: 'proc', tables: ['tcp', 'unix'], processes: true });
    const tcp = inspect(list.inet.at(0));
    expect(tcp).toMatch(/^InetSocket \{/);
    expect(tcp).toContain("localAddress: '127.0.0.1'");
    expect(tcp).toContain('localPort: 8080');
    expect(tcp).toContain("state: 'ESTABLISHED'");
    expect(tcp).not.toMatch(/Buffer|Uint8Array|DataView/);
    const unix = inspect(list.unix.at(0));
    expect(unix).toContain("path: '/run/wire-test.sock'");
    expect(unix).toContain("processName: 'wired'");
    const all = inspect(list, { depth: 4 });
    expect(all).toMatch(/^SocketList \{/);
    expect(all).toContain('InetSockets(1) [');
    expect(all).toContain('remotePort: 50000');
    expect(all).not.toMatch(/Buffer|Uint8Array|DataView/);
  });

  it('generated files are up to date with scripts/wire-layout.mjs', () => {
    const script = resolve(dirname(fileURLToPath(import.meta.url)), '../../../scripts/gen-wire.mjs');
    expect(() => execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});

describe('errno vocabulary', () => {
  it('names and explains errnos the old maps did not know (EBUSY)', () => {
    expect(errnoName(16)).toBe('EBUSY');
    expect(errorMessage(16)).toBe('Device or resource busy');
    expect(errnoName(2)).toBe('ENOENT');
    expect(errorMessage(13)).toBe('Permission denied');
    expect(errnoName(100000)).toBe('E100000');
  });

  it('a failed table report carries the name, the number and the text', () => {
    const bad = mkdtempSync(join(tmpdir(), 'fastnetstat-wire-eisdir-'));
    try {
      mkdirSync(join(bad, 'net/tcp'), { recursive: true }); // reading a directory: EISDIR
      const report = socketsSync({ procRoot: bad, source: 'proc', tables: ['tcp'] }).report('tcp');
      expect(report).toEqual({ table: 'tcp', status: 'failed', error: 'EISDIR', errno: 21, message: 'Is a directory', bogusLines: 0 });
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
