// A container host's socket table for the benchmark: COUNT network namespaces,
// each held by one process (no bind mount: the process alone keeps it alive)
// that sits in its own container-shaped cgroup2 directory and holds PER_NS
// established loopback TCP sockets (both ends, PER_NS / 2 pairs) and one
// listener, made by c/holder.c. Needs root.
//
// The cgroups go below <cgroup2>/fns-bench-ct-<pid>/, where <cgroup2> is the
// cgroup2 mount found in /proc/self/mountinfo (/sys/fs/cgroup/unified on a
// hybrid host); their shapes cycle through Docker's and the Kubelet's (both
// cgroup drivers, containerd and CRI-O). Clean-up on every way out (exit,
// exception, SIGINT/SIGTERM/SIGHUP, through lib/netns.mjs's trackLive):
// holders killed by pid, cgroups removed deepest first; at start, what a run
// whose pid is dead left behind is removed.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { cProgram, FIRST_PORT, trackLive, untrackLive } from './netns.mjs';

const PREFIX = 'fns-bench-ct-';

/** The cgroup2 mount point, from mountinfo. */
export function cgroup2Mount() {
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [pre, post] = line.split(' - ');
    if (post?.split(' ')[0] === 'cgroup2') return pre.split(' ')[4].replace(/\\([0-7]{3})/g, (_m, o) => String.fromCharCode(parseInt(o, 8)));
  }
  return null;
}

const hex = (s) => createHash('sha256').update(s).digest('hex');
const uid = (s) => {
  const h = hex(`uid/${s}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** The i-th container's cgroup, relative to the test root: five real-world shapes in turn. */
export function containerCgroup(tag, i) {
  const id = hex(`${tag}/${i}`);
  const u = uid(`${tag}/${i}`);
  switch (i % 5) {
    case 0: return `system.slice/docker-${id}.scope`;
    case 1: return `docker/${id}`;
    case 2: return `kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${u.replace(/-/g, '_')}.slice/cri-containerd-${id}.scope`;
    case 3: return `kubepods/besteffort/pod${u}/${id}`;
    default: return `kubepods.slice/kubepods-pod${u.replace(/-/g, '_')}.slice/crio-${id}.scope`;
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

function dirsDeepestFirst(dir) {
  const out = [];
  const walk = (d) => {
    let entries = [];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) if (e.isDirectory()) walk(join(d, e.name));
    out.push(d);
  };
  walk(dir);
  return out;
}

/** Kills what runs in the cgroup tree at `dir` (ours) and removes it, deepest first. */
function removeTree(dir) {
  for (let attempt = 0; attempt < 100 && existsSync(dir); attempt++) {
    const dirs = dirsDeepestFirst(dir);
    for (const d of dirs) {
      try {
        for (const p of readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n')) {
          if (p) try { process.kill(Number(p), 'SIGKILL'); } catch { /* gone */ }
        }
      } catch { /* gone */ }
    }
    for (const d of dirs) try { rmdirSync(d); } catch { /* busy: next round */ }
    if (existsSync(dir)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
}

/** Removes the cgroup trees of earlier runs whose pid is dead. */
export function cleanupStale(mount = cgroup2Mount()) {
  if (!mount) return;
  for (const e of readdirSync(mount)) {
    const m = new RegExp(`^${PREFIX}(\\d+)$`).exec(e);
    if (m && !alive(Number(m[1]))) removeTree(join(mount, e));
  }
}

export class ContainerFleet {
  constructor({ count = 96, perNs = 500 } = {}) {
    this.count = count;
    this.perNs = perNs;
    this.tag = `${PREFIX}${process.pid}`;
    this.mount = cgroup2Mount();
    if (!this.mount) throw new Error('no cgroup2 hierarchy is mounted');
    this.root = join(this.mount, this.tag);
    this.children = [];
    this.pids = [];
  }

  /** Starts the holders, each in its cgroup before its first socket, in its own new namespace. */
  async create() {
    cleanupStale(this.mount);
    mkdirSync(this.root);
    trackLive(this);
    const holder = cProgram('holder');
    const t0 = performance.now();
    const start = (i) => {
      const dir = join(this.root, containerCgroup(this.tag, i));
      mkdirSync(dir, { recursive: true });
      // sh puts itself into the cgroup, then execs unshare, which execs sh, which execs the holder:
      // one pid throughout, in its cgroup before the namespace and the sockets exist.
      const script = 'echo $$ > "$1/cgroup.procs" && exec unshare --net sh -c \'ip link set lo up && exec "$0" "$1" "$2"\' "$2" "$3" "$4"';
      const child = spawn('sh', ['-c', script, 'sh', dir, holder, String(FIRST_PORT), String(this.perNs / 2)], { stdio: ['pipe', 'pipe', 'inherit'] });
      this.children.push(child);
      return new Promise((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          const m = /^ready (\d+) (\d+)/.exec(out);
          if (m) resolve({ pid: Number(m[1]), tcp: Number(m[2]), cgroup: dir.slice(this.mount.length) });
        });
        child.on('exit', (code, signal) => reject(new Error(`container holder ${i} exited (${code ?? signal}) before it was ready`)));
      });
    };
    const got = [];
    for (let i = 0; i < this.count; i += 16) {
      const batch = [];
      for (let j = i; j < Math.min(this.count, i + 16); j++) batch.push(start(j));
      got.push(...(await Promise.all(batch)));
    }
    this.pids = got.map((g) => g.pid);
    const inodes = new Set(this.pids.map((p) => readlinkIno(`/proc/${p}/ns/net`)));
    if (inodes.size !== this.count) throw new Error(`${inodes.size} distinct namespaces for ${this.count} holders`);
    return {
      namespaces: this.count,
      established: got.reduce((a, g) => a + g.tcp, 0),
      listeners: this.count,
      shapes: [0, 1, 2, 3, 4].map((i) => containerCgroup('TAG', i).replace(/[0-9a-f]{64}/, 'ID').replace(/[0-9a-f]{8}([-_][0-9a-f]{4}){3}[-_][0-9a-f]{12}/, 'UID')),
      seconds: (performance.now() - t0) / 1000,
    };
  }

  /** The shell loop an operator runs today: ss -tan in every container's namespace. */
  ssLoop() {
    return ['sh', '-c', `for p in ${this.pids.join(' ')}; do nsenter --net=/proc/$p/ns/net ss -tan; done`];
  }

  destroySync() {
    for (const c of this.children) {
      if (c.exitCode === null && c.signalCode === null) try { process.kill(c.pid, 'SIGKILL'); } catch { /* gone */ }
    }
    this.children = [];
    removeTree(this.root);
    untrackLive(this);
  }

  async destroy() {
    const waits = this.children.map((c) => new Promise((r) => {
      if (c.exitCode !== null || c.signalCode !== null) return r();
      c.once('exit', r);
      c.stdin.end(); // the holder resets its sockets and exits
    }));
    await Promise.race([Promise.all(waits), new Promise((r) => setTimeout(r, 5000))]);
    this.destroySync();
  }
}

function readlinkIno(p) {
  try {
    return Number(/\[(\d+)\]/.exec(readlinkSync(p))?.[1]);
  } catch {
    return NaN;
  }
}
