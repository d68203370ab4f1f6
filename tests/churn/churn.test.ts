/**
 * Churn: list sockets (CLI and API, /proc and netlink, root and nobody) a few hundred times while
 * thousands of connections per second open and close and socket owners are killed and restarted,
 * all inside a network namespace of this test. Every listing must exit cleanly, print no row
 * twice, and show every socket that stayed open throughout (with its owner). See README.md.
 *
 *   pnpm exec vitest run tests/churn          (needs root, ip netns, gcc, setpriv)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { followLines, nextLine } from '../support/line-child.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pidAlive, REPO_ROOT, RUN_ENV, sh, sleep } from '../oracle/zoo.js';
import { checkRows, MAX_EXAMPLES } from './check.mjs';
import { stageInstall, type StagedInstall } from '../support/staged-install.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(REPO_ROOT, 'node_modules', '.bin', 'fastnetstat');
const NS_PREFIX = 'fns-churn-';
const SETPRIV = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'];

const num = (name: string, def: number) => {
  const v = Number(process.env[name]);
  return process.env[name] && Number.isFinite(v) ? v : def;
};
/** Target TCP connect+close per second of the churner (0: as fast as it can). */
const CHURN_RATE = num('CHURN_RATE', 10_000);
/** The floor the achieved rate must reach: proof that the stress happened, not a speed test. */
const CHURN_FLOOR = num('CHURN_FLOOR', 2_000);
/** TIME_WAIT sockets the churner keeps at most (normal closes are rationed to TW_MAX / 60 s). */
const TW_MAX = num('CHURN_TW_MAX', 1_500);
/** Owner churn: this many owner processes live; one is killed and replaced every PERIOD ms. */
const OWNERS_KEEP = 8;
const OWNERS_PERIOD_MS = 100;
/** CLI rounds: each runs -tuanpe and -xap on both sources, the source chosen by env and by flag. */
const CLI_ROUNDS = num('CHURN_CLI_ROUNDS', 20);
/** CLI rounds as nobody (source by env only). */
const NOBODY_CLI_ROUNDS = 2;
/** API iterations: each lists once per source (proc, netlink) and mode (sync, async). */
const API_ITERATIONS = num('CHURN_API_ITERATIONS', 75);
const NOBODY_API_ITERATIONS = 3;
/** What fns-stable holds: 12 tcp/tcp6, 4 + 2 * 10 udp/udp6, 7 unix (see stable.c). */
const STABLE_SOCKETS = 43;
/** Churn before the first listing, so TIME_WAIT and dead owners are there from the start. */
const WARMUP_MS = 2_000;

/** What netstat prints on stderr for -p when not root (the only stderr allowed as nobody). */
const NOBODY_STDERR = new Set([
  '(Not all processes could be identified, non-owned process info',
  ' will not be shown, you would have to be root to see it all.)',
  '(No info could be read for "-p": geteuid()=65534 but you should be root.)',
]);

type Source = 'proc' | 'netlink';
type User = 'root' | 'nobody';
interface Stable {
  table: string;
  inode: number;
  what: string;
}
type Check = ReturnType<typeof checkRows>;
interface Listing extends Partial<Check> {
  lane: 'cli' | 'api';
  user: User;
  source: Source;
  /** cli: "-tuanpe env" / "-xap --source"; api: "sync" / "async" */
  how: string;
  ms?: number;
  /** why this listing counts as an error (crash, exit status, stderr, stray output), if it does */
  errors: string[];
}

function unavailableReason(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root (the churn test creates a network namespace)';
  for (const [cmd, args] of [
    ['ip', ['netns', 'list']],
    ['gcc', ['--version']],
    ['setpriv', ['--version']],
  ] as const) {
    if (spawnSync(cmd, [...args], { stdio: 'ignore', env: RUN_ENV }).status !== 0) return `${cmd} is unavailable`;
  }
  if (!fs.existsSync(CLI)) return `${CLI} is missing (build the repo first)`;
  return null;
}

