/**
 * The oracle zoo: a network namespace holding a fixed set of sockets, and the means to run a
 * command inside it (as root or as nobody).
 *
 * Layout of the namespace `fns-oracle-<pid>`:
 * - lo up, and one interface `fns0` carrying documentation addresses only (192.0.2.0/24,
 *   198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32). The brief asks for a dummy interface, but
 *   this kernel has no CONFIG_DUMMY: `ifb` is the fallback (a sink device, NOARP, carrier on).
 *   IPv6 DAD, autoconf, router solicitations and link-local generation are off, so no address
 *   changes state while the suite runs. The namespace has no link to anything else, and the
 *   sockets only use the addresses above: nothing leaves it.
 * - /etc/netns/<ns>/{hosts,networks,resolv.conf,nsswitch.conf} from fixtures/oracle/etc
 *   (`ip netns exec` bind-mounts them over /etc). resolv.conf points at 127.0.0.1, where nothing
 *   answers: a name miss fails at once.
 * - socket holders (tests/oracle/holder.py), one process per role with its own argv[0].
 *
 * Nondeterminism handled here (see also compare.ts):
 * - TIME_WAIT sockets expire after 60 s and the SYN_SENT connect gives up after ~127 s:
 *   `refreshIfOlderThan` kills the TIME_WAIT sockets (`ss -K`, SOCK_DESTROY) and has the churn
 *   holder make a fresh set before a case when the current set is older than 30 s, so no row
 *   vanishes between the two runs of a case.
 * - Retransmission (SYN_SENT) and zero-window probe timers fire and change the counters that
 *   `-o` prints: `quietTimers` waits until no such timer fires within the next few seconds.
 * - Settling: after setup (and after a refresh) /proc/net is read until it stops changing.
 */
import { spawn, execFileSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { followLines, nextLine } from '../support/line-child.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/**
 * sysctl settings that keep IPv6 on `dev` still: no router advertisements, autoconf, DAD,
 * temporary or link-local addresses, so a namespace's addresses do not change while tests read it.
 */
export function quietIpv6(dev: string): string[] {
  return [
    `net.ipv6.conf.${dev}.accept_ra=0`,
    `net.ipv6.conf.${dev}.autoconf=0`,
    `net.ipv6.conf.${dev}.router_solicitations=0`,
    `net.ipv6.conf.${dev}.accept_dad=0`,
    `net.ipv6.conf.${dev}.dad_transmits=0`,
    `net.ipv6.conf.${dev}.use_tempaddr=0`,
    `net.ipv6.conf.${dev}.addr_gen_mode=1`, // no link-local address
  ];
}

export const REPO_ROOT = path.resolve(HERE, '..', '..');
const HOLDER_PY = path.join(HERE, 'holder.py');
const ETC_FIXTURES = path.join(REPO_ROOT, 'fixtures', 'oracle', 'etc');
const PYTHON = '/usr/bin/python3'; // absolute on purpose: PATH may hold a pyenv shim
export const NS_PREFIX = 'fns-oracle-';
/** The churn holder makes one TIME_WAIT per target (holder.py TW_TARGETS). */
const TIME_WAIT_PER_REFRESH = 4;

/** The environment every command under test gets (same for both tools). */
export const RUN_ENV: NodeJS.ProcessEnv = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LC_ALL: 'C',
};

export type User = 'root' | 'nobody';

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
}

const SETPRIV = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'];

