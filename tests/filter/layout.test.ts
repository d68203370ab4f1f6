/**
 * A listing with an expression keeps netstat's layout byte for byte, only with fewer rows: in the
 * zoo, `fastnetstat <options> <expression>` prints the headings `netstat <options>` prints, and
 * rows that are lines of `netstat -a <options>` (the expression's states may go beyond -l's, as
 * ss's do), for the table options -p -e -W -n; and as many rows as the JSON lists. Also -c (each iteration filtered), --netns and --all-netns (the zoo's namespace from the
 * host, against ss inside it).
 */
import * as path from 'node:path';
import { expect, it } from 'vitest';
import { afterIterations, REPO_ROOT, runArgv } from '../oracle/zoo.js';
import { difference, parseJson, parseSs } from './sets.js';
import { describeWithZoo } from './zoo.js';

const CLI = process.env.FASTNETSTAT_BIN || path.join(REPO_ROOT, 'node_modules', '.bin', 'fastnetstat');

const CASES: Array<[string[], string[]]> = [
  [['-tanpeW'], ['dport', '=', ':22']],
  [['-tanp'], ['state', 'listening']],
  [['-taneeW'], ['src', '192.0.2.0/24', 'or', 'src', '2001:db8::/32']],
  [['-tuwn'], ['src', '127.0.0.1']],
  [['-xan'], ['src', '/tmp/*']],
  [['-xanp'], ['state', 'listening']],
  [['-an'], ['sport', '<', ':1024']],
  [['-ln'], ['state', 'listening', 'state', 'closed']],
];

describeWithZoo('filtered listings keep the layout', (zoo) => {

    for (const [options, words] of CASES) {
      it(`fastnetstat ${options.join(' ')} ${words.join(' ')}: netstat's lines, fewer`, async () => {
        await zoo.refreshIfOlderThan();
        const netstat = await zoo.run(['netstat', ...options]);
        const all = await zoo.run(['netstat', '-a', ...options]);
        const ours = await zoo.run([CLI, ...options, ...words]);
        expect(ours.stderr).toBe(netstat.stderr); // -p's notice, if any
        expect(ours.code).toBe(0);
        const theirs = new Set(all.stdout.split('\n'));
        const lines = ours.stdout.split('\n');
        expect(lines.filter((l) => !/^(Active|Proto)/.test(l) && !theirs.has(l))).toEqual([]);
        // headings first, as netstat prints them
        const headings = netstat.stdout.split('\n').filter((l) => /^(Active|Proto)/.test(l));
        expect(lines.filter((l) => /^(Active|Proto)/.test(l))).toEqual(headings);
        // as many rows as the JSON form lists
        const json = parseJson((await zoo.run([CLI, '--json', ...options, ...words])).stdout);
        expect(lines.filter((l) => l && !/^(Active|Proto)/.test(l)).length).toBe(json.keys.size);
        expect(json.keys.size).toBeGreaterThan(0);
      });
    }

    it('-c: every iteration is filtered', async () => {
      const r = await runArgv(['nsenter', `--net=/run/netns/${zoo.ns}`, CLI, '-c', '-tn', 'sport', '=', ':22'], {
        stopWhen: afterIterations(2),
        timeoutSignal: 'SIGINT',
        timeoutMs: 10_000,
      });
      const rows = r.stdout.split('\n').filter((l) => l.startsWith('tcp'));
      expect(rows.length).toBeGreaterThanOrEqual(4); // 2 connections x 2 iterations
      expect(rows.every((l) => / 192\.0\.2\.1:22 /.test(l))).toBe(true);
    });

    it('--netns NAME from the host lists what ss lists inside', async () => {
      const words = ['dport', '=', ':443', 'or', 'sport', '=', ':443'];
      const ss = await zoo.run(['ss', '-H', '-e', '-n', '-t', ...words]);
      const ours = await runArgv([CLI, '--json', '-tn', '--netns', zoo.ns, ...words]);
      expect(ours.stderr).toBe('');
      expect(difference(parseSs(ss.stdout, ['-t']), parseJson(ours.stdout))).toEqual([]);
    });

    it("--all-netns: the zoo namespace's rows are what ss lists inside", async () => {
      const words = ['state', 'listening', 'src', '192.0.2.0/24'];
      const ss = await zoo.run(['ss', '-H', '-e', '-n', '-t', ...words]);
      const ours = await runArgv([CLI, '--json', '-tn', '--all-netns', ...words]);
      expect(ours.code).toBe(0);
      const doc = JSON.parse(ours.stdout) as { filter: string; namespaces: Array<{ netns: { name: string | null }; inet: unknown[]; unix: unknown[] }> };
      expect(doc.filter).toBe(words.join(' '));
      const mine = doc.namespaces.find((n) => n.netns.name === zoo.ns);
      expect(mine).toBeDefined();
      const rows = parseJson(JSON.stringify({ inet: mine!.inet, unix: mine!.unix }));
      expect(difference(parseSs(ss.stdout, ['-t']), rows)).toEqual([]);
    });
});