/** The pids inside namespace `ns`: all ours, since the namespace is ours. */
function nsPids(ns: string): number[] {
  return sh('ip', ['netns', 'pids', ns], { allowFail: true }).split(/\s+/).filter(Boolean).map(Number);
}

function killPid(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone */
  }
}

/** Remove what an earlier run left behind when the pid in its name is dead. */
function cleanupStale(): void {
  for (const line of sh('ip', ['netns', 'list'], { allowFail: true }).split('\n')) {
    const name = line.split(' ')[0];
    if (!name?.startsWith(NS_PREFIX)) continue;
    const pid = Number(name.slice(NS_PREFIX.length));
    if (!Number.isInteger(pid) || pid <= 0 || pidAlive(pid)) continue;
    for (const p of nsPids(name)) killPid(p);
    sh('ip', ['netns', 'del', name], { allowFail: true });
  }
  for (const e of fs.readdirSync('/tmp')) {
    const m = /^fns-churn-(\d+)-/.exec(e);
    if (m && !pidAlive(Number(m[1]))) fs.rmSync(path.join('/tmp', e), { recursive: true, force: true });
  }
}

/** A long-running helper inside the namespace, talking in lines on stdout. */
class Helper {
  lines: string[] = [];
  stderr = '';
  waiters: Array<() => void> = [];
  readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    readonly child: ChildProcessWithoutNullStreams,
  ) {
    followLines(this, child);
    this.exited = new Promise((r) => child.on('close', () => r()));
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The first line starting with `prefix` (waiting for it). */
  async line(prefix: string, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const l = this.lines.find((x) => x.startsWith(prefix));
      if (l !== undefined) return l;
      if (!this.alive || Date.now() > deadline) {
        throw new Error(
          `${this.name} did not print ${prefix}: exit ${this.child.exitCode ?? this.child.signalCode}, ` +
            `stderr: ${this.stderr.slice(-2000)}`,
        );
      }
      await nextLine(this);
    }
  }
}

/** `key=value ...` of a STATS line. */
function stats(line: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const kv of line.split(' ').slice(1)) {
    const [k, v] = kv.split('=');
    out[k] = Number(v);
  }
  return out;
}

/** One CLI row of netstat's inet (-e) or unix table, or null for a header line. */
function parseCliLine(line: string): { row: Parameters<typeof checkRows>[0][number] } | 'header' | null {
  if (
    line === 'Active Internet connections (servers and established)' ||
    line === 'Active UNIX domain sockets (servers and established)' ||
    line.startsWith('Proto ')
  ) {
    return 'header';
  }
  if (/^(tcp|udp|udplite|raw)6?\s/.test(line)) {
    const f = line.trim().split(/\s+/);
    const [table, , , local, remote] = f;
    const rest = f.slice(5);
    // udp without a peer and raw print no state word; with -n the User column is a number.
    const state = rest.length > 0 && /^[A-Z][A-Z0-9_]*$/.test(rest[0]) ? rest.shift()! : '';
    if (rest.length < 3 || !/^\d+$/.test(rest[1])) return null;
    return { row: { table, inode: Number(rest[1]), local, remote, state, owner: rest.slice(2).join(' ') } };
  }
  const m = /^unix\s+\d+\s+\[[^\]]*\]\s+\S+\s+(?:([A-Z_]+)\s+)?(\d+)\s+(\S+)/.exec(line);
  if (m) return { row: { table: 'unix', inode: Number(m[2]), local: '', remote: '', state: m[1] ?? '', owner: m[3] } };
  return null;
}

const SKIP = unavailableReason();

