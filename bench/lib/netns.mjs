// A network namespace of our own holding a real socket table, and the small C
// programs that build and time it. Needs root (ip netns, sysctl).
//
// Size = established TCP sockets counting BOTH ends (so 48,000 = 24,000
// loopback connection pairs, the spec's performance.md table), held by
// max(4, ceil(size / 18,000)) holder processes: one process may hold at most
// `ulimit -Hn` (20,000 here) fds. Each holder also owns one listener
// (127.0.0.1:5001, 5002, ...), so there are 4 listeners up to 72k sockets.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
const BUILD_DIR = join(BENCH_DIR, '.build');
export const FIRST_PORT = 5001;
const MAX_PER_HOLDER = 18_000;

/** Compiles bench/c/NAME.c to bench/.build/NAME when the source is newer; returns the path. */
export function cProgram(name) {
  const src = join(BENCH_DIR, 'c', `${name}.c`);
  const out = join(BUILD_DIR, name);
  if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs) {
    mkdirSync(BUILD_DIR, { recursive: true });
    execFileSync('gcc', ['-O2', '-Wall', '-o', out, src], { stdio: 'inherit' });
  }
  return out;
}

/** How a table of `size` established sockets is split between holders. */
export function plan(size, { udp = 0, unix = 0 } = {}) {
  const holders = Math.max(4, Math.ceil(size / MAX_PER_HOLDER));
  const pairs = Math.round(size / 2);
  const out = [];
  for (let h = 0; h < holders; h++) {
    const share = (n) => Math.floor(n / holders) + (h < n % holders ? 1 : 0);
    out.push({ port: FIRST_PORT + h, pairs: share(pairs), udp: share(udp), unix: share(unix) });
  }
  return out;
}

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  if (r.status !== 0 && !opts.allowFail) {
    throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}: ${(r.stderr || '').trim()}`);
  }
  return r;
}

const live = new Set();
let hooked = false;

/** Calls `thing.destroySync()` on every way out (exit, exception, SIGINT/SIGTERM/SIGHUP) until untracked. */
export function trackLive(thing) {
  hookExit();
  live.add(thing);
}
export function untrackLive(thing) {
  live.delete(thing);
}

function hookExit() {
  if (hooked) return;
  hooked = true;
  // Clean up on every way out: normal exit, an exception, Ctrl-C, kill.
  process.on('exit', () => {
    for (const ns of live) ns.destroySync();
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      process.stderr.write(`\n${sig}: removing the benchmark namespace(s) and holders\n`);
      for (const ns of live) ns.destroySync();
      process.exit(128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 }[sig]));
    });
  }
}

export class Namespace {
  constructor(name = `fns-bench-${process.pid}`) {
    this.name = name;
    this.path = `/run/netns/${name}`;
    this.holders = [];
    this.created = false;
  }

  /** Creates the namespace: loopback up, wide ephemeral port range, deep accept queues. */
  create() {
    hookExit();
    if (existsSync(this.path)) throw new Error(`namespace ${this.name} already exists`);
    sh('ip', ['netns', 'add', this.name]);
    this.created = true;
    live.add(this);
    this.exec('ip', ['link', 'set', 'lo', 'up']);
    // Per-namespace knobs. (net.ipv4.tcp_max_orphans and fs.* are global, not
    // per namespace; the defaults here, 131072 orphans and nr_open 1048576, suffice.)
    this.exec('sysctl', ['-q', '-w',
      'net.ipv4.ip_local_port_range=1024 65535',
      'net.core.somaxconn=65535',
      'net.ipv4.tcp_max_syn_backlog=65535',
      'net.ipv4.tcp_syncookies=0',
      `net.ipv4.ip_local_reserved_ports=${FIRST_PORT}-${FIRST_PORT + 99}`,
    ]);
    return this;
  }

  /** Runs a command inside the namespace (synchronously), returning spawnSync's result. */
  exec(cmd, args, opts = {}) {
    return sh('ip', ['netns', 'exec', this.name, cmd, ...args], opts);
  }

  /** Starts the holders and waits until every socket is open. Returns a summary. */
  async populate(size, { udp = 0, unix = 0 } = {}) {
    const holder = cProgram('holder');
    const parts = plan(size, { udp, unix });
    const t0 = performance.now();
    const ready = parts.map((p) => new Promise((resolve, reject) => {
      // `ip netns exec` execs in place (no fork), so child.pid is the holder's pid.
      const child = spawn('ip', ['netns', 'exec', this.name, holder, String(p.port), String(p.pairs), String(p.udp), String(p.unix)], {
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      this.holders.push(child);
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        const m = /^ready (\d+) (\d+) (\d+) (\d+) (\d+)\n/.exec(out);
        if (m) resolve({ pid: +m[1], tcp: +m[2], listen: +m[3], udp: +m[4], unix: +m[5] });
      });
      child.on('exit', (code, signal) => reject(new Error(`holder on port ${p.port} exited (${code ?? signal}) before it was ready`)));
    }));
    const got = await Promise.all(ready);
    const seconds = (performance.now() - t0) / 1000;
    const sum = (k) => got.reduce((a, g) => a + g[k], 0);
    return {
      size,
      holders: got.length,
      pids: got.map((g) => g.pid),
      established: sum('tcp'),
      listeners: sum('listen'),
      udp: sum('udp'),
      unix: sum('unix'),
      ports: parts.map((p) => p.port),
      seconds,
    };
  }

  /** Counts sockets by state as the kernel sees them (ss), to check the table. */
  census() {
    const count = (filter) => {
      const text = this.exec('ss', ['-Htan', ...filter]).stdout;
      let n = 0;
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
      return n;
    };
    return { established: count(['state', 'established']), listening: count(['state', 'listening']), all: count([]) };
  }

  /**
   * A port exactly one client has (the kernel reuses a client port towards another listener), so
   * `dport = :PORT` selects one socket: the accepted end of that connection.
   */
  clientPort() {
    const uses = new Map();
    for (const line of this.exec('ss', ['-Htn', 'state', 'established']).stdout.split('\n')) {
      const m = /:(\d+)\s+\S+:(\d+)\s*$/.exec(line.trim());
      if (!m) continue;
      const [local, remote] = [Number(m[1]), Number(m[2])];
      if (remote >= FIRST_PORT && remote < FIRST_PORT + 100) uses.set(local, (uses.get(local) ?? 0) + 1);
    }
    const port = [...uses].find(([, n]) => n === 1)?.[0];
    if (!port) throw new Error('no client port is used by one connection only');
    return port;
  }

  /** Stops the holders (ours: by the pids we started) and deletes the namespace. */
  destroySync() {
    for (const child of this.holders) {
      if (child.exitCode === null && child.signalCode === null) {
        try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
      }
    }
    this.holders = [];
    if (this.created) {
      // Anything still inside is ours: the namespace was made by this run.
      const pids = spawnSync('ip', ['netns', 'pids', this.name], { encoding: 'utf8' }).stdout || '';
      for (const pid of pids.split(/\s+/).filter(Boolean)) {
        try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ }
      }
      spawnSync('ip', ['netns', 'del', this.name]);
      this.created = false;
    }
    live.delete(this);
  }

  async destroy() {
    const waits = this.holders.map((c) => new Promise((r) => {
      if (c.exitCode !== null || c.signalCode !== null) return r();
      c.once('exit', r);
      c.stdin.end(); // a holder exits when its stdin closes, resetting its sockets
    }));
    await Promise.race([Promise.all(waits), new Promise((r) => setTimeout(r, 5000))]);
    this.destroySync();
  }
}

/** Machine facts for the report. */
export function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? 'unknown';
  const mem = /^MemTotal:\s*(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1];
  const version = (cmd, args) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    return ((r.stdout || '') + (r.stderr || '')).split('\n').find(Boolean)?.trim() ?? 'unknown';
  };
  return {
    nproc: Number(execFileSync('nproc', { encoding: 'utf8' }).trim()),
    kernel: execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim(),
    cpu: model,
    memGiB: mem ? Math.round(Number(mem) / 1048576) : null,
    node: process.version,
    ss: version('ss', ['-V']),
    netstat: version('netstat', ['-V']),
    python: version('/usr/bin/python3', ['--version']),
    loadavg: readFileSync('/proc/loadavg', 'utf8').trim(),
  };
}
