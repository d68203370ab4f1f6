/**
 * The small tables' layouts end to end: a row of each table with a different
 * value in every field, written as /proc text, read by the native core, packed
 * with the writers generated from scripts/wire-layout.mjs (`tables`) and read
 * back through the list classes, which use the generated accessors
 * (wire-tables.ts). A field at a wrong offset reads as another field's value.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { groupsSync, interfacesSync, routesSync, statisticsSync } from '@fastnetstat/core';

const root = mkdtempSync(join(tmpdir(), 'fastnetstat-wire-tables-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'net'), { recursive: true });
const put = (name: string, text: string) => writeFileSync(join(root, 'net', name), text);

put(
  'route',
  'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n' +
    'wt0\t0100000A\t0200000A\t0003\t4\t5\t6\t00FFFFFF\t7\t8\t9\n',
);
put(
  'rt_cache',
  'Iface\tDestination\tGateway \tFlags\t\tRefCnt\tUse\tMetric\tSource\t\tMTU\tWindow\tIRTT\tTOS\tHHRef\tHHUptod\tSpecDst\n' +
    'wtc\t0300000A\t0400000A\t80000000\t1\t2\t3\t0500000A\t4\t5\t6\t7\t-8\t9\t0600000A\n',
);
put(
  'ipv6_route',
  '20010db8000000000000000000000001 40 20010db8000000000000000000000002 30 20010db8000000000000000000000003 0000000b 0000000c 0000000d 00000001      wt6\n',
);
put('if_inet6', '20010db8000000000000000000000004 0e 41 20 86  wtif9\n');
put(
  'dev',
  'Inter-|   Receive                                                |  Transmit\n' +
    ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n' +
    '    lo: 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n' +
    ' wtif9: 4294967301 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n',
);
put(
  'igmp',
  'Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n' +
    '1\tlo        :     1      V3\n\t\t\t\t010000E0     1 0:00000000\t\t0\n' +
    '\t\t\t\tZZ0000E0     1 0:00000000\t\t0\n',
);
put('igmp6', '5    wtg0            ff020000000000000000000000000005     3 0000000C 0\n');
put('snmp', 'Tcp: RtoAlgorithm MaxConn\nTcp: 1 -1\n');

describe('small-table wire layouts', () => {
  it('routes: every field of an IPv4 and an IPv6 row', () => {
    const list = routesSync({ procRoot: root, tables: ['route', 'ipv6_route'] });
    expect([list.inetCount, list.inet6Count]).toEqual([1, 1]);
    expect(Array.from(list.inetDestinationBytes(0))).toEqual([10, 0, 0, 1]);
    expect(Array.from(list.inetGatewayBytes(0))).toEqual([10, 0, 0, 2]);
    expect(Array.from(list.inetMaskBytes(0))).toEqual([255, 255, 255, 0]);
    expect(list.inetFlags(0)).toBe(3);
    expect(list.inetNumbers(0)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(Buffer.from(list.inetIfaceBytes(0)).toString()).toBe('wt0');
    expect(list.inet6[0]).toEqual({
      iface: 'wt6', destination: '2001:db8::1', destinationPrefix: 64, source: '2001:db8::2', sourcePrefix: 48,
      nextHop: '2001:db8::3', metric: 11, refCount: 12, use: 13, flags: 1, complete: true,
    });
    expect(list.inet6Conversions(0)).toBe(31);
    const cache = routesSync({ procRoot: root, tables: ['rt_cache'] });
    expect(cache.cacheCount).toBe(1);
    expect([0, 1, 2, 3].map((k) => Array.from(cache.cacheAddressBytes(0, k as 0 | 1 | 2 | 3)))).toEqual([
      [10, 0, 0, 3], [10, 0, 0, 4], [10, 0, 0, 5], [10, 0, 0, 6],
    ]);
    expect(cache.cacheFlags(0)).toBe(0x80000000);
    expect(cache.cacheNumbers(0)).toEqual([1, 2, 3, 4, 5, 6, 7, -8, 9]);
    expect(Buffer.from(cache.cacheIfaceBytes(0)).toString()).toBe('wtc');
    expect(cache.report('rt_cache')).toMatchObject({ status: 'read', format: 'modern' });
    expect(list.report('route')).toEqual({ table: 'route', status: 'read', skippedLines: 0 });
  });

  it('interfaces: every field of an if_inet6 record and the /proc/net/dev counters', () => {
    const list = interfacesSync({ procRoot: root });
    const i = Array.from({ length: list.length }, (_, k) => k).find((k) => Buffer.from(list.nameBytes(k)).toString() === 'wtif9');
    expect(i).toBeDefined();
    expect(list.hasStatistics(i!)).toBe(true);
    expect(list.statisticsBig(i!)).toEqual([4294967301n, ...Array.from({ length: 15 }, (_, k) => BigInt(k + 2))]);
    expect(list.inet6Count).toBe(1);
    expect(list.inet6Numbers(0)).toEqual([14, 0x41, 0x20, 0x86]);
    expect(Buffer.from(list.inet6NameBytes(0)).toString()).toBe('wtif9');
    expect(list.ipv6Of('wtif9')).toEqual([{ address: '2001:db8::4', prefixLength: 0x41, scope: 0x20, flags: 0x86, ifindex: 14 }]);
    expect(list.report('dev').status).toBe('read');
    // the ioctl fields, from the kernel: the loopback device's, and none for a name it does not know
    const lo = Array.from({ length: list.length }, (_, k) => k).find((k) => Buffer.from(list.nameBytes(k)).toString() === 'lo')!;
    expect([list.fetchErrno(lo), list.hardwareType(lo), list.flags(lo) & 0x8]).toEqual([0, 772, 0x8]);
    expect(list.mtu(lo)).toBeGreaterThan(0);
    expect(list.fetchErrno(i!)).toBe(19); // ENODEV
  });

  it('groups: every field of a bogus-line event', () => {
    const list = groupsSync({ procRoot: root, families: ['inet'] });
    const bogus = Array.from({ length: list.length }, (_, i) => i).filter((i) => !list.isRow(i));
    expect(bogus.length).toBeGreaterThan(0);
    expect([list.bogusFile(bogus[0]!), list.bogusParser(bogus[0]!), list.bogusLine(bogus[0]!)]).toEqual(['igmp', 'igmp', 3]);
  });

  it('groups: every field of a membership event', () => {
    const list = groupsSync({ procRoot: root, families: ['inet6'] });
    expect(list.length).toBe(1);
    expect([list.isRow(0), list.family(0), list.refCount(0)]).toEqual([true, 6, 3]);
    expect(Array.from(list.addressBytes(0))).toEqual([0xff, 2, ...Array(13).fill(0), 5]);
    expect(Buffer.from(list.nameBytes(0)).toString()).toBe('wtg0');
    expect(list.report('igmp6')).toEqual({ file: 'igmp6', status: 'read', bogusLines: 0 });
  });

  it('statistics: every field of a file, section and entry record', () => {
    const stats = statisticsSync({ procRoot: root, partial: true });
    expect(stats.files.map((f) => [f.file, f.status, f.error])).toEqual([
      ['snmp', 'read', undefined],
      ['netstat', 'missing', 'ENOENT'],
      ['sctp/snmp', 'missing', 'ENOENT'],
    ]);
    expect(stats.files[1]!.message).toBe('No such file or directory');
    expect(stats.sections.map((s) => [s.title, s.file, s.fields.length])).toEqual([['Tcp', 'snmp', 2]]);
    const [algo, max] = stats.sections[0]!.fields;
    expect([algo!.name, algo!.value, algo!.unsigned, algo!.present]).toEqual(['RtoAlgorithm', 1, 1n, true]);
    expect([max!.name, max!.value, max!.exact, max!.unsigned]).toEqual(['MaxConn', -1, -1n, 2n ** 64n - 1n]);
  });
});