describe.skipIf(SKIP !== null)(SKIP ? `churn (skipped: ${SKIP})` : 'churn', () => {
  const ns = `${NS_PREFIX}${process.pid}`;
  let dir = '';
  /** The build as nobody can run it (the checkout may sit under a private home). */
  let staged: StagedInstall | undefined;
  let lister = '';
  const helpers: Helper[] = [];
  /** Every short-lived child we spawned and have not seen exit (CLI runs, API listers). */
  const running = new Set<ChildProcessWithoutNullStreams>();
  let nsMade = false;
  let stable: Stable[] = [];
  let stablePid = 0;
  const listings: Listing[] = [];
  const laneErrors: string[] = [];
  let churn: Record<string, number> = {};
  let owners: Record<string, number> = {};
  let wallSeconds = 0;

  const cleanupSync = () => {
    for (const c of running) killPid(c.pid);
    for (const h of helpers) if (h.alive) killPid(h.child.pid);
    if (nsMade) {
      for (const p of nsPids(ns)) killPid(p);
      sh('ip', ['netns', 'del', ns], { allowFail: true });
      nsMade = false;
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    staged?.remove();
    staged = undefined;
  };

  /** `cmd` inside the namespace (as nobody through setpriv); ip netns exec and setpriv exec in place. */
  const nsSpawn = (cmd: string[], user: User, env: NodeJS.ProcessEnv = {}) => {
    const child = spawn('ip', ['netns', 'exec', ns, ...(user === 'nobody' ? SETPRIV : []), ...cmd], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...RUN_ENV, ...env },
      cwd: dir,
    });
    running.add(child);
    child.on('close', () => running.delete(child));
    return child;
  };

  const startHelper = async (name: string, args: string[]): Promise<{ h: Helper; pid: number }> => {
    const h = new Helper(name, nsSpawn([path.join(dir, name), ...args], 'root'));
    running.delete(h.child); // a helper, ended by stop() or cleanupSync
    helpers.push(h);
    const pid = Number((await h.line('READY')).split(' ')[1]);
    if (pid !== h.child.pid) throw new Error(`${name} says pid ${pid}, spawned ${h.child.pid}`);
    return { h, pid };
  };

  /** Ask a helper to stop (a line on stdin) and return its STATS. */
  const stop = async (h: Helper): Promise<Record<string, number>> => {
    h.child.stdin.write('stop\n');
    const line = await h.line('STATS', 10_000);
    await h.exited;
    return stats(line);
  };

  const runCli = (args: string[], user: User, source: Source, via: 'env' | 'flag'): Promise<Listing> => {
    const argv = via === 'flag' ? [...args, '--source', source] : args;
    const env = via === 'env' ? { FASTNETSTAT_SOURCE: source } : {};
    const listing: Listing = { lane: 'cli', user, source, how: `${args.join(' ')} ${via === 'env' ? 'env' : '--source'}`, errors: [] };
    const t0 = performance.now();
    const child = nsSpawn([user === 'nobody' ? staged!.cli : CLI, ...argv], user, env);
    child.stdin.end();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => killPid(child.pid), 30_000);
    return new Promise((resolve) => {
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        listing.ms = Math.round(performance.now() - t0);
        const stdout = Buffer.concat(out).toString('utf8');
        const stderr = Buffer.concat(err).toString('utf8');
        if (code !== 0 || signal) listing.errors.push(`exit ${code ?? signal}`);
        const badErr =
          user === 'root' ? stderr : stderr.split('\n').filter((l) => l !== '' && !NOBODY_STDERR.has(l)).join('\n');
        if (badErr) listing.errors.push(`stderr: ${badErr.slice(0, 600)}`);
        const rows = [];
        const stray = [];
        for (const line of stdout.split('\n')) {
          if (line === '') continue;
          const p = parseCliLine(line);
          if (p === null) stray.push(line);
          else if (p !== 'header') rows.push(p.row);
        }
        if (stray.length) listing.errors.push(`${stray.length} unparsable stdout lines, e.g. ${JSON.stringify(stray[0])}`);
        const tables = args.includes('-xap') ? ['unix'] : ['tcp', 'tcp6', 'udp', 'udp6'];
        const owner = user === 'root' ? `${stablePid}/fns-stable` : null;
        Object.assign(listing, checkRows(rows, { stable, tables, owner }));
        resolve(listing);
      });
    });
  };

  const cliLane = async () => {
    for (let round = 0; round < CLI_ROUNDS; round++) {
      for (const args of [['-tuanpe'], ['-xap']]) {
        for (const source of ['proc', 'netlink'] as const) {
          for (const via of ['env', 'flag'] as const) listings.push(await runCli(args, 'root', source, via));
        }
      }
      // nobody rounds spread over the run (first and middle)
      if (round % Math.ceil(CLI_ROUNDS / NOBODY_CLI_ROUNDS) === 0) {
        for (const args of [['-tuanpe'], ['-xap']]) {
          for (const source of ['proc', 'netlink'] as const) listings.push(await runCli(args, 'nobody', source, 'env'));
        }
      }
    }
  };

  const apiLane = async (user: User, iterations: number) => {
    const cfgPath = path.join(dir, `lister-${user}.json`);
    fs.writeFileSync(
      cfgPath,
      JSON.stringify({
        iterations,
        sources: ['proc', 'netlink'],
        modes: ['sync', 'async'],
        stable,
        owner: user === 'root' ? `${stablePid}/fns-stable` : null,
      }),
    );
    fs.chmodSync(cfgPath, 0o644);
    const child = nsSpawn([process.execPath, lister, cfgPath], user);
    child.stdin.end();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const rl = createInterface({ input: child.stdout });
    const got: Listing[] = [];
    rl.on('line', (line) => {
      let r: Record<string, unknown>;
      try {
        r = JSON.parse(line);
      } catch {
        laneErrors.push(`api lister (${user}) printed a non-JSON line: ${line.slice(0, 300)}`);
        return;
      }
      const errors: string[] = [];
      const e = r.error as { code?: string; message?: string; stack?: string } | undefined;
      if (e) errors.push(`threw ${e.code ?? ''} ${e.message}\n${e.stack ?? ''}`.slice(0, 1200));
      const failed = (r.failedTables as unknown[] | undefined) ?? [];
      if (failed.length) errors.push(`table reports: ${JSON.stringify(failed)}`);
      if (!e && user === 'root' && r.ownerAccess !== 'complete') errors.push(`ownerAccess ${String(r.ownerAccess)} as root`);
      got.push({ ...(r as object), lane: 'api', user, how: String(r.mode), source: r.source as Source, errors } as Listing);
    });
    const [code, signal] = await new Promise<[number | null, string | null]>((r) =>
      child.on('close', (c, s) => r([c, s])),
    );
    if (code !== 0 || signal) laneErrors.push(`api lister (${user}) exited ${code ?? signal}: ${stderr.slice(-1500)}`);
    else if (stderr) laneErrors.push(`api lister (${user}) wrote to stderr: ${stderr.slice(-1500)}`);
    const expected = iterations * 4;
    if (got.length !== expected) laneErrors.push(`api lister (${user}) made ${got.length} listings, not ${expected}`);
    listings.push(...got);
  };

  beforeAll(async () => {
    const t0 = performance.now();
    cleanupStale();
    process.once('exit', cleanupSync);
    dir = fs.mkdtempSync(path.join('/tmp', `${NS_PREFIX}${process.pid}-`));
    fs.chmodSync(dir, 0o755); // nobody reads the lister's config here
    staged = stageInstall(`${NS_PREFIX}${process.pid}-stage-`);
    staged.copy('tests/churn/check.mjs');
    lister = staged.copy('tests/churn/lister.mjs');
    for (const [src, bin] of [
      ['stable.c', 'fns-stable'],
      ['churner.c', 'fns-churner'],
      ['owners.c', 'fns-owner'],
    ]) {
      execFileSync('gcc', ['-O2', '-Wall', '-o', path.join(dir, bin), path.join(HERE, src)], { stdio: 'pipe', env: RUN_ENV });
    }

    sh('ip', ['netns', 'add', ns]);
    nsMade = true;
    const exec = (...cmd: string[]) => sh('ip', ['netns', 'exec', ns, ...cmd]);
    sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    sh('ip', ['-n', ns, 'addr', 'add', '192.0.2.1/32', 'dev', 'lo']);
    sh('ip', ['-n', ns, '-6', 'addr', 'add', '2001:db8::1/128', 'dev', 'lo', 'nodad']);
    // A hard cap on TIME_WAIT behind the churner's own rationing (per namespace).
    exec('sysctl', '-q', '-w', `net.ipv4.tcp_max_tw_buckets=${TW_MAX * 2}`);

    const s = await startHelper('fns-stable', [dir]);
    stablePid = s.pid;
    stable = s.h.lines
      .filter((l) => l.startsWith('SOCK '))
      .map((l) => {
        const [, table, inode, ...what] = l.split(' ');
        return { table, inode: Number(inode), what: what.join(' ') };
      });
    // The holder's own word checked against its fd table.
    const fds = new Set(
      fs.readdirSync(`/proc/${stablePid}/fd`).map((fd) => {
        try {
          return fs.readlinkSync(`/proc/${stablePid}/fd/${fd}`);
        } catch {
          return '';
        }
      }),
    );
    const notHeld = stable.filter((x) => !fds.has(`socket:[${x.inode}]`));
    if (stable.length !== STABLE_SOCKETS || notHeld.length) {
      throw new Error(`fns-stable reported ${stable.length} sockets, ${notHeld.length} not among its fds`);
    }

    const churner = (await startHelper('fns-churner', [dir, String(CHURN_RATE), String(TW_MAX)])).h;
    const ownerSup = (await startHelper('fns-owner', [String(OWNERS_KEEP), String(OWNERS_PERIOD_MS)])).h;
    await sleep(WARMUP_MS);

    const tl = performance.now();
    // Two lanes side by side (the machine has two cores): the CLI runs one after another, and
    // one API process listing in a loop; the few nobody API listings come after the root ones.
    await Promise.all([cliLane(), (async () => {
      await apiLane('root', API_ITERATIONS);
      await apiLane('nobody', NOBODY_API_ITERATIONS);
    })()]);
    const listSeconds = (performance.now() - tl) / 1000;

    churn = await stop(churner);
    owners = await stop(ownerSup);
    for (const h of [churner, ownerSup]) if (h.stderr) laneErrors.push(`${h.name} stderr: ${h.stderr.slice(-1000)}`);
    wallSeconds = (performance.now() - t0) / 1000;

    const report = summary(listSeconds);
    console.log(report);
    if (process.env.CHURN_REPORT) {
      fs.writeFileSync(process.env.CHURN_REPORT, JSON.stringify({ churn, owners, wallSeconds, listSeconds, listings, laneErrors }, null, 1));
    }
  }, 300_000);

  afterAll(async () => {
    for (const h of helpers) {
      if (h.alive) {
        h.child.stdin.end();
        h.child.kill('SIGTERM');
      }
    }
    await Promise.race([Promise.all(helpers.map((h) => h.exited)), sleep(3000)]);
    cleanupSync();
    process.removeListener('exit', cleanupSync);
  });

  /** Counts per lane/source/user and per table, for the log and for failure messages. */
  function summary(listSeconds: number): string {
    const groups = new Map<string, Listing[]>();
    for (const l of listings) {
      const k = `${l.lane} ${l.source} ${l.user}`;
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k)!.push(l);
    }
    const out = [
      `churn: ${churn.tcp} tcp connect+close in ${churn.seconds?.toFixed(1)} s = ${(churn.tcp / churn.seconds).toFixed(0)}/s ` +
        `(v4 ${churn.tcp4}, v6 ${churn.tcp6}; ${churn.normal} normal closes, ${churn.rst} RST), ${churn.unix} unix, ` +
        `${churn.udp} udp pool replacements, ` +
        `${churn.errors} churner errors; owners: ${owners.started} started, ${owners.killed} killed in ${owners.seconds?.toFixed(1)} s`,
      `listings: ${listings.length} in ${listSeconds.toFixed(1)} s (whole run ${wallSeconds.toFixed(1)} s); ` +
        `max TIME_WAIT rows seen ${Math.max(0, ...listings.map((l) => l.timeWait ?? 0))}`,
    ];
    for (const [k, ls] of [...groups].sort()) {
      const dupT: Record<string, number> = {};
      const missT: Record<string, number> = {};
      for (const l of ls) {
        for (const [t, n] of Object.entries(l.dupPerTable ?? {})) dupT[t] = (dupT[t] ?? 0) + n;
        for (const [t, n] of Object.entries(l.missPerTable ?? {})) missT[t] = (missT[t] ?? 0) + n;
      }
      const fmt = (o: Record<string, number>) => Object.entries(o).map(([t, n]) => `${t} ${n}`).join(', ') || 'none';
      const ms = ls.map((l) => l.ms ?? 0).sort((a, b) => a - b);
      out.push(
        `  ${k}: ${ls.length} listings (median ${ms[ms.length >> 1]} ms); errors in ${ls.filter((l) => l.errors.length).length}; ` +
          `duplicates in ${ls.filter((l) => l.dupCount).length} (rows: ${fmt(dupT)}); ` +
          `stable missing in ${ls.filter((l) => l.missing?.length).length} (${fmt(missT)}); ` +
          `wrong owner/table in ${ls.filter((l) => l.wrong?.length).length}`,
      );
    }
    return out.join('\n');
  }

  const label = (l: Listing) => `${l.lane} ${l.user} source=${l.source} ${l.how}`;
  const violations = (what: string, bad: Listing[], show: (l: Listing) => unknown): string => {
    const by = new Map<string, number>();
    for (const l of bad) by.set(`${l.lane} ${l.source}`, (by.get(`${l.lane} ${l.source}`) ?? 0) + 1);
    const of = (k: string) => listings.filter((l) => `${l.lane} ${l.source}` === k).length;
    return (
      `${bad.length} of ${listings.length} listings ${what} ` +
      `(${[...by].map(([k, n]) => `${k}: ${n} of ${of(k)}`).join(', ')}):\n` +
      bad
        .slice(0, MAX_EXAMPLES)
        .map((l) => `  ${label(l)}: ${JSON.stringify(show(l))}`)
        .join('\n') +
      (bad.length > MAX_EXAMPLES ? `\n  ... and ${bad.length - MAX_EXAMPLES} more` : '')
    );
  };

  it('churned thousands of connections per second and restarted owners throughout', () => {
    const rate = churn.tcp / churn.seconds;
    expect(churn.errors, 'churner errors').toBe(0);
    expect(rate, `achieved ${rate.toFixed(0)} tcp connect+close/s (floor ${CHURN_FLOOR})`).toBeGreaterThanOrEqual(CHURN_FLOOR);
    expect(churn.tcp4 > 0 && churn.tcp6 > 0 && churn.normal > 0 && churn.rst > 0 && churn.unix > 0 && churn.udp > 0).toBe(true);
    // a few owner kills per second at least (the supervisor aims at 1000/PERIOD per second)
    expect(owners.killed, 'owner processes killed').toBeGreaterThanOrEqual(owners.seconds * 3);
    expect(Math.max(0, ...listings.map((l) => l.timeWait ?? 0)), 'TIME_WAIT rows in some listing').toBeGreaterThan(0);
    expect(laneErrors, 'helper and lister processes').toEqual([]);
  });

  it('made a few hundred listings: CLI and API, both sources, root and nobody', () => {
    const count = (f: (l: Listing) => boolean) => listings.filter(f).length;
    expect(listings.length).toBeGreaterThanOrEqual(200);
    for (const lane of ['cli', 'api'] as const) {
      for (const source of ['proc', 'netlink'] as const) {
        for (const user of ['root', 'nobody'] as const) {
          expect(count((l) => l.lane === lane && l.source === source && l.user === user), `${lane} ${source} ${user}`).toBeGreaterThan(0);
        }
      }
    }
  });

  it('no listing crashed, exited non-zero or wrote unexpected stderr', () => {
    const bad = listings.filter((l) => l.errors.length);
    expect(bad.length, violations('had errors', bad, (l) => l.errors)).toBe(0);
  });

  it('no row printed twice', () => {
    const bad = listings.filter((l) => l.dupCount);
    expect(bad.length, violations('had duplicate rows', bad, (l) => ({ perTable: l.dupPerTable, e: l.duplicates }))).toBe(0);
  });

  it('every stable socket appears in every listing, with owner pid/fns-stable', () => {
    const missing = listings.filter((l) => l.missing?.length);
    const wrong = listings.filter((l) => l.wrong?.length);
    expect(
      missing.length + wrong.length,
      [
        missing.length ? violations('missed stable sockets', missing, (l) => l.missing) : '',
        wrong.length ? violations('showed a stable socket with the wrong owner or table', wrong, (l) => l.wrong) : '',
      ].join('\n'),
    ).toBe(0);
  });
});

