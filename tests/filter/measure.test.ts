/**
 * netstat's row selection (no expression: default, -a, -l) against ss's (default SS_CONN, -a,
 * -l) per protocol, on the zoo: what each lists that the other does not. The differences are
 * what docs/filters.md's table says; this suite checks that table against the kernel's answer,
 * so a listing with an expression (which takes ss's selection) and one without (netstat's) are
 * documented right. `fastnetstat --json` without an expression selects netstat's rows (the netstat
 * oracle, tests/oracle, holds it to netstat's text).
 */
import * as path from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../oracle/zoo.js';
import { parseJson, parseSs, type SocketSet } from './sets.js';
import { describeWithZoo } from './zoo.js';

const CLI = process.env.FASTNETSTAT_BIN || path.join(REPO_ROOT, 'node_modules', '.bin', 'fastnetstat');

/** The kinds of `keys` (protocol and state; unix: type and state), each once, sorted. */
function kinds(set: SocketSet, keys: Iterable<string>): string[] {
  return [...new Set([...keys].map((k) => set.kinds.get(k)!))].sort();
}

/**
 * What netstat lists and ss does not (fastnetstat's kinds), and what ss lists and netstat does not
 * (ss's netid and state), by option, as docs/filters.md states it. The zoo has a socket of every
 * kind (the accept queues are empty: SYN_RECV, which ss's default leaves out too, is not in it).
 */
export const DOCUMENTED: Record<string, { netstat: string[]; ss: string[] }> = {
  '': { netstat: ['tcp TIME_WAIT', 'unix DGRAM UNCONNECTED', 'unix STREAM UNCONNECTED'], ss: [] },
  '-a': { netstat: [], ss: [] },
  '-l': { netstat: [], ss: ['u_dgr UNCONN', 'u_str UNCONN'] },
  '-t': { netstat: ['tcp TIME_WAIT'], ss: [] },
  '-ta': { netstat: [], ss: [] },
  '-tl': { netstat: [], ss: [] },
  '-u': { netstat: [], ss: [] },
  '-ua': { netstat: [], ss: [] },
  '-ul': { netstat: [], ss: [] },
  '-w': { netstat: [], ss: [] },
  '-wa': { netstat: [], ss: [] },
  '-wl': { netstat: [], ss: [] },
  '-x': { netstat: ['unix DGRAM UNCONNECTED', 'unix STREAM UNCONNECTED'], ss: [] },
  '-xa': { netstat: [], ss: [] },
  '-xl': { netstat: [], ss: ['u_dgr UNCONN', 'u_str UNCONN'] },
};

describeWithZoo('netstat and ss selections', (zoo) => {
    for (const [option, documented] of Object.entries(DOCUMENTED)) {
      it(`${option || '(no option)'}: netstat's rows against ss's`, async () => {
        await zoo.refreshIfOlderThan();
        const options = option ? [option] : [];
        const ss = await zoo.run(['ss', '-H', '-e', '-n', ...options]);
        const ours = await zoo.run([CLI, '--json', '-n', ...options]);
        const expected = parseSs(ss.stdout, options);
        const actual = parseJson(ours.stdout);
        const onlyOurs = [...actual.keys.keys()].filter((k) => !expected.keys.has(k));
        const onlySs = [...expected.keys.keys()].filter((k) => !actual.keys.has(k));
        expect({ netstat: kinds(actual, onlyOurs), ss: kinds(expected, onlySs) }).toEqual(documented);
      });
    }
});
