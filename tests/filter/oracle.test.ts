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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, unavailableReason } from '../oracle/zoo.js';
import { buildCases, SSFILTER_T, type FilterCase } from './cases.js';
import { difference, parseJson, parseSs, ssOptions } from './sets.js';
import { FilterZoo } from './zoo.js';

const CLI = process.env.FASTNETSTAT_BIN || path.join(REPO_ROOT, 'node_modules', '.bin', 'fastnetstat');
const ONLY = process.env.FILTER_CASES || '';
const SOURCES = (process.env.FILTER_SOURCES || 'netlink,proc').split(',').filter(Boolean);

const reason = unavailableReason();

/**
 * Where /proc cannot say what ss's netlink answer says, the /proc source approximates (docs/filters.md):
 * a socket's bound device and cgroup are not in /proc/net, and `autobound` is told from the port alone.
 */
function procCannot(c: FilterCase): boolean {
  const text = c.words.join(' ');
  return /\b(dev|cgroup|autobound)\b/.test(text);
}

const name = (c: FilterCase, source: string) => `[${source}] ${c.options.join(' ')} ${c.oneWord ? `'${c.words.join(' ')}'` : c.words.join(' ')}`;

if (reason) {
  describe('filter oracle', () => it.skip(`skipped: ${reason}`, () => {}));
} else {
  describe('filter oracle', () => {
    let zoo: FilterZoo;
    beforeAll(async () => {
      zoo = await FilterZoo.create();
    }, 120_000);
    afterAll(async () => {
      await zoo?.destroy();
    });

    const subst = (c: FilterCase): string[] => c.words.map((x) => x.replaceAll('{ns}', zoo.ns).replaceAll('{cgroup}', zoo.cgroup ?? '/'));

    async function check(c: FilterCase, source: string): Promise<void> {
      if (c.cgroup && !zoo.cgroup) return; // no cgroup2 mount here
      await zoo.refreshIfOlderThan();
      const words = subst(c);
      const ss = await zoo.run(['ss', '-H', '-e', '-n', ...ssOptions(c.options), ...words]);
      expect(ss.code, `ss failed: ${ss.stderr}`).toBe(0);
      const ours = await zoo.run([CLI, '--json', ...c.options, ...(c.oneWord ? [words.join(' ')] : words)], { FASTNETSTAT_SOURCE: source });
      expect(ours.stderr, 'fastnetstat wrote to stderr').toBe('');
      expect(ours.code).toBe(0);
      const expected = parseSs(ss.stdout, c.options);
      const actual = parseJson(ours.stdout);
      expect(difference(expected, actual), `ss printed:\n${ss.stdout}`).toEqual([]);
      for (const want of c.expect ?? []) {
        expect([...expected.keys.values()].some((d) => d.includes(want)), `ss lists ${want}`).toBe(true);
      }
    }

    for (const source of SOURCES) {
      for (const c of [...buildCases(), ...SSFILTER_T]) {
        const title = name(c, source);
        if (ONLY && !title.includes(ONLY)) continue;
        const run = source === 'proc' && procCannot(c) ? it.skip : it;
        run(title, () => check(c, source), 60_000);
      }
    }
  });
}
