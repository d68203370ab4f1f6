/**
 * netstat -g against fastnetstat -g, byte for byte (stdout, stderr, exit
 * status): in a network namespace where a process holds IPv4 and IPv6 group
 * memberships (one joined twice, one on an interface with a 14-byte name),
 * and on captured /proc trees (fixtures/proc/groups) with malformed lines or
 * without /proc/net/igmp. -g -c reproduces netstat's second-round misreading
 * of /proc/net/igmp.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inNs, onTree, ROOT, rounds, run, sameRun, setupNamespace, teardownNamespace, unavailable } from './modes-ns.js';
import { jsonSchemaValidator } from './schema.js';

const skip = unavailable();
const TREES = join(ROOT, 'fixtures/proc/groups');
const HEADING = 'IPv6/IPv4 Group Memberships\n';

describe.skipIf(skip)('netstat -g', () => {
  let ns: string | undefined;
  beforeAll(() => {
    ns = setupNamespace('groups');
  });
  afterAll(() => teardownNamespace(ns));

  for (const args of [['-g'], ['-gn'], ['-g6'], ['-g4'], ['-gn6'], ['-g', '-A', 'inet6'], ['-g', '--numeric-hosts'], ['-gN'], ['-gt'], ['-gu', '-n'], ['-gx'], ['-gv']]) {
    it(`netstat ${args.join(' ')}`, async () => {
      const a = await run(inNs(ns!, 'netstat', args));
      const b = await run(inNs(ns!, 'fastnetstat', args));
      expect(sameRun(a, b)).toBeNull();
    });
  }

  for (const args of [['-gc'], ['-gnc']]) {
    it(`netstat ${args.join(' ')}: later rounds read /proc/net/igmp as netstat does`, async () => {
      const [a, b] = await Promise.all([
        run(inNs(ns!, 'netstat', args), { stopAfterMs: 4600 }),
        run(inNs(ns!, 'fastnetstat', args), { stopAfterMs: 4600 }),
      ]);
      const rb = rounds(b.stdout, HEADING, 3);
      expect(rb.length).toBe(3);
      expect(rb).toEqual(rounds(a.stdout, HEADING, 3));
      expect(rb[1]).not.toEqual(rb[0]);
      // the warnings of the rounds both printed
      const ea = a.stderr.split('\n');
      const eb = b.stderr.split('\n');
      const n = Math.min(ea.length, eb.length) - 1;
      expect(n).toBeGreaterThan(0);
      expect(eb.slice(0, n)).toEqual(ea.slice(0, n));
    });
  }

  it('--json: memberships with names', async () => {
    const validate = jsonSchemaValidator();
    const doc = JSON.parse((await run(inNs(ns!, 'fastnetstat', ['--json', '-g']))).stdout);
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
    expect(doc.kind).toBe('groups');
    expect(doc.memberships).toContainEqual({ family: 'inet', interface: 'fnsv0', address: '239.1.2.3', refCount: 2, host: 'fns-group' });
    expect(doc.memberships).toContainEqual(expect.objectContaining({ family: 'inet', interface: 'fnslongname123', address: '239.255.0.1' }));
    expect(doc.memberships).toContainEqual(expect.objectContaining({ family: 'inet6', interface: 'fnsv0', address: 'ff15::1234', host: 'fns-group6' }));
    const both = (await run(inNs(ns!, 'fastnetstat', ['--json', '-gn', '-t']))).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(both.map((d) => d.kind)).toEqual(['sockets', 'groups']);
    for (const d of both) expect(validate(d)).toBe(true);
    expect(both[1].memberships[0]).not.toHaveProperty('host');
  });

  for (const tree of ['live', 'malformed', 'no-igmp', 'numbers']) {
    for (const args of [['-gn'], ['-g'], ['-gn', '-6'], ['-gn', '-4']]) {
      it(`${tree} tree: netstat ${args.join(' ')}`, async () => {
        const dir = join(TREES, tree);
        const a = await run(onTree(dir, 'netstat', args, ns));
        const b = await run(onTree(dir, 'fastnetstat', args, ns));
        expect(sameRun(a, b)).toBeNull();
      });
    }
  }
});
