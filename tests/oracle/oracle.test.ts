/**
 * The oracle: real net-tools netstat and the CLI under test, run back to back on the same zoo of
 * sockets (zoo.ts) over a matrix of options (matrix.ts), as root and as nobody; stdout, stderr
 * and exit status must be identical (compare.ts lists the only allowances: -o timer seconds
 * within 1.00, -c compared over its first 2 complete iterations, and unix paths containing a
 * blank, which netstat cuts and the CLI may print whole, a documented deviation).
 *
 *   FASTNETSTAT_BIN    the CLI under test (default <repo>/node_modules/.bin/fastnetstat; nobody
 *                      runs a world-readable copy of the build, see ../support/staged-install.ts)
 *   FASTNETSTAT_ARGV0  run it with this argv[0] (e.g. "netstat" when FASTNETSTAT_BIN is
 *                      /usr/bin/netstat, to check the harness itself: getopt messages use argv[0])
 *   ORACLE_FILTER      only cases whose name contains this text
 *   ORACLE_DUMP        a directory: write each case's two runs there (for reading, debugging)
 *   ORACLE_STRICT=1    no allowance for unix paths with a blank (see compare.ts)
 *   ORACLE_REFRESH_MS  renew TIME_WAIT/SYN_SENT when older than this (default 30000; < 50000)
 *   ORACLE_SOURCES     the CLI's socket sources to check, comma-separated (default "netlink,proc":
 *                      the whole matrix runs once per source, chosen with FASTNETSTAT_SOURCE)
 *
 * Needs root and `ip netns` (it creates a network namespace); otherwise the suite is skipped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, RUN_ENV, Zoo, unavailableReason, type RunResult, type User } from './zoo.js';
import { compareRuns, fastnetstatTexts } from './compare.js';
import { CASES, CONTINUOUS_CASES, NOBODY_CASES, hasTimers, type Case } from './matrix.js';
import { stageInstall, type StagedInstall } from '../support/staged-install.js';

const CANDIDATE = process.env.FASTNETSTAT_BIN || path.join(REPO_ROOT, 'node_modules', '.bin', 'fastnetstat');
const CANDIDATE_ARGV0 = process.env.FASTNETSTAT_ARGV0 || undefined;
const FILTER = process.env.ORACLE_FILTER || '';
const DUMP = process.env.ORACLE_DUMP || '';
const STRICT = process.env.ORACLE_STRICT === '1';
const REFRESH_MS = Number(process.env.ORACLE_REFRESH_MS || 30_000);
const SOURCES = (process.env.ORACLE_SOURCES || 'netlink,proc').split(',').filter(Boolean);
const REFERENCE = 'netstat'; // found through PATH: argv[0] is "netstat", as a user types it

function dump(name: string, exp: RunResult, act: RunResult): void {
  fs.mkdirSync(DUMP, { recursive: true });
  const file = path.join(DUMP, name.replace(/[^A-Za-z0-9=,.-]+/g, '_') + '.txt');
  const show = (who: string, r: RunResult) =>
    `==== ${who}: ${r.signal ? `signal ${r.signal}` : `exit ${r.code}`}, ${r.ms.toFixed(0)} ms\n` +
    `---- stdout\n${r.stdout}---- stderr\n${r.stderr}`;
  fs.writeFileSync(file, `${name}\n${show('netstat', exp)}${show('CLI', act)}`);
}

const reason = unavailableReason();
const caseName = (user: User, c: Case, source = '') =>
  `[${user}${source ? `, ${source}` : ''}] netstat ${c.args.join(' ')}`.trimEnd();

if (reason) {
  describe('netstat oracle', () => {
    it.skip(`skipped: ${reason}`, () => {});
  });
} else {
  describe('netstat oracle', () => {
    let zoo: Zoo;
    let staged: StagedInstall | undefined;
    /** What nobody runs: the build's world-readable copy, unless FASTNETSTAT_BIN names the CLI. */
    let nobodyCandidate = CANDIDATE;

    beforeAll(async () => {
      if (!process.env.FASTNETSTAT_BIN) {
        staged = stageInstall();
        nobodyCandidate = staged.cli;
      }
      zoo = await Zoo.create();
    }, 120_000);

    afterAll(async () => {
      staged?.remove();
      await zoo?.destroy();
    }, 60_000);

    it('the zoo holds every kind of socket', () => {
      const rows = zoo.tcpRows();
      const tcp = rows.filter((r) => r.file.startsWith('tcp'));
      const st = (s: number) => tcp.filter((r) => r.state === s);
      const missing: string[] = [];
      const need = (what: string, ok: boolean) => ok || missing.push(what);
      need('tcp LISTEN', st(10).some((r) => r.file === 'tcp'));
      need('tcp6 LISTEN', st(10).some((r) => r.file === 'tcp6'));
      need('ESTABLISHED', st(1).length >= 10);
      need('SYN_SENT', st(2).length > 0);
      need('FIN_WAIT2', st(5).length >= 2);
      need('TIME_WAIT', st(6).length >= 4);
      need('CLOSE_WAIT', st(8).length >= 2);
      need('accept queue (Recv-Q on LISTEN)', st(10).some((r) => r.rxq > 0));
      need('Recv-Q on ESTABLISHED', st(1).some((r) => r.rxq > 0));
      need('Send-Q on ESTABLISHED', st(1).some((r) => r.txq > 0));
      need('keepalive timer', tcp.some((r) => r.timer === 2));
      need('socket owned by nobody', tcp.some((r) => r.uid === 65534));
      need('udp', rows.some((r) => r.file === 'udp' && r.state === 7));
      need('udp connected', rows.some((r) => r.file === 'udp' && r.state === 1));
      need('udp6 connected', rows.some((r) => r.file === 'udp6' && r.state === 1));
      need('udp Recv-Q', rows.some((r) => r.file === 'udp' && r.rxq > 0));
      need('raw', rows.some((r) => r.file === 'raw'));
      need('raw6', rows.some((r) => r.file === 'raw6'));
      const unix = zoo.readNet('unix');
      need('unix path with a blank', unix.includes('zoo stream.sock'));
      need('unix abstract', unix.includes(`@${zoo.ns}-abstract`));
      need('unix seqpacket', / 0005 /.test(unix));
      expect(missing, 'missing from the zoo').toEqual([]);
    });

    it('the CLI under test can be executed, also by nobody', () => {
      expect(fs.existsSync(CANDIDATE), `${CANDIDATE} does not exist (set FASTNETSTAT_BIN?)`).toBe(true);
      for (const p of [nobodyCandidate, fs.realpathSync(nobodyCandidate)]) {
        try {
          execFileSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'test', '-x', p], {
            env: RUN_ENV,
          });
        } catch {
          expect.fail(`nobody cannot execute ${p}: every directory above it must be o+x`);
        }
      }
    });

    const runCase = async (c: Case, user: User, source: string) => {
      await zoo.refreshIfOlderThan(REFRESH_MS);
      const timers = hasTimers(c);
      if (timers) await zoo.quietTimers();
      const opts = { user, iterations: 2 };
      const exp = fastnetstatTexts(
        c.args,
        c.continuous ? await zoo.runContinuous(REFERENCE, c.args, opts) : await zoo.run(REFERENCE, c.args, opts),
      );
      const actOpts = { ...opts, argv0: CANDIDATE_ARGV0, env: { FASTNETSTAT_SOURCE: source } };
      const candidate = user === 'nobody' ? nobodyCandidate : CANDIDATE;
      const act = c.continuous
        ? await zoo.runContinuous(candidate, c.args, actOpts)
        : await zoo.run(candidate, c.args, actOpts);
      if (DUMP) dump(caseName(user, c, source), exp, act);
      const problem = compareRuns(exp, act, {
        timers,
        iterations: c.continuous ? 2 : undefined,
        unixBlankPaths: !STRICT,
      });
      if (problem) {
        expect.fail(`${caseName(user, c, source)}\n${problem}`);
      }
    };

    const register = (user: User, cases: Case[], source: string) => {
      const selected = cases.filter((c) => !FILTER || caseName(user, c, source).includes(FILTER));
      if (selected.length === 0) return;
      describe(`as ${user}, source ${source}`, () => {
        for (const c of selected) {
          it(caseName(user, c, source), () => runCase(c, user, source), c.continuous ? 60_000 : 40_000);
        }
      });
    };

    for (const source of SOURCES) {
      register('root', [...CASES, ...CONTINUOUS_CASES], source);
      register('nobody', NOBODY_CASES, source);
    }
  });
}