export function sh(cmd: string, args: string[], opts: { allowFail?: boolean; input?: string } = {}): string {
  try {
    return execFileSync(cmd, args, {
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
      input: opts.input,
      env: RUN_ENV,
    });
  } catch (e) {
    if (opts.allowFail) return '';
    const err = e as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${err.stderr || err.message}`);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why the oracle cannot run here, or null when it can. */
export function unavailableReason(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return 'not root (the oracle creates a network namespace)';
  }
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'pipe', env: RUN_ENV });
  } catch {
    return '`ip netns` is unavailable';
  }
  return null;
}

/** Delete everything a previous run left behind when the pid in its name is dead. */
export function cleanupStale(): string[] {
  const removed: string[] = [];
  const names = new Set<string>();
  for (const line of sh('ip', ['netns', 'list'], { allowFail: true }).split('\n')) {
    const name = line.split(' ')[0];
    if (name?.startsWith(NS_PREFIX)) names.add(name);
  }
  for (const base of ['/etc/netns', '/tmp']) {
    try {
      for (const e of fs.readdirSync(base)) if (e.startsWith(NS_PREFIX)) names.add(e);
    } catch {
      /* no such directory */
    }
  }
  for (const name of names) {
    const pid = Number(name.slice(NS_PREFIX.length));
    if (!Number.isInteger(pid) || pid <= 0 || pidAlive(pid)) continue;
    removeNamespace(name);
    removed.push(name);
  }
  return removed;
}

/** Kill what still runs inside `name` (our holders from a dead run) and remove all its traces. */
function removeNamespace(name: string): void {
  const pids = sh('ip', ['netns', 'pids', name], { allowFail: true })
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  sh('ip', ['netns', 'del', name], { allowFail: true });
  fs.rmSync(path.join('/etc/netns', name), { recursive: true, force: true });
  fs.rmSync(path.join('/tmp', name), { recursive: true, force: true });
}

/** Waits until `n` consecutive results of `snapshot`, `gapMs` apart, are equal (else throws `why`). */
export async function untilStable(snapshot: () => string, n: number, gapMs: number, timeoutMs: number, why: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = snapshot();
  let same = 1;
  while (same < n) {
    if (Date.now() > deadline) throw new Error(why);
    await sleep(gapMs);
    const cur = snapshot();
    same = cur === last ? same + 1 : 1;
    last = cur;
  }
}

/** How a command is run and stopped (see runArgv). */
export interface RunOptions {
  timeoutMs?: number;
  /** Sent at timeoutMs (default SIGKILL); SIGKILL follows 3 s after any stop. */
  timeoutSignal?: NodeJS.Signals;
  /** Checked on every chunk of stdout; true stops the command with SIGINT. */
  stopWhen?: (stdout: string) => boolean;
  /** Added to RUN_ENV (e.g. FASTNETSTAT_SOURCE for the CLI under test). */
  env?: NodeJS.ProcessEnv;
}

/** Runs argv (argv[0] found through RUN_ENV's PATH) and collects stdout, stderr and status. */
export function runArgv(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const t0 = performance.now();
  const child = spawn(argv[0], argv.slice(1), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...RUN_ENV, ...opts.env },
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  let outText = '';
  let stopped = false;
  const stop = (sig: NodeJS.Signals) => {
    if (stopped) return;
    stopped = true;
    child.kill(sig);
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  };
  child.stdout.on('data', (d: Buffer) => {
    out.push(d);
    if (opts.stopWhen) {
      outText += d.toString('utf8');
      if (opts.stopWhen(outText)) stop('SIGINT');
    }
  });
  child.stderr.on('data', (d: Buffer) => err.push(d));
  const timer = setTimeout(() => stop(opts.timeoutSignal ?? 'SIGKILL'), opts.timeoutMs ?? 30_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        code,
        signal,
        ms: performance.now() - t0,
      });
    });
  });
}

/** For -c: true once iteration n+1 began (an iteration begins where the first line repeats). */
export function afterIterations(n: number): (out: string) => boolean {
  return (out) => {
    const nl = out.indexOf('\n');
    if (nl < 0) return false;
    const first = out.slice(0, nl + 1);
    let count = 0;
    for (let i = 0; (i = out.indexOf(first, i)) >= 0; i += first.length) {
      if (i === 0 || out[i - 1] === '\n') count++;
    }
    return count > n; // iteration n+1 started: the first n are complete
  };
}

interface Holder {
  role: string;
  argv0: string;
  user: User;
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  waiters: Array<() => void>;
  stderr: string;
}

/** One /proc/net/{tcp,tcp6,...} row, reduced to what the tables print, timers apart. */
export interface TcpRow {
  file: string;
  local: string;
  remote: string;
  state: number;
  txq: number;
  rxq: number;
  timer: number;
  when: number; // clock ticks (USER_HZ = 100)
  uid: number;
  inode: number;
}

export class Zoo {
  readonly ns: string;
  readonly tmpDir: string;
  readonly etcDir: string;
  private holders: Holder[] = [];
  private refreshedAt = 0;
  private exitHook = () => this.destroySync();

  private constructor(readonly tag: string) {
    this.ns = tag;
    this.tmpDir = path.join('/tmp', tag);
    this.etcDir = path.join('/etc/netns', tag);
  }

  /** Every holder pid (all started by this Zoo). */
  get pids(): number[] {
    return this.holders.map((h) => h.child.pid!).filter(Boolean);
  }

  holderPid(role: string): number {
    const h = this.holders.find((x) => x.role === role);
    if (!h?.child.pid) throw new Error(`no holder ${role}`);
    return h.child.pid;
  }

  static async create(): Promise<Zoo> {
    cleanupStale();
    const zoo = new Zoo(`${NS_PREFIX}${process.pid}`);
    removeNamespace(zoo.ns); // ours from an earlier create in this same process, if any
    process.once('exit', zoo.exitHook);
    try {
      zoo.setupNamespace();
      await zoo.startHolders();
      await zoo.settle(3, 200, 20_000);
      zoo.refreshedAt = Date.now();
    } catch (e) {
      await zoo.destroy();
      throw e;
    }
    return zoo;
  }

  private setupNamespace(): void {
    const ns = this.ns;
    sh('ip', ['netns', 'add', ns]);
    const sysctl = (...kv: string[]) => sh('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', ...kv]);
    // Before any interface exists, so `default` applies to fns0 as well.
    const v6 = quietIpv6;
    sysctl(...v6('all'), ...v6('default'));
    // ICMP errors (port unreachable for the DNS misses) are never rate limited in here, so a
    // miss always fails at once instead of waiting for the resolver timeout.
    sh('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', 'net.ipv4.icmp_ratemask=0'], { allowFail: true });
    // SYN retransmissions back off exponentially from the start (no linear phase, kernel 6.7+):
    // fewer timer events for quietTimers to wait out.
    sh('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', 'net.ipv4.tcp_syn_linear_timeouts=0'], {
      allowFail: true,
    });
    sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    let made = false;
    for (const type of ['dummy', 'ifb']) {
      try {
        execFileSync('ip', ['-n', ns, 'link', 'add', 'fns0', 'type', type], { stdio: 'pipe', env: RUN_ENV });
        made = true;
        break;
      } catch {
        /* try the next type */
      }
    }
    if (!made) throw new Error('cannot create a dummy or ifb interface in the namespace');
    sysctl(...v6('fns0'));
    sh('ip', ['-n', ns, 'link', 'set', 'fns0', 'up']);
    for (const a of ['192.0.2.1/24', '203.0.113.5/24', '198.51.100.23/24']) {
      sh('ip', ['-n', ns, 'addr', 'add', a, 'dev', 'fns0']);
    }
    for (const a of ['2001:db8::1/64', '2001:db8:1234:5678:9abc:def0:1234:5678/64', '2001:db8::dead:beef/64']) {
      sh('ip', ['-n', ns, '-6', 'addr', 'add', a, 'dev', 'fns0', 'nodad']);
    }

    fs.mkdirSync(this.etcDir, { recursive: true });
    for (const f of ['hosts', 'networks', 'resolv.conf', 'nsswitch.conf']) {
      fs.copyFileSync(path.join(ETC_FIXTURES, f), path.join(this.etcDir, f));
      fs.chmodSync(path.join(this.etcDir, f), 0o644);
    }
    fs.mkdirSync(path.join(this.tmpDir, 'nobody'), { recursive: true });
    fs.chmodSync(this.tmpDir, 0o755);
    fs.chownSync(path.join(this.tmpDir, 'nobody'), 65534, 65534);
    // the holders run from here: nobody may not reach a checkout under a private home
    fs.copyFileSync(HOLDER_PY, this.holderPy);
    fs.chmodSync(this.holderPy, 0o644);
  }

  /** The copy of holder.py the holders run. */
  private get holderPy(): string {
    return path.join(this.tmpDir, 'holder.py');
  }

  private spawnHolder(role: string, argv0: string, user: User): Holder {
    // `exec -a` sets argv[0] (what -p prints). ip netns exec, setpriv and bash all exec, so the
    // pid we get is the holder's pid.
    const launch =
      argv0 === PYTHON
        ? [PYTHON, '-u', this.holderPy, role, this.ns, this.tmpDir]
        : ['/bin/bash', '-c', 'exec -a "$0" "$@"', argv0, PYTHON, '-u', this.holderPy, role, this.ns, this.tmpDir];
    const args = ['netns', 'exec', this.ns, ...(user === 'nobody' ? SETPRIV : []), ...launch];
    const child = spawn('ip', args, { stdio: ['pipe', 'pipe', 'pipe'], env: RUN_ENV });
    const h: Holder = { role, argv0, user, child, lines: [], waiters: [], stderr: '' };
    followLines(h, child);
    this.holders.push(h);
    return h;
  }

  /** Wait until the holder printed `word` (consuming the lines up to it). */
  private async expect(h: Holder, word: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = h.lines.indexOf(word);
      if (i >= 0) {
        h.lines.splice(0, i + 1);
        return;
      }
      const err = h.lines.find((l) => l.startsWith('ERROR'));
      if (err || h.child.exitCode !== null || h.child.signalCode !== null || Date.now() > deadline) {
        throw new Error(
          `holder ${h.role} (${h.argv0}) did not say ${word}: ${err ?? ''} ` +
            `exit=${h.child.exitCode}/${h.child.signalCode} stderr=${h.stderr.slice(-2000)}`,
        );
      }
      await nextLine(h);
    }
  }

  private async startHolders(): Promise<void> {
    const servers = this.spawnHolder('servers', 'fns-servers', 'root');
    await this.expect(servers, 'READY');
    // argv[0] is an absolute path: -p prints its basename, "python3".
    const clients = this.spawnHolder('clients', PYTHON, 'root');
    const unix = this.spawnHolder('unix', 'fns-unix-holder-with-a-long-program-name', 'root');
    const nobody = this.spawnHolder('nobody', 'fns-nobody', 'nobody');
    const churn = this.spawnHolder('churn', 'fns-churn', 'root');
    await Promise.all([
      this.expect(clients, 'READY'),
      this.expect(unix, 'READY'),
      this.expect(nobody, 'READY'),
      this.expect(churn, 'READY'),
    ]);
    await this.expect(servers, 'ACCEPTED');
  }

  /** Read one /proc/net file of the namespace (through a holder's /proc/PID/net: no exec). */
  readNet(file: string): string {
    return fs.readFileSync(`/proc/${this.holderPid('servers')}/net/${file}`, 'utf8');
  }

  tcpRows(): TcpRow[] {
    const rows: TcpRow[] = [];
    for (const file of ['tcp', 'tcp6', 'udp', 'udp6', 'raw', 'raw6']) {
      for (const line of this.readNet(file).split('\n').slice(1)) {
        const f = line.trim().split(/\s+/);
        if (f.length < 10) continue;
        const [txq, rxq] = f[4].split(':').map((x) => parseInt(x, 16));
        const [timer, when] = f[5].split(':').map((x) => parseInt(x, 16));
        rows.push({
          file,
          local: f[1],
          remote: f[2],
          state: parseInt(f[3], 16),
          txq,
          rxq,
          timer,
          when,
          uid: Number(f[7]),
          inode: Number(f[9]),
        });
      }
    }
    return rows;
  }

  /** Everything the socket tables print, except timers; changes whenever a socket changes. */
  private snapshot(): string {
    const rows = this.tcpRows().map(
      (r) => `${r.file} ${r.local} ${r.remote} ${r.state} ${r.txq} ${r.rxq} ${r.uid} ${r.inode}`,
    );
    return rows.join('\n') + '\n' + this.readNet('unix');
  }

  /** Wait until `n` consecutive snapshots, `gapMs` apart, are equal. */
  private settle(n: number, gapMs: number, timeoutMs: number): Promise<void> {
    return untilStable(() => this.snapshot(), n, gapMs, timeoutMs, 'the zoo does not settle: /proc/net keeps changing');
  }


  /**
   * Give TIME_WAIT and SYN_SENT a fresh lease when the current ones are older than `maxAgeMs`
   * (TIME_WAIT lasts 60 s; a case takes a few seconds at most).
   */
  async refreshIfOlderThan(maxAgeMs = 30_000): Promise<void> {
    if (Date.now() - this.refreshedAt < maxAgeMs) return;
    sh('ip', ['netns', 'exec', this.ns, 'ss', '-K', '-t', 'state', 'time-wait']);
    const churn = this.holders.find((h) => h.role === 'churn')!;
    churn.child.stdin.write('refresh\n');
    await this.expect(churn, 'REFRESHED');
    await this.settle(2, 100, 10_000);
    const tw = this.tcpRows().filter((r) => r.file.startsWith('tcp') && r.state === 6).length;
    if (tw !== TIME_WAIT_PER_REFRESH) {
      throw new Error(`after a refresh the zoo has ${tw} TIME_WAIT sockets, not ${TIME_WAIT_PER_REFRESH} (ss -K failed?)`);
    }
    this.refreshedAt = Date.now();
  }

  /**
   * For -o: wait until no retransmission (SYN_SENT) or zero-window probe timer fires within
   * `horizonMs`, so the retransmit/probe counters and timer values cannot jump between the two
   * runs of a case. Keepalive (7200 s) and TIME_WAIT (refreshed) timers never fire in a case.
   */
  async quietTimers(horizonMs = 2500, maxWaitMs = 20_000): Promise<void> {
    const deadline = Date.now() + maxWaitMs;
    for (;;) {
      const soon = this.tcpRows()
        .filter((r) => (r.file === 'tcp' || r.file === 'tcp6') && (r.timer === 1 || r.timer === 4))
        .map((r) => r.when * 10)
        .filter((ms) => ms < horizonMs);
      if (soon.length === 0 || Date.now() > deadline) return;
      await sleep(Math.max(...soon) + 150);
    }
  }

  /** argv for `ip` that runs `cmd args` inside the namespace as `user`. */
  private ipArgs(cmd: string[], user: User): string[] {
    return ['netns', 'exec', this.ns, ...(user === 'nobody' ? SETPRIV : []), ...cmd];
  }

  /**
   * Run `bin args` inside the namespace. With `argv0`, bash's `exec -a` sets argv[0] (used to
   * run /usr/bin/netstat as "netstat" when it stands in for the CLI under test).
   */
  run(
    bin: string,
    args: string[],
    opts: { user?: User; argv0?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
  ): Promise<RunResult> {
    return this.runUntil(bin, args, { ...opts });
  }

  /**
   * Run -c (continuous) until `iterations` complete iterations were printed (an iteration ends
   * where the next one begins: its first line repeats), then SIGINT; or SIGINT at `timeoutMs`.
   */
  runContinuous(
    bin: string,
    args: string[],
    opts: { user?: User; argv0?: string; iterations?: number; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
  ): Promise<RunResult> {
    const n = opts.iterations ?? 2;
    return this.runUntil(bin, args, {
      ...opts,
      timeoutSignal: 'SIGINT',
      timeoutMs: opts.timeoutMs ?? 10_000,
      stopWhen: afterIterations(n),
    });
  }

  private runUntil(
    bin: string,
    args: string[],
    opts: RunOptions & { user?: User; argv0?: string },
  ): Promise<RunResult> {
    const cmd = opts.argv0
      ? ['/bin/bash', '-c', 'bin=$1; shift; exec -a "$0" "$bin" "$@"', opts.argv0, bin, ...args]
      : [bin, ...args];
    return runArgv(['ip', ...this.ipArgs(cmd, opts.user ?? 'root')], opts);
  }

  /** Kill our holders, delete the namespace and its files. Safe to call twice. */
  async destroy(): Promise<void> {
    for (const h of this.holders) {
      if (h.child.exitCode === null && h.child.signalCode === null) {
        h.child.stdin.end();
        h.child.kill('SIGTERM');
      }
    }
    const deadline = Date.now() + 3000;
    while (this.holders.some((h) => h.child.exitCode === null && h.child.signalCode === null)) {
      if (Date.now() > deadline) break;
      await sleep(50);
    }
    this.destroySync();
  }

  private destroySync(): void {
    for (const h of this.holders) {
      if (h.child.exitCode === null && h.child.signalCode === null) {
        try {
          h.child.kill('SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    sh('ip', ['netns', 'del', this.ns], { allowFail: true });
    fs.rmSync(this.etcDir, { recursive: true, force: true });
    fs.rmSync(this.tmpDir, { recursive: true, force: true });
    process.removeListener('exit', this.exitHook);
  }
}
