/**
 * netstat -i against fastnetstat -i, byte for byte (stdout, stderr, exit
 * status): in a network namespace with a veth pair (one end with an IPv4
 * alias), a bridge without carrier, down interfaces (ifb, tun), and on
 * captured /proc trees (fixtures/proc/interfaces) whose counters and IPv6
 * addresses include malformed lines or name an interface the kernel lacks.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inNs, onTree, ROOT, rounds, run, sameRun, setupNamespace, teardownNamespace, unavailable, type Run } from './modes-ns.js';
import { jsonSchemaValidator } from './schema.js';

const skip = unavailable();
const TREES = join(ROOT, 'fixtures/proc/interfaces');
const HEADING = 'Iface             MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg\n';

function asProc(r: Run, dir: string): Run {
  return { ...r, stderr: r.stderr.split(dir).join('/proc') };
}

describe.skipIf(skip)('netstat -i', () => {
  let ns: string | undefined;
  beforeAll(() => {
    ns = setupNamespace('ifaces');
  });
  afterAll(() => teardownNamespace(ns));

  for (const args of [['-i'], ['-ia'], ['-ie'], ['-iea'], ['-in'], ['-ian'], ['-iee'], ['-iN'], ['-iv'], ['-i', '-4'], ['-iaW'], ['-ir'], ['-iM'], ['-is']]) {
    it(`netstat ${args.join(' ')}`, async () => {
      const a = await run(inNs(ns!, 'netstat', args));
      const b = await run(inNs(ns!, 'fastnetstat', args));
      expect(sameRun(a, b)).toBeNull();
    });
  }

  it('netstat -ic: the title once, the table every second', async () => {
    const [a, b] = await Promise.all([
      run(inNs(ns!, 'netstat', ['-iac']), { stopAfterMs: 3600 }),
      run(inNs(ns!, 'fastnetstat', ['-iac']), { stopAfterMs: 3600 }),
    ]);
    expect(b.stdout.split('Kernel Interface table\n')).toHaveLength(2);
    const rb = rounds(b.stdout, HEADING, 2);
    expect(rb.length).toBe(2);
    expect(rb).toEqual(rounds(a.stdout, HEADING, 2));
  });

  it('netstat -iec: long forms every second', async () => {
    const [a, b] = await Promise.all([
      run(inNs(ns!, 'netstat', ['-iec']), { stopAfterMs: 3600 }),
      run(inNs(ns!, 'fastnetstat', ['-iec']), { stopAfterMs: 3600 }),
    ]);
    const marker = 'fnslongname123: ';
    const rb = rounds(b.stdout, marker, 2);
    expect(rb.length).toBe(2);
    expect(rb).toEqual(rounds(a.stdout, marker, 2));
  });

  it('--json: the interfaces the table shows', async () => {
    const validate = jsonSchemaValidator();
    const all = JSON.parse((await run(inNs(ns!, 'fastnetstat', ['--json', '-ia']))).stdout);
    expect(validate(all) ? [] : validate.errors).toEqual([]);
    expect(all.kind).toBe('interfaces');
    const names = all.interfaces.map((i: any) => i.name);
    expect(names).toEqual(['fnsifb0', 'fnslongname123', 'fnstun0', 'fnsv0', 'fnsv0:1', 'fnsv1', 'lo']);
    const v0 = all.interfaces.find((i: any) => i.name === 'fnsv0');
    expect(v0.ipv4).toMatchObject({ address: '192.0.2.1', netmask: '255.255.255.0' });
    expect(v0.ipv6).toEqual([expect.objectContaining({ address: '2001:db8:1::1', prefixLength: 64, scope: 0 })]);
    expect(all.interfaces.find((i: any) => i.name === 'fnsv0:1')).toMatchObject({ statistics: null, ipv4: { address: '192.0.2.9' } });
    expect(all.interfaces.find((i: any) => i.name === 'fnstun0')).toMatchObject({ up: false, mtu: 1280, hardwareType: 65534 });
    const up = JSON.parse((await run(inNs(ns!, 'fastnetstat', ['--json', '-i']))).stdout);
    expect(validate(up)).toBe(true);
    expect(up.interfaces.every((i: any) => i.up)).toBe(true);
    const text = (await run(inNs(ns!, 'fastnetstat', ['-i']))).stdout.split('\n').slice(2).filter(Boolean);
    expect(up.interfaces).toHaveLength(text.length);
  });

  for (const tree of ['live', 'malformed', 'unknown', 'no-dev', 'numbers']) {
    for (const args of [['-i'], ['-ia'], ['-iea']]) {
      it(`${tree} tree: netstat ${args.join(' ')}`, async () => {
        const dir = join(TREES, tree);
        const a = await run(onTree(dir, 'netstat', args, ns));
        const b = asProc(await run(onTree(dir, 'fastnetstat', args, ns)), dir);
        expect(sameRun(a, b)).toBeNull();
      });
    }
  }
});