// The checks themselves, on text as the CLI prints it (runs anywhere): a churn run that finds
// nothing must mean nothing was there, not that the parser or the check saw nothing.
describe('churn checks', () => {
  const inet = [
    'Active Internet connections (servers and established)',
    'Proto Recv-Q Send-Q Local Address           Foreign Address         State       User       Inode      PID/Program name    ',
    'tcp        0      0 192.0.2.1:7001          0.0.0.0:*               LISTEN      0          101        42/fns-stable       ',
    'tcp        0      0 192.0.2.1:48425         192.0.2.1:7100          TIME_WAIT   0          0          -                   ',
    'tcp        0      0 192.0.2.1:48425         192.0.2.1:7100          TIME_WAIT   0          0          -                   ',
    'udp6       0      0 2001:db8::1:7003        :::*                                0          102        42/fns-stable       ',
    'udp        0      0 127.0.0.1:7004          192.0.2.1:7003          ESTABLISHED 0          103        -                   ',
    'udp        0      0 127.0.0.1:7004          192.0.2.1:7003          ESTABLISHED 0          103        -                   ',
  ];
  const unix = [
    'Active UNIX domain sockets (servers and established)',
    'Proto RefCnt Flags       Type       State         I-Node   PID/Program name     Path',
    'unix  2      [ ACC ]     STREAM     LISTENING     201      42/fns-stable        /tmp/x/stable.sock',
    'unix  2      [ ]         DGRAM                    202      42/fns-stable        /tmp/x/stable.dgram',
    'unix  3      [ ]         STREAM     CONNECTED     203      -                    ',
  ];
  const parse = (lines: string[]) =>
    lines.map(parseCliLine).flatMap((p) => (p && p !== 'header' ? [p.row] : []));

  it('parses every line of both tables', () => {
    expect([...inet, ...unix].map(parseCliLine).filter((p) => p === null)).toEqual([]);
    expect(parse(unix).map((r) => [r.inode, r.state, r.owner])).toEqual([
      [201, 'LISTENING', '42/fns-stable'],
      [202, '', '42/fns-stable'],
      [203, 'CONNECTED', '-'],
    ]);
    expect(parseCliLine('    at Object.<anonymous> (/x.js:1:1)')).toBeNull();
  });

  it('finds duplicates, missing stable sockets and wrong owners', () => {
    const stable = [
      { table: 'tcp', inode: 101, what: 'listener' },
      { table: 'udp6', inode: 102, what: 'udp6' },
      { table: 'udp', inode: 103, what: 'connected udp' },
      { table: 'tcp6', inode: 104, what: 'not printed' },
      { table: 'unix', inode: 203, what: 'not in these tables' },
    ];
    const r = checkRows(parse(inet), { stable, tables: ['tcp', 'tcp6', 'udp', 'udp6'], owner: '42/fns-stable' });
    expect(r.dupCount).toBe(2);
    expect(r.dupPerTable).toEqual({ tcp: 1, udp: 1 });
    expect(r.missing.map((m) => m.inode)).toEqual([104]);
    expect(r.wrong.map((m) => [m.inode, m.gotOwner])).toEqual([[103, '-']]);
    expect(r.timeWait).toBe(2);
    const u = checkRows(parse(unix), { stable, tables: ['unix'], owner: null });
    expect([u.dupCount, u.missing.length, u.wrong.length]).toEqual([0, 0, 0]);
    // unix connections not yet accepted have no inode: alike, yet not repeats
    const pending = { table: 'unix', inode: 0, local: '', remote: '', state: 'CONNECTING', owner: '-' };
    const again = { ...pending, inode: 205, state: 'CONNECTED' };
    expect(checkRows([pending, { ...pending }, again, { ...again }], { stable: [], tables: ['unix'], owner: null }).dupCount).toBe(1);
  });
});
