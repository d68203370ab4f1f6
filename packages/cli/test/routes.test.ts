/**
 * netstat -r against fastnetstat -r, byte for byte (stdout, stderr, exit
 * status): in a network namespace with known routes, names from its own
 * /etc (fixtures/modes/etc), and on captured /proc trees with malformed
 * lines (fixtures/proc/routes). Also -M, the rejected mode combinations and
 * the --json document.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inNs, onTree, ROOT, rounds, run, sameRun, setupNamespace, teardownNamespace, unavailable, type Run } from './modes-ns.js';
import { jsonSchemaValidator } from './schema.js';

const skip = unavailable();
const TREES = join(ROOT, 'fixtures/proc/routes');

/** fastnetstat names the file it read: the proc root, where netstat says /proc. */
function asProc(r: Run, dir: string): Run {
  return { ...r, stderr: r.stderr.split(dir).join('/proc'), stdout: r.stdout.split(dir).join('/proc') };
}

describe.skipIf(skip)('netstat -r in a namespace', () => {
  let ns: string | undefined;
  beforeAll(() => {
    ns = setupNamespace('routes');
  });
  afterAll(() => teardownNamespace(ns));

  const cases = [
    ['-r'], ['-rn'], ['-re'], ['-ree'], ['-rne'], ['-reee'], ['-reeee'], ['-rW'], ['-rv'],
    ['-r6'], ['-rn6'], ['-r6e'], ['-r', '-A', 'inet6'], ['-r', '--inet6', '--numeric-hosts'],
    ['-rC'], ['-rF'], ['-rFC'], ['-rC6'], ['-rFC6'], ['-rCee'],
    ['-rN'], ['-r6N'], ['-r', '--numeric-ports'], ['-r', '--numeric-users'],
    ['-r', '-A', 'inet,inet6'], ['-r', '-4', '-6', '-n'], ['-r', '-A', 'inet6,inet', '-e'],
    ['-r', '-A', 'unix'], ['-r', '-x'], ['-r', '-A', 'ax25'], ['-r', '-A', 'inet,ax25'], ['-r', '-A', 'ipx'],
    ['-r', '-A', 'netrom'], ['-r', '-A', 'ddp'], ['-r', '-A', 'x25'], ['-r', '-A', 'rose'], ['-r', '-A', 'econet'],
    ['-r', '-A', 'bluetooth'], ['-r', '-t'],
    ['-M'], ['-Mc'], ['-M', '-n'], ['-Mv'], ['-Me'],
    ['-ir'], ['-rs'], ['-rM'], ['-iM'], ['-rc', '-i'],
  ];
  for (const args of cases) {
    it(`netstat ${args.join(' ')}`, async () => {
      const a = await run(inNs(ns!, 'netstat', args));
      const b = await run(inNs(ns!, 'fastnetstat', args));
      expect(sameRun(a, b)).toBeNull();
    });
  }

  for (const args of [['-rc'], ['-rc6n'], ['-rcee']]) {
    it(`netstat ${args.join(' ')}: every round reprinted`, async () => {
      const [a, b] = await Promise.all([
        run(inNs(ns!, 'netstat', args), { stopAfterMs: 3600 }),
        run(inNs(ns!, 'fastnetstat', args), { stopAfterMs: 3600 }),
      ]);
      const marker = args[0]!.includes('6') ? 'Kernel IPv6 routing table\n' : 'Kernel IP routing table\n';
      const ra = rounds(a.stdout, marker, 2);
      const rb = rounds(b.stdout, marker, 2);
      expect(rb.length).toBe(2);
      expect(rb).toEqual(ra);
    });
  }

  it('--json: the rows netstat shows, names beside the numbers', async () => {
    const validate = jsonSchemaValidator();
    const r = await run(inNs(ns!, 'fastnetstat', ['--json', '-r', '-A', 'inet,inet6']));
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
    expect(doc.kind).toBe('routes');
    const def = doc.inet.find((x: any) => x.destination === '0.0.0.0' && x.flagLetters === 'UG');
    expect(def).toMatchObject({ gateway: '192.0.2.254', destinationName: 'default', gatewayName: 'fns-gateway', iface: 'fnsv0' });
    expect(doc.inet.find((x: any) => x.destination === '198.51.100.0' && x.prefixLength === 26)).toMatchObject({ flagLetters: '!', iface: '*' });
    expect(doc.inet6.find((x: any) => x.destination === '2001:db8:2::')).toMatchObject({ prefixLength: 48, metric: 10, nextHopName: 'fns-gw6' });
    expect(doc.inet6.some((x: any) => x.metric === -1 && x.flagLetters === '!n')).toBe(true);
    const n = JSON.parse((await run(inNs(ns!, 'fastnetstat', ['--json', '-rn']))).stdout);
    expect(validate(n)).toBe(true);
    expect(n.inet[0]).not.toHaveProperty('destinationName');
    // the text rows and the document rows are the same rows
    const text = (await run(inNs(ns!, 'fastnetstat', ['-rn']))).stdout.split('\n').slice(2).filter(Boolean);
    expect(n.inet).toHaveLength(text.length);
  });
});

describe.skipIf(skip)('netstat -r on captured and malformed /proc trees', () => {
  const cases: Array<[string, string[]]> = [];
  for (const tree of ['live', 'malformed', 'cache', 'badheader', 'oldcache', 'numbers']) {
    for (const args of [['-rn'], ['-rne'], ['-rnee'], ['-rn6'], ['-rCn'], ['-rCne'], ['-rCnee'], ['-rFCn6'], ['-rCn6']]) {
      cases.push([tree, args]);
    }
  }
  cases.push(['unknowncache', ['-rCnee']], ['emptycache', ['-rCn']]);
  for (const [tree, args] of cases) {
    it(`${tree}: netstat ${args.join(' ')}`, async () => {
      const dir = join(TREES, tree);
      const a = await run(onTree(dir, 'netstat', args));
      const b = asProc(await run(onTree(dir, 'fastnetstat', args)), dir);
      expect(sameRun(a, b)).toBeNull();
    });
  }
});
