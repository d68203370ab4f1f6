/**
 * The filter suite's zoo: a network namespace of its own, `fns-filter-<pid>`, holding a varied
 * set of sockets (holder.py), and a child cgroup holding a few more; the means to run a command
 * inside the namespace.
 *
 * - lo up, and `fns0` (dummy, or ifb where the kernel has no dummy driver: a sink either way)
 *   with 192.0.2.1/24, 192.0.2.2/24, 198.51.100.1/24, 2001:db8::1/64, 2001:db8::2/64 and
 *   2001:db8:1::1/64; IPv6 kept still (no DAD, RS, autoconf, link-local).
 * - TIME_WAIT lives 60 s: `refreshIfOlderThan` kills the current ones (ss -K) and has the holder
 *   make new ones, so no TIME_WAIT vanishes between the two runs of a case.
 * - The cgroup `fns-filter-<pid>` under the cgroup2 mount, when there is one (else no cgroup
 *   sockets and the cgroup cases are skipped).
 * Everything is removed in `destroy` (also on process exit), and a dead run's leftovers at start.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { followLines, nextLine, type LineState } from '../support/line-child.js';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { pidAlive, quietIpv6, RUN_ENV, runArgv, sh, unavailableReason, untilStable, type RunResult } from '../oracle/zoo.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PYTHON = '/usr/bin/python3';
export const NS_PREFIX = 'fns-filter-';
/** TIME_WAIT sockets one refresh makes (holder.py's refresh). */
const TIME_WAIT_PER_REFRESH = 3;

interface Holder extends LineState {
  role: string;
  child: ChildProcessWithoutNullStreams;
}

/** Where cgroup v2 is mounted, or undefined. */
export function cgroup2Mount(): string | undefined {
  for (const line of fs.readFileSync('/proc/self/mounts', 'utf8').split('\n')) {
    const f = line.split(' ');
    if (f[2] === 'cgroup2') return f[1];
  }
  return undefined;
}

function removeCgroup(dir: string): void {
  try {
    for (const pid of fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  } catch {
    return; // no such cgroup
  }
  for (let i = 0; i < 50; i++) {
    try {
      fs.rmdirSync(dir);
      return;
    } catch {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20); // its processes are still exiting
    }
  }
}

function removeAll(name: string): void {
  const pids = sh('ip', ['netns', 'pids', name], { allowFail: true }).split(/\s+/).filter(Boolean).map(Number);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  const mount = cgroup2Mount();
  if (mount) removeCgroup(path.join(mount, name));
  sh('ip', ['netns', 'del', name], { allowFail: true });
  fs.rmSync(path.join('/tmp', name), { recursive: true, force: true });
}

/** Removes what a dead run of this suite left behind. */
function cleanupStale(): void {
  const names = new Set<string>();
  for (const line of sh('ip', ['netns', 'list'], { allowFail: true }).split('\n')) {
    const name = line.split(' ')[0];
    if (name?.startsWith(NS_PREFIX)) names.add(name);
  }
  const mount = cgroup2Mount();
  for (const base of ['/tmp', mount].filter((x): x is string => !!x)) {
    try {
      for (const e of fs.readdirSync(base)) if (e.startsWith(NS_PREFIX)) names.add(e);
    } catch {
      /* none */
    }
  }
  for (const name of names) {
    const pid = Number(name.slice(NS_PREFIX.length));
    if (Number.isInteger(pid) && pid > 0 && !pidAlive(pid)) removeAll(name);
  }
}

export class FilterZoo {
  readonly ns: string;
  readonly dir: string;
  /** The child cgroup's path as ss's `cgroup` takes it (relative to the cgroup2 root), if made. */
  cgroup: string | undefined;
  private holders: Holder[] = [];
  private refreshedAt = 0;
  private readonly exitHook = () => this.destroySync();

  private constructor(tag: string) {
    this.ns = tag;
    this.dir = path.join('/tmp', tag);
  }

  static async create(): Promise<FilterZoo> {
    cleanupStale();
    const zoo = new FilterZoo(`${NS_PREFIX}${process.pid}`);
    removeAll(zoo.ns);
    process.once('exit', zoo.exitHook);
    try {
      zoo.setupNamespace();
      await zoo.startHolders();
      await untilStable(() => zoo.snapshot(), 3, 200, 20_000, 'the filter zoo does not settle');
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
    sysctl(...quietIpv6('all'), ...quietIpv6('default'));
    sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    let made = false;
    for (const type of ['dummy', 'ifb']) {
      if (sh('ip', ['-n', ns, 'link', 'add', 'fns0', 'type', type], { allowFail: true }) !== '' || this.hasLink('fns0')) {
        made = true;
        break;
      }
    }
    if (!made) throw new Error('cannot create a dummy or ifb interface in the namespace');
    sysctl(...quietIpv6('fns0'));
    sh('ip', ['-n', ns, 'link', 'set', 'fns0', 'up']);
    for (const a of ['192.0.2.1/24', '192.0.2.2/24', '198.51.100.1/24']) sh('ip', ['-n', ns, 'addr', 'add', a, 'dev', 'fns0']);
    for (const a of ['2001:db8::1/64', '2001:db8::2/64', '2001:db8:1::1/64']) {
      sh('ip', ['-n', ns, '-6', 'addr', 'add', a, 'dev', 'fns0', 'nodad']);
    }
    fs.mkdirSync(this.dir, { recursive: true });
    fs.copyFileSync(path.join(HERE, 'holder.py'), path.join(this.dir, 'holder.py'));
  }

  private hasLink(name: string): boolean {
    return sh('ip', ['-n', this.ns, '-o', 'link', 'show', name], { allowFail: true }).includes(name);
  }

  private spawnHolder(role: string): Holder {
    const child = spawn('ip', ['netns', 'exec', this.ns, PYTHON, '-u', path.join(this.dir, 'holder.py'), role, this.dir], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: RUN_ENV,
    });
    const h: Holder = { role, child, lines: [], waiters: [], stderr: '' };
    followLines(h, child);
    this.holders.push(h);
    return h;
  }

