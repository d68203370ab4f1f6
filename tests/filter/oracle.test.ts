/**
 * The filter oracle: for each case of cases.ts, the set of sockets `fastnetstat --json <options>
 * <expression>` lists equals the set `ss -H -e -n <options> <expression>` prints, in the zoo's
 * namespace (zoo.ts), with the CLI's netlink source and with its /proc source
 * (FASTNETSTAT_SOURCE). Sockets compare by inode; TIME_WAIT ones by their addresses and ports.
 *
 *   FILTER_CASES    only cases whose name contains this text
 *   FILTER_SOURCES  the sources to check, comma-separated (default "netlink,proc")
 *   FASTNETSTAT_BIN the CLI under test (default <repo>/node_modules/.bin/fastnetstat)
 *
 * Needs root and `ip netns`; otherwise skipped with the reason. Run it alone:
 *   flock /tmp/fastnetstat-ns.lock pnpm exec vitest run tests/filter/oracle.test.ts
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../oracle/zoo.js';
import { buildCases, KNOWN_DIFFERENCES, SSFILTER_T, type FilterCase } from './cases.js';
import { difference, parseJson, parseSs, ssOptions } from './sets.js';
import { describeWithZoo } from './zoo.js';

const CLI = process.env.FASTNETSTAT_BIN || path.join(REPO_ROOT, 'node_modules', '.bin', 'fastnetstat');
const ONLY = process.env.FILTER_CASES || '';
const SOURCES = (process.env.FILTER_SOURCES || 'netlink,proc').split(',').filter(Boolean);


/**
 * Where /proc cannot say what ss's netlink answer says, the /proc source approximates (docs/filters.md):
 * a socket's bound device and cgroup are not in /proc/net, and `autobound` is told from the port alone.
 */
function procCannot(c: FilterCase): boolean {
  const text = c.words.join(' ');
  return /\b(dev|cgroup|autobound)\b/.test(text);
}

const name = (c: FilterCase, source: string) => `[${source}] ${c.options.join(' ')} ${c.oneWord ? `'${c.words.join(' ')}'` : c.words.join(' ')}`;

describeWithZoo('filter oracle', (zoo) => {

    const subst = (c: FilterCase): string[] => c.words.map((x) => x.replaceAll('{ns}', zoo.ns).replaceAll('{cgroup}', zoo.cgroup ?? '/'));

    async function check(c: FilterCase, source: string): Promise<void> {
      if (c.cgroup && !zoo.cgroup) return; // no cgroup2 mount here
      await zoo.refreshIfOlderThan();
      const words = subst(c);
      const ss = await zoo.run(['ss', '-H', '-e', '-n', ...ssOptions(c.options), ...words]);
      const ours = await zoo.run([CLI, '--json', ...c.options, ...(c.oneWord ? [words.join(' ')] : words)], { FASTNETSTAT_SOURCE: source });
      if (ss.code !== 0) {
        // ss refuses the expression (e.g. `src ::1` unbracketed, an IPv4 address after -6): so do we
        expect({ stdout: ours.stdout, code: ours.code, lines: ours.stderr.split('\n').length }, `ss: ${ss.stderr}`).toEqual({
          stdout: '',
          code: 3,
          lines: 2,
        });
        expect(ours.stderr).toMatch(/^fastnetstat: filter: /);
        return;
      }
      expect(ours.stderr, 'fastnetstat wrote to stderr').toBe('');
      expect(ours.code).toBe(0);
      const expected = parseSs(ss.stdout, c.options);
      const actual = parseJson(ours.stdout);
      expect(difference(expected, actual), `ss printed:\n${ss.stdout}`).toEqual([]);
      for (const want of c.expect ?? []) {
        expect([...expected.keys.values()].some((d) => d.includes(want)), `ss lists ${want}`).toBe(true);
      }
    }

    /** The /proc source's rows for `words` against ss's for `ssWords` (what /proc approximates them by). */
    async function procAgainst(options: string[], words: string[], ssWords: string[]): Promise<void> {
      await zoo.refreshIfOlderThan();
      const ss = await zoo.run(['ss', '-H', '-e', '-n', ...ssOptions(options), ...ssWords]);
      expect(ss.code, ss.stderr).toBe(0);
      const ours = await zoo.run([CLI, '--json', ...options, ...words], { FASTNETSTAT_SOURCE: 'proc' });
      expect(ours.stderr).toBe('');
      expect(difference(parseSs(ss.stdout, options), parseJson(ours.stdout)), ss.stdout).toEqual([]);
    }

    describe('what the /proc source approximates (docs/filters.md)', () => {
      it('dev: no socket is bound to a device', async () => {
        await procAgainst(['-n', '-tuwa'], ['dev', 'fns0'], ['sport', '=', ':1', 'and', 'sport', '=', ':2']);
        await procAgainst(['-n', '-tuwa'], ['dev', '!=', 'lo'], []);
        await procAgainst(['-n', '-ta'], ['not', 'dev', 'lo', 'and', 'dport', '=', ':22'], ['dport', '=', ':22']);
      });
      it('autobound: a local port in net.ipv4.ip_local_port_range', async () => {
        const range = (await zoo.run(['cat', '/proc/sys/net/ipv4/ip_local_port_range'])).stdout.trim().split(/\s+/);
        const ephemeral = ['sport', '>=', `:${range[0]}`, 'and', 'sport', '<=', `:${range[1]}`];
        await procAgainst(['-n', '-tua'], ['autobound'], ephemeral);
        await procAgainst(['-n', '-ta'], ['not', 'autobound'], ['not', '(', ...ephemeral, ')']);
      });
      it('cgroup: no socket has one', async () => {
        if (!zoo.cgroup) return;
        await procAgainst(['-n', '-tua'], ['cgroup', zoo.cgroup], ['sport', '=', ':1', 'and', 'sport', '=', ':2']);
        await procAgainst(['-n', '-tua'], ['cgroup', '!=', zoo.cgroup], []);
      });
    });

    for (const source of SOURCES) {
      for (const c of [...buildCases(), ...SSFILTER_T]) {
        const title = name(c, source);
        if (ONLY && !title.includes(ONLY)) continue;
        const known = KNOWN_DIFFERENCES[`${c.options.join(' ')} ${c.words.join(' ')}`];
        const run = source === 'proc' && procCannot(c) ? it.skip : known ? it.fails : it;
        run(known ? `${title} (known difference: ${known})` : title, () => check(c, source), 60_000);
      }
    }
});