  private async expect(h: Holder, word: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = h.lines.indexOf(word);
      if (i >= 0) {
        h.lines.splice(0, i + 1);
        return;
      }
      if (h.child.exitCode !== null || h.child.signalCode !== null || Date.now() > deadline) {
        throw new Error(`filter holder ${h.role} did not say ${word}: exit=${h.child.exitCode}/${h.child.signalCode} stderr=${h.stderr.slice(-2000)}`);
      }
      await nextLine(h);
    }
  }

  private async startHolders(): Promise<void> {
    const main = this.spawnHolder('main');
    const mount = cgroup2Mount();
    if (mount) {
      const dir = path.join(mount, this.ns);
      fs.mkdirSync(dir);
      const holder = this.spawnHolder('cgroup');
      // `ip netns exec` execs python: the pid is the holder's, moved before it makes a socket
      await new Promise((r) => setTimeout(r, 50));
      fs.writeFileSync(path.join(dir, 'cgroup.procs'), String(holder.child.pid));
      holder.child.stdin.write('go\n');
      await this.expect(holder, 'READY');
      this.cgroup = `/${this.ns}`;
    }
    await this.expect(main, 'READY');
  }

  /** One /proc/net table of the namespace (through the holder's /proc/PID/net). */
  readNet(file: string): string {
    return fs.readFileSync(`/proc/${this.holders[0]!.child.pid}/net/${file}`, 'utf8');
  }

  private snapshot(): string {
    return ['tcp', 'tcp6', 'udp', 'udp6', 'raw', 'raw6', 'unix']
      .map((f) =>
        this.readNet(f)
          .split('\n')
          .map((l) => l.trim().split(/\s+/).filter((_, i) => i !== 5 && i !== 6).join(' ')) // not timers
          .join('\n'),
      )
      .join('\n');
  }

  private timeWaitCount(): number {
    let n = 0;
    for (const f of ['tcp', 'tcp6']) for (const line of this.readNet(f).split('\n').slice(1)) if (line.trim().split(/\s+/)[3] === '06') n++;
    return n;
  }

  /** New TIME_WAIT sockets when the current ones are older than `maxAgeMs` (they live 60 s). */
  async refreshIfOlderThan(maxAgeMs = 25_000): Promise<void> {
    if (Date.now() - this.refreshedAt < maxAgeMs) return;
    sh('ip', ['netns', 'exec', this.ns, 'ss', '-K', '-t', 'state', 'time-wait']);
    const main = this.holders[0]!;
    main.child.stdin.write('refresh\n');
    await this.expect(main, 'REFRESHED');
    const tw = this.timeWaitCount();
    if (tw !== TIME_WAIT_PER_REFRESH) throw new Error(`after a refresh the zoo has ${tw} TIME_WAIT sockets, not ${TIME_WAIT_PER_REFRESH}`);
    this.refreshedAt = Date.now();
  }

  /**
   * Runs `argv` in the namespace as root. Through nsenter, not `ip netns exec`: that one mounts a
   * fresh /sys, where ss finds no cgroup2 mount for `cgroup` terms.
   */
  run(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
    return runArgv(['nsenter', `--net=/run/netns/${this.ns}`, ...argv], { env, timeoutMs: 30_000 });
  }

  async destroy(): Promise<void> {
    for (const h of this.holders) {
      if (h.child.exitCode === null && h.child.signalCode === null) {
        h.child.stdin.end();
        h.child.kill('SIGTERM');
      }
    }
    const deadline = Date.now() + 3000;
    while (this.holders.some((h) => h.child.exitCode === null && h.child.signalCode === null) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    this.destroySync();
  }

  private destroySync(): void {
    for (const h of this.holders) {
      try {
        h.child.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }
    removeAll(this.ns);
    process.removeListener('exit', this.exitHook);
  }
}

/**
 * A describe block with a zoo of its own, made before its tests and removed after them (also when
 * one fails), or skipped with the reason where no zoo can be made (not root, no `ip netns`).
 * `body` gets the zoo as a handle its tests use once it exists.
 */
export function describeWithZoo(title: string, body: (zoo: FilterZoo) => void): void {
  const reason = unavailableReason();
  if (reason) {
    describe(title, () => it.skip(`skipped: ${reason}`, () => {}));
    return;
  }
  describe(title, () => {
    let current: FilterZoo | undefined;
    beforeAll(async () => {
      current = await FilterZoo.create();
    }, 120_000);
    afterAll(async () => {
      await current?.destroy();
    });
    const handle = new Proxy({} as FilterZoo, {
      get(_, key) {
        if (!current) throw new Error('the zoo is not made yet');
        const value = Reflect.get(current, key);
        return typeof value === 'function' ? value.bind(current) : value;
      },
    });
    body(handle);
  });
}
