/**
 * A container host in miniature, built for real on this machine (root only): network namespaces
 * of every kind, processes in cgroup2 directories shaped exactly like Docker's and the Kubelet's
 * (both cgroup drivers), real sockets, and a fake host root holding the runtimes' state files.
 *
 * Tag `fns-ct-<pid>` (the pid of the test process). What it makes:
 *
 * | key      | namespace                                                 | processes (argv[0], cgroup below <cgroup2>/<tag>)                         |
 * |----------|-----------------------------------------------------------|----------------------------------------------------------------------------|
 * | web      | bind mount <tmp>/run/docker/netns/<id12> + its process    | nginx: system.slice/docker-<W>.scope (Docker, systemd driver)              |
 * | db       | anonymous (only its process holds it)                     | postgres: docker/<D> (Docker, cgroupfs driver)                             |
 * | frontend | /run/netns/<tag>-cni-<uuid> (ip netns add, CNI style)     | /pause, nginx, envoy: kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<U1_>.slice/cri-containerd-<ID>.scope (containerd, systemd driver; one pod, one namespace) |
 * | batch    | anonymous                                                 | /pause, worker: kubepods/besteffort/pod<U2>/<ID> (containerd, cgroupfs driver) |
 * | cache    | anonymous                                                 | /pause, redis-server: kubepods.slice/kubepods-pod<U3_>.slice/crio-<ID>.scope (CRI-O, Guaranteed pod: no QOS level) |
 * | plain    | /run/netns/<tag>-plain                                    | fns-ct-plain (root): system.slice/fns-ct-plain.service; fns-ct-nobody (uid 65534): user.slice/user-65534.slice/session-c1.scope |
 * | idle     | /run/netns/<tag>-idle, no process                         | (its sockets were made there by fns-ct-plain through setns)                |
 * | stopped  | bind mount <tmp>/run/docker/netns/<id12>, no process      | (same)                                                                     |
 * | (host)   | the test's own namespace                                  | docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port P -container-ip 198.51.100.2 -container-port 80: system.slice/docker.service |
 *
 * Every holder is placed in its cgroup before it creates a socket (ct-holder.py waits for "go").
 * Addresses: loopback and documentation ranges only (192.0.2.0/24, 198.51.100.0/24,
 * 203.0.113.0/24, 2001:db8::/32), on an ifb interface `eth0` (this kernel has no dummy driver).
 *
 * The host root (<tmp>/hostroot) holds: Docker's config.v2.json for web (current shape:
 * NetworkSettings.Networks only) and db (older shape: also the top-level IPAddress); containerd's
 * CRI config.json (OCI spec with io.kubernetes.cri.* annotations) for the frontend pod; CRI-O's
 * userdata/config.json for the cache pod; for the batch pod NO runtime file for the pause
 * container and a malformed one for worker, so its pod is known from /var/log/pods only;
 * /var/log/pods/<ns>_<name>_<uid>/<container>/ for every pod.
 *
 * Clean-up (destroy(), and a process 'exit' hook): holders killed by pid, bind mounts unmounted,
 * named namespaces deleted, cgroups removed deepest first, the tmp directory removed. At
 * create(), what an earlier run whose pid is dead left behind is removed the same way.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { followLines, nextLine } from '../support/line-child.js';
import { fileURLToPath } from 'node:url';
import { pidAlive, quietIpv6, RUN_ENV, sh, sleep, untilStable } from '../oracle/zoo.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const HOLDER_PY = path.join(HERE, 'ct-holder.py');
const PROXY_C = path.join(HERE, 'docker-proxy.c');
const PYTHON = '/usr/bin/python3';
export const TAG_PREFIX = 'fns-ct-';
export const SETPRIV = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'];

export type Runtime = 'docker' | 'containerd' | 'cri-o';
export interface ContainerLabel {
  runtime: Runtime;
  id: string;
  /** The name the runtime's state files give; null where they give none (on purpose). */
  name: string | null;
  /** A pod's sandbox (pause) container: its name is not part of the contract. */
  sandbox?: boolean;
}
export interface PodLabel {
  uid: string;
  namespace: string;
  name: string;
}

export interface HolderInfo {
  key: string;
  argv0: string;
  user: 'root' | 'nobody';
  pid: number;
  /** The cgroup path as /proc/PID/cgroup's 0:: line shows it (relative to the cgroup2 mount). */
  cgroup: string;
  container: ContainerLabel | null;
  pod: PodLabel | null;
  netns: string;
  /** Inodes of every socket this process holds (read from /proc/PID/fd once settled). */
  inodes: Set<number>;
}

export interface NetnsInfo {
  key: string;
  inode: number;
  /** A file that enters it: its bind mount, or /proc/PID/ns/net of its first process. */
  path: string;
  /** Its name under /run/netns, if it has one. */
  name: string | null;
  /** The bind mount, if any (under /run/netns or elsewhere). */
  mount: string | null;
  pod: PodLabel | null;
  /** Containers of the processes inside (a pod's pause container included). */
  containers: ContainerLabel[];
  holders: HolderInfo[];
  /** Inodes of every socket in its tables (tcp, tcp6, udp, udp6, unix), whoever holds it. */
  sockets: Set<number>;
}

export interface Proxy {
  pid: number;
  hostPort: number;
  cgroup: string;
  container: ContainerLabel;
  inodes: Set<number>;
}

// ------------------------------------------------------------------------------------ helpers

/** The cgroup2 mount point, from mountinfo (field 5 is the mount point, fstype after " - "). */
export function cgroup2Mount(mountinfo = fs.readFileSync('/proc/self/mountinfo', 'utf8')): string | null {
  for (const line of mountinfo.split('\n')) {
    const [pre, post] = line.split(' - ');
    if (post?.split(' ')[0] === 'cgroup2') return unescapeMount(pre.split(' ')[4]);
  }
  return null;
}

const unescapeMount = (s: string) => s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));

/** nsfs mount points (any namespace type) whose path starts with `prefix`, deepest first. */
function nsfsMountsUnder(prefix: string): string[] {
  const out: string[] = [];
  for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [pre, post] = line.split(' - ');
    if (!post) continue;
    const mp = unescapeMount(pre.split(' ')[4]);
    if (mp.startsWith(prefix)) out.push(mp);
  }
  return out.sort((a, b) => b.length - a.length);
}

/** 64 hex digits, different for every run (the tag) and every key. */
const hex64 = (tag: string, key: string) => createHash('sha256').update(`${tag}/${key}`).digest('hex');
/** A pod uid (a UUID's shape). */
function uuid(tag: string, key: string): string {
  const h = hex64(tag, `uid/${key}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function killPid(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone */
  }
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Every cgroup directory below `dir` (itself included), deepest first. */
function cgroupDirs(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) if (e.isDirectory()) walk(path.join(d, e.name));
    out.push(d);
  };
  walk(dir);
  return out;
}

/** Kills every process in the cgroup tree at `dir` (all ours: the tree is ours) and removes it. */
function removeCgroupTree(dir: string): void {
  if (!fs.existsSync(dir)) return;
  for (let attempt = 0; attempt < 50; attempt++) {
    const dirs = cgroupDirs(dir);
    for (const d of dirs) {
      try {
        for (const p of fs.readFileSync(path.join(d, 'cgroup.procs'), 'utf8').split('\n')) if (p) killPid(Number(p));
      } catch {
        /* gone */
      }
    }
    let left = 0;
    for (const d of dirs) {
      try {
        fs.rmdirSync(d);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') left++;
      }
    }
    if (left === 0) return;
    sleepSync(20); // killed processes leave their cgroup as they exit
  }
}

/** Unmounts what is mounted below `dir` and removes it. */
function removeTmp(dir: string): void {
  for (const mp of nsfsMountsUnder(dir + '/')) sh('umount', ['-l', mp], { allowFail: true });
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Removes what an earlier run left behind when the pid in its tag is dead. */
export function cleanupStale(cgroup2 = cgroup2Mount()): string[] {
  const removed: string[] = [];
  const deadTag = (name: string) => {
    const m = /^fns-ct-(\d+)(?:-|$)/.exec(name);
    return m && !pidAlive(Number(m[1])) ? `${TAG_PREFIX}${m[1]}` : null;
  };
  for (const line of sh('ip', ['netns', 'list'], { allowFail: true }).split('\n')) {
    const name = line.split(' ')[0];
    if (!name || !deadTag(name)) continue;
    for (const p of sh('ip', ['netns', 'pids', name], { allowFail: true }).split(/\s+/)) if (p) killPid(Number(p));
    sh('ip', ['netns', 'del', name], { allowFail: true });
    removed.push(`/run/netns/${name}`);
  }
  if (cgroup2) {
    for (const e of fs.readdirSync(cgroup2)) {
      if (deadTag(e)) {
        removeCgroupTree(path.join(cgroup2, e));
        removed.push(path.join(cgroup2, e));
      }
    }
  }
  for (const e of fs.readdirSync('/tmp')) {
    if (deadTag(e)) {
      removeTmp(path.join('/tmp', e));
      removed.push(path.join('/tmp', e));
    }
  }
  return removed;
}

/** Why the miniature host cannot be built here, or null. */
export function unavailableReason(): string | null {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'not root (the test builds namespaces and cgroups)';
  for (const [cmd, args] of [
    ['ip', ['netns', 'list']],
    ['nsenter', ['--version']],
    ['unshare', ['--version']],
    ['setpriv', ['--version']],
    ['gcc', ['--version']],
    [PYTHON, ['--version']],
    ['netstat', ['--version']],
  ] as const) {
    try {
      sh(cmd, [...args]);
    } catch {
      return `${cmd} is unavailable`;
    }
  }
  const cg = cgroup2Mount();
  if (!cg) return 'no cgroup2 hierarchy is mounted';
  try {
    fs.accessSync(path.join(cg, 'cgroup.procs'), fs.constants.W_OK);
  } catch {
    return `cannot write to ${cg}`;
  }
  return null;
}

// ------------------------------------------------------------------------------------ holders

interface Running {
  info: HolderInfo | null;
  child: ChildProcessWithoutNullStreams;
  lines: string[];
  waiters: Array<() => void>;
  stderr: string;
}

type Op = Record<string, unknown> & { op: string };

interface NsDef {
  key: string;
  kind: 'named' | 'mounted' | 'anonymous';
  /** ifb eth0 addresses (v4 /24, v6 /64) */
  addrs: string[];
}

interface HolderDef {
  key: string;
  netns: string;
  argv0: string;
  user?: 'root' | 'nobody';
  cgroup: string;
  container: ContainerLabel | null;
  pod: PodLabel | null;
  sockets: Op[];
}

export class MiniHost {
  readonly tag: string;
  readonly tmp: string;
  readonly hostRoot: string;
  readonly cgroup2: string;
  /** <cgroup2>/<tag>: every test cgroup is below it. */
  readonly cgroupRoot: string;
  readonly netns: NetnsInfo[] = [];
  proxy!: Proxy;
  private running: Running[] = [];
  private namedNs: string[] = [];
  private exitHook = () => this.destroySync();

  private constructor(cgroup2: string) {
    this.tag = `${TAG_PREFIX}${process.pid}`;
    this.tmp = path.join('/tmp', this.tag);
    this.hostRoot = path.join(this.tmp, 'hostroot');
    this.cgroup2 = cgroup2;
    this.cgroupRoot = path.join(cgroup2, this.tag);
  }

  ns(key: string): NetnsInfo {
    const n = this.netns.find((x) => x.key === key);
    if (!n) throw new Error(`no namespace ${key}`);
    return n;
  }

  holder(key: string): HolderInfo {
    for (const n of this.netns) for (const h of n.holders) if (h.key === key) return h;
    throw new Error(`no holder ${key}`);
  }

  get holders(): HolderInfo[] {
    return this.netns.flatMap((n) => n.holders);
  }

  /** The holder (or the proxy, as `proxy`) that holds the socket with this inode. */
  ownerOfInode(inode: number): HolderInfo | 'proxy' | null {
    if (this.proxy?.inodes.has(inode)) return 'proxy';
    return this.holders.find((h) => h.inodes.has(inode)) ?? null;
  }

  static async create(): Promise<MiniHost> {
    const reason = unavailableReason();
    if (reason) throw new Error(reason);
    const cg = cgroup2Mount()!;
    cleanupStale(cg);
    const host = new MiniHost(cg);
    host.destroySync(); // ours from an earlier create in this same process, if any
    process.once('exit', host.exitHook);
    try {
      await host.build();
    } catch (e) {
      await host.destroy();
      throw e;
    }
    return host;
  }

  // ---------------------------------------------------------------------------------- the cast

  private async build(): Promise<void> {
    const T = this.tag;
    fs.mkdirSync(path.join(this.tmp, 'run', 'docker', 'netns'), { recursive: true });
    fs.mkdirSync(path.join(this.tmp, 'staging'), { recursive: true });
    fs.mkdirSync(path.join(this.tmp, 'sock'), { recursive: true, mode: 0o755 });
    fs.mkdirSync(this.cgroupRoot);

    const W = hex64(T, 'web');
    const D = hex64(T, 'db');
    const [S1, C1, C2] = ['frontend-pause', 'frontend-nginx', 'frontend-sidecar'].map((k) => hex64(T, k));
    const [S2, C3] = ['batch-pause', 'batch-worker'].map((k) => hex64(T, k));
    const [S3, C4] = ['cache-pause', 'cache-redis'].map((k) => hex64(T, k));
    const [U1, U2, U3] = ['frontend', 'batch', 'cache'].map((k) => uuid(T, k));
    const STOPPED = hex64(T, 'stopped');
    const u_ = (u: string) => u.replace(/-/g, '_');
    const frontendPod = { uid: U1, namespace: 'shop', name: 'frontend' };
    const batchPod = { uid: U2, namespace: 'jobs', name: 'batch' };
    const cachePod = { uid: U3, namespace: 'data', name: 'cache' };
    const cri1 = `kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${u_(U1)}.slice`;
    const cri2 = `kubepods/besteffort/pod${U2}`;
    const crio = `kubepods.slice/kubepods-pod${u_(U3)}.slice`;
    const sock = (name: string) => path.join(this.tmp, 'sock', name);

    const nsDefs: NsDef[] = [
      { key: 'web', kind: 'mounted', addrs: ['198.51.100.2/24', '2001:db8:1::2/64'] },
      { key: 'db', kind: 'anonymous', addrs: ['198.51.100.3/24'] },
      { key: 'frontend', kind: 'named', addrs: ['203.0.113.10/24'] },
      { key: 'batch', kind: 'anonymous', addrs: ['203.0.113.20/24'] },
      { key: 'cache', kind: 'anonymous', addrs: ['203.0.113.30/24'] },
      { key: 'plain', kind: 'named', addrs: ['192.0.2.10/24'] },
      { key: 'idle', kind: 'named', addrs: [] },
      { key: 'stopped', kind: 'mounted', addrs: [] },
    ];
    const mountFile: Record<string, string> = {
      web: path.join(this.tmp, 'run', 'docker', 'netns', W.slice(0, 12)),
      stopped: path.join(this.tmp, 'run', 'docker', 'netns', STOPPED.slice(0, 12)),
    };
    const names: Record<string, string> = {
      frontend: `${T}-cni-${uuid(T, 'cni')}`,
      plain: `${T}-plain`,
      idle: `${T}-idle`,
    };
    for (const d of nsDefs) {
      let p: string;
      if (d.kind === 'named') {
        sh('ip', ['netns', 'add', names[d.key]]);
        this.namedNs.push(names[d.key]);
        p = `/run/netns/${names[d.key]}`;
      } else {
        p = d.kind === 'mounted' ? mountFile[d.key] : path.join(this.tmp, 'staging', d.key);
        fs.writeFileSync(p, '');
        sh('unshare', [`--net=${p}`, 'true']);
      }
      this.configure(p, d.addrs);
      this.netns.push({
        key: d.key,
        inode: fs.statSync(p).ino,
        path: p,
        name: d.kind === 'named' ? names[d.key] : null,
        mount: d.kind === 'anonymous' ? null : p,
        pod: null,
        containers: [],
        holders: [],
        sockets: new Set(),
      });
    }

    const docker = (id: string, name: string): ContainerLabel => ({ runtime: 'docker', id, name });
    const ctr = (runtime: Runtime, id: string, name: string | null, sandbox = false): ContainerLabel =>
      sandbox ? { runtime, id, name, sandbox } : { runtime, id, name };
    const holders: HolderDef[] = [
      {
        key: 'web',
        netns: 'web',
        argv0: 'nginx',
        cgroup: `system.slice/docker-${W}.scope`,
        container: docker(W, 'web'),
        pod: null,
        sockets: [
          { op: 'listen', addr: '0.0.0.0', port: 80 },
          { op: 'listen', addr: '::', port: 80 },
          { op: 'connect', addr: '198.51.100.2', port: 80 },
          { op: 'connect', addr: '2001:db8:1::2', port: 80 },
          { op: 'udp', addr: '127.0.0.1', port: 5353, connect: ['127.0.0.1', 53] },
          { op: 'unix', path: sock('web.sock'), listen: true },
          { op: 'unix', connect: sock('web.sock') },
          { op: 'socketpair' },
        ],
      },
      {
        key: 'db',
        netns: 'db',
        argv0: 'postgres',
        cgroup: `docker/${D}`,
        container: docker(D, 'db'),
        pod: null,
        sockets: [
          { op: 'listen', addr: '0.0.0.0', port: 5432 },
          { op: 'connect', addr: '127.0.0.1', port: 5432 },
          { op: 'connect', addr: '198.51.100.3', port: 5432 },
          { op: 'udp', addr: '::1', port: 5433 },
          { op: 'unix', path: `@${T}-db`, listen: true },
          { op: 'unix', connect: `@${T}-db` },
        ],
      },
      {
        key: 'frontend-pause',
        netns: 'frontend',
        argv0: '/pause',
        cgroup: `${cri1}/cri-containerd-${S1}.scope`,
        container: ctr('containerd', S1, null, true),
        pod: frontendPod,
        sockets: [],
      },
      {
        key: 'frontend-nginx',
        netns: 'frontend',
        argv0: 'nginx',
        cgroup: `${cri1}/cri-containerd-${C1}.scope`,
        container: ctr('containerd', C1, 'nginx'),
        pod: frontendPod,
        sockets: [
          { op: 'listen', addr: '0.0.0.0', port: 8080 },
          { op: 'listen', addr: '::', port: 8080 },
        ],
      },
      {
        key: 'frontend-sidecar',
        netns: 'frontend',
        argv0: 'envoy',
        cgroup: `${cri1}/cri-containerd-${C2}.scope`,
        container: ctr('containerd', C2, 'sidecar'),
        pod: frontendPod,
        sockets: [
          { op: 'listen', addr: '127.0.0.1', port: 15000 },
          { op: 'connect', addr: '127.0.0.1', port: 8080 },
          { op: 'connect', addr: '::1', port: 8080 },
          { op: 'connect', addr: '203.0.113.10', port: 8080 },
          { op: 'udp', addr: '203.0.113.10', port: 15053 },
          { op: 'unix', path: sock('envoy admin.sock'), listen: true },
        ],
      },
      {
        key: 'batch-pause',
        netns: 'batch',
        argv0: '/pause',
        cgroup: `${cri2}/${S2}`,
        container: ctr('containerd', S2, null, true),
        pod: batchPod,
        sockets: [],
      },
      {
        key: 'batch-worker',
        netns: 'batch',
        argv0: 'worker',
        cgroup: `${cri2}/${C3}`,
        container: ctr('containerd', C3, null), // its config.json is malformed
        pod: batchPod,
        sockets: [
          { op: 'listen', addr: '127.0.0.1', port: 9000 },
          { op: 'connect', addr: '127.0.0.1', port: 9000 },
          { op: 'udp', addr: '0.0.0.0', port: 9001 },
        ],
      },
      {
        key: 'cache-pause',
        netns: 'cache',
        argv0: '/pause',
        cgroup: `${crio}/crio-${S3}.scope`,
        container: ctr('cri-o', S3, null, true),
        pod: cachePod,
        sockets: [],
      },
      {
        key: 'cache-redis',
        netns: 'cache',
        argv0: 'redis-server',
        cgroup: `${crio}/crio-${C4}.scope`,
        container: ctr('cri-o', C4, 'redis'),
        pod: cachePod,
        sockets: [
          { op: 'listen', addr: '0.0.0.0', port: 6379 },
          { op: 'listen', addr: '::1', port: 6379 },
          { op: 'connect', addr: '203.0.113.30', port: 6379 },
          { op: 'unix', path: sock('redis.sock'), listen: true },
          { op: 'unix', connect: sock('redis.sock') },
        ],
      },
      {
        key: 'plain',
        netns: 'plain',
        argv0: 'fns-ct-plain',
        cgroup: 'system.slice/fns-ct-plain.service',
        container: null,
        pod: null,
        sockets: [
          { op: 'listen', addr: '192.0.2.10', port: 7000 },
          { op: 'connect', addr: '192.0.2.10', port: 7000 },
          { op: 'setns', path: `/run/netns/${names.idle}`, sockets: [{ op: 'listen', addr: '0.0.0.0', port: 7100 }] },
          {
            op: 'setns',
            path: mountFile.stopped,
            sockets: [
              { op: 'udp', addr: '0.0.0.0', port: 7200 },
              { op: 'listen', addr: '127.0.0.1', port: 7201 },
            ],
          },
        ],
      },
      {
        key: 'plain-nobody',
        netns: 'plain',
        argv0: 'fns-ct-nobody',
        user: 'nobody',
        cgroup: 'user.slice/user-65534.slice/session-c1.scope',
        container: null,
        pod: null,
        sockets: [
          { op: 'listen', addr: '0.0.0.0', port: 7300 },
          { op: 'connect', addr: '127.0.0.1', port: 7300 },
          { op: 'unix', path: `@${T}-nobody`, listen: true },
        ],
      },
    ];
    for (const d of holders) await this.startHolder(d);
    await this.startProxy(W);

    // Anonymous namespaces: only their processes hold them from now on.
    for (const n of this.netns) {
      if (n.mount === null) {
        sh('umount', [n.path]);
        fs.rmSync(n.path);
        n.path = `/proc/${n.holders[0].pid}/ns/net`;
        if (fs.statSync(n.path).ino !== n.inode) throw new Error(`${n.key}: the holder is not in its namespace`);
      }
      const pods = new Set(n.holders.map((h) => h.pod).filter((p) => p !== null));
      n.pod = pods.size === 1 ? [...pods][0] : null;
      n.containers = n.holders.map((h) => h.container).filter((c) => c !== null);
    }

    this.writeHostRoot({ W, D, S1, C1, C2, C3, S3, C4, STOPPED, frontendPod, batchPod, cachePod });
    await this.settle();
  }

  /** lo up; an ifb `eth0` with `addrs` (no DAD, no autoconf, no link-local: nothing changes later). */
  private configure(nsPath: string, addrs: string[]): void {
    const inNs = (...argv: string[]) => sh('nsenter', [`--net=${nsPath}`, ...argv]);
    inNs('sysctl', '-q', '-w', ...quietIpv6('all'), ...quietIpv6('default'));
    inNs('ip', 'link', 'set', 'lo', 'up');
    if (addrs.length === 0) return;
    inNs('ip', 'link', 'add', 'eth0', 'type', 'ifb');
    inNs('ip', 'link', 'set', 'eth0', 'up');
    for (const a of addrs) inNs('ip', ...(a.includes(':') ? ['-6', 'addr', 'add', a, 'dev', 'eth0', 'nodad'] : ['addr', 'add', a, 'dev', 'eth0']));
  }

  private mkCgroup(rel: string): string {
    const dir = path.join(this.cgroupRoot, rel);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  private track(child: ChildProcessWithoutNullStreams): Running {
    const r: Running = { info: null, child, lines: [], waiters: [], stderr: '' };
    followLines(r, child);
    this.running.push(r);
    return r;
  }

  /** The next line from `r` starting with `prefix` (lines before it are dropped). */
  private async expectLine(r: Running, prefix: string, what: string, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (r.lines.length) {
        const l = r.lines.shift()!;
        if (l.startsWith(prefix)) return l;
        if (l.startsWith('ERROR')) throw new Error(`${what}: ${l}`);
      }
      if (r.child.exitCode !== null || r.child.signalCode !== null) {
        throw new Error(`${what} exited (${r.child.exitCode ?? r.child.signalCode}): ${r.stderr}`);
      }
      if (Date.now() > deadline) throw new Error(`${what}: no ${prefix} within ${timeoutMs} ms: ${r.stderr}`);
      await nextLine(r);
    }
  }

  /** Starts `argv` as `argv0`, puts it into cgroup `rel`, lets it make its sockets. */
  private async startInCgroup(argv: string[], argv0: string, rel: string, what: string): Promise<Running> {
    const [pre, bin, ...args] = splitAt(argv);
    const child = spawn(pre[0], [...pre.slice(1), '/bin/bash', '-c', 'bin=$1; shift; exec -a "$0" "$bin" "$@"', argv0, bin, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: RUN_ENV,
    });
    const r = this.track(child);
    const pid = Number((await this.expectLine(r, 'PID ', what)).slice(4));
    fs.writeFileSync(path.join(this.mkCgroup(rel), 'cgroup.procs'), `${pid}\n`);
    const line = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => l.startsWith('0::'));
    if (line !== `0::/${this.tag}/${rel}`) throw new Error(`${what}: not in its cgroup (${line})`);
    child.stdin.write('go\n');
    await this.expectLine(r, 'READY', what);
    (r as Running & { pid: number }).pid = pid;
    return r;
  }

  private async startHolder(d: HolderDef): Promise<void> {
    const n = this.ns(d.netns);
    const user = d.user ?? 'root';
    const script = path.join(this.tmp, 'bin', 'ct-holder.py'); // readable by nobody, wherever the checkout is
    if (!fs.existsSync(script)) {
      fs.mkdirSync(path.dirname(script), { recursive: true, mode: 0o755 });
      fs.copyFileSync(HOLDER_PY, script);
      fs.chmodSync(script, 0o644);
    }
    const argv = ['nsenter', `--net=${n.path}`, ...(user === 'nobody' ? SETPRIV : []), '--', PYTHON, script, JSON.stringify({ sockets: d.sockets })];
    const r = await this.startInCgroup(argv, d.argv0, d.cgroup, `holder ${d.key}`);
    const pid = (r as Running & { pid: number }).pid;
    const info: HolderInfo = {
      key: d.key,
      argv0: d.argv0,
      user,
      pid,
      cgroup: `/${this.tag}/${d.cgroup}`,
      container: d.container,
      pod: d.pod,
      netns: d.netns,
      inodes: new Set(),
    };
    r.info = info;
    n.holders.push(info);
  }

  private async startProxy(webId: string): Promise<void> {
    const bin = path.join(this.tmp, 'bin', 'docker-proxy');
    fs.mkdirSync(path.dirname(bin), { recursive: true });
    sh('gcc', ['-O2', '-Wall', '-o', bin, PROXY_C]);
    const rel = 'system.slice/docker.service';
    for (let attempt = 0; ; attempt++) {
      const hostPort = 20000 + Math.floor(Math.random() * 20000);
      const argv = ['env', '--', bin, '-proto', 'tcp', '-host-ip', '0.0.0.0', '-host-port', String(hostPort), '-container-ip', '198.51.100.2', '-container-port', '80'];
      try {
        const r = await this.startInCgroup(argv, '/usr/bin/docker-proxy', rel, 'docker-proxy');
        this.proxy = {
          pid: (r as Running & { pid: number }).pid,
          hostPort,
          cgroup: `/${this.tag}/${rel}`,
          container: { runtime: 'docker', id: webId, name: 'web' },
          inodes: new Set(),
        };
        return;
      } catch (e) {
        if (attempt >= 5) throw e; // the port was taken: try another
      }
    }
  }

  private writeHostRoot(x: {
    W: string;
    D: string;
    S1: string;
    C1: string;
    C2: string;
    C3: string;
    S3: string;
    C4: string;
    STOPPED: string;
    frontendPod: PodLabel;
    batchPod: PodLabel;
    cachePod: PodLabel;
  }): void {
    const root = this.hostRoot;
    const put = (rel: string, content: string) => {
      const f = path.join(root, rel);
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, content);
    };
    const json = (o: unknown) => JSON.stringify(o);
    const created = '2026-12-05T07:00:00.000000000Z';
    const dockerConfig = (id: string, name: string, pid: number, ip: string, ip6: string, legacy: boolean) => ({
      StreamConfig: {},
      State: { Running: true, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: pid, ExitCode: 0, StartedAt: created },
      ID: id,
      Created: created,
      Path: '/docker-entrypoint.sh',
      Args: [name],
      Config: { Hostname: id.slice(0, 12), Image: name, Labels: {} },
      Image: `sha256:${hex64(id, 'image')}`,
      NetworkSettings: {
        Bridge: '',
        SandboxID: hex64(id, 'sandbox'),
        SandboxKey: `/var/run/docker/netns/${id.slice(0, 12)}`,
        Ports: { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: String(this.proxy.hostPort) }] },
        ...(legacy ? { IPAddress: ip, IPPrefixLen: 24, Gateway: '198.51.100.1', MacAddress: '02:42:c6:33:64:03' } : {}),
        Networks: {
          bridge: {
            IPAMConfig: null,
            Links: null,
            Aliases: null,
            NetworkID: hex64(id, 'network'),
            EndpointID: hex64(id, 'endpoint'),
            Gateway: '198.51.100.1',
            IPAddress: ip,
            IPPrefixLen: 24,
            IPv6Gateway: ip6 ? '2001:db8:1::1' : '',
            GlobalIPv6Address: ip6,
            GlobalIPv6PrefixLen: ip6 ? 64 : 0,
            MacAddress: '02:42:c6:33:64:02',
          },
        },
      },
      LogPath: `/var/lib/docker/containers/${id}/${id}-json.log`,
      Name: `/${name}`,
      Driver: 'overlay2',
      RestartCount: 0,
    });
    put(`var/lib/docker/containers/${x.W}/config.v2.json`, json(dockerConfig(x.W, 'web', this.holder('web').pid, '198.51.100.2', '2001:db8:1::2', false)));
    put(`var/lib/docker/containers/${x.D}/config.v2.json`, json(dockerConfig(x.D, 'db', this.holder('db').pid, '198.51.100.3', '', true)));

    const cri = (id: string, pod: PodLabel, sandboxId: string, container: string | null) => ({
      ociVersion: '1.1.0',
      process: { user: { uid: 0, gid: 0 }, args: [container ?? '/pause'], cwd: '/' },
      root: { path: 'rootfs' },
      hostname: pod.name,
      annotations: {
        'io.kubernetes.cri.container-type': container ? 'container' : 'sandbox',
        ...(container ? { 'io.kubernetes.cri.container-name': container, 'io.kubernetes.cri.image-name': `docker.io/library/${container}:latest` } : {}),
        'io.kubernetes.cri.sandbox-id': sandboxId,
        'io.kubernetes.cri.sandbox-name': pod.name,
        'io.kubernetes.cri.sandbox-namespace': pod.namespace,
        'io.kubernetes.cri.sandbox-uid': pod.uid,
        ...(container ? {} : { 'io.kubernetes.cri.sandbox-log-directory': `/var/log/pods/${pod.namespace}_${pod.name}_${pod.uid}` }),
      },
      linux: { cgroupsPath: `kubepods-burstable-pod${pod.uid.replace(/-/g, '_')}.slice:cri-containerd:${id}` },
    });
    const task = (id: string) => `run/containerd/io.containerd.runtime.v2.task/k8s.io/${id}/config.json`;
    put(task(x.S1), json(cri(x.S1, x.frontendPod, x.S1, null)));
    put(task(x.C1), json(cri(x.C1, x.frontendPod, x.S1, 'nginx')));
    put(task(x.C2), json(cri(x.C2, x.frontendPod, x.S1, 'sidecar')));
    // batch: no file for the pause container, a cut-off one for worker
    put(task(x.C3), '{"ociVersion":"1.1.0","annotations":{"io.kubernetes.cri.container-type":"contai');

    const crioCfg = (id: string, pod: PodLabel, sandboxId: string, container: string | null) => ({
      ociVersion: '1.0.2-dev',
      process: { args: [container ?? '/pause'] },
      annotations: {
        'io.kubernetes.cri-o.ContainerID': id,
        'io.kubernetes.cri-o.ContainerType': container ? 'container' : 'sandbox',
        'io.kubernetes.cri-o.SandboxID': sandboxId,
        ...(container ? { 'io.kubernetes.container.name': container } : { 'io.kubernetes.container.name': 'POD' }),
        'io.kubernetes.pod.name': pod.name,
        'io.kubernetes.pod.namespace': pod.namespace,
        'io.kubernetes.pod.uid': pod.uid,
      },
    });
    const crioFile = (id: string) => `run/containers/storage/overlay-containers/${id}/userdata/config.json`;
    put(crioFile(x.S3), json(crioCfg(x.S3, x.cachePod, x.S3, null)));
    put(crioFile(x.C4), json(crioCfg(x.C4, x.cachePod, x.S3, 'redis')));

    const logs = (pod: PodLabel, containers: string[]) => {
      for (const c of containers) {
        put(`var/log/pods/${pod.namespace}_${pod.name}_${pod.uid}/${c}/0.log`, '');
      }
    };
    logs(x.frontendPod, ['nginx', 'sidecar']);
    logs(x.batchPod, ['worker']);
    logs(x.cachePod, ['redis']);
  }

  // ---------------------------------------------------------------------------------- state

  /** Everything the tables show of every namespace (timers apart). */
  private snapshot(): string {
    const parts: string[] = [];
    for (const n of this.netns) {
      const text = sh('nsenter', [`--net=${n.path}`, 'cat', '/proc/net/tcp', '/proc/net/tcp6', '/proc/net/udp', '/proc/net/udp6', '/proc/net/unix']);
      // tcp: drop tr:tm->when (column 6) and retrnsmt; keep everything else
      parts.push(n.key, text.replace(/^(\s*\d+: \S+ \S+ \S+ \S+) \S+ \S+/gm, '$1'));
    }
    return parts.join('\n');
  }

  /** Waits until the tables stop changing, then records which process holds which socket. */
  async settle(timeoutMs = 20_000): Promise<void> {
    await untilStable(() => this.snapshot(), 3, 150, timeoutMs, 'the miniature host does not settle: its tables keep changing');
    for (const h of this.holders) h.inodes = socketInodes(h.pid);
    for (const n of this.netns) n.sockets = tableInodes(n.path, ['tcp', 'tcp6', 'udp', 'udp6', 'unix'], () => true);
    this.proxy.inodes = socketInodes(this.proxy.pid);
  }

  /** Sends a line to a holder and waits for the answer starting with `prefix`. */
  async command(holderKey: string, line: string, prefix: string): Promise<string> {
    const r = this.running.find((x) => x.info?.key === holderKey);
    if (!r) throw new Error(`no holder ${holderKey}`);
    r.child.stdin.write(line + '\n');
    return this.expectLine(r, prefix, `holder ${holderKey}`);
  }

  // ---------------------------------------------------------------------------------- clean-up

  async destroy(): Promise<void> {
    for (const r of this.running) {
      if (r.child.exitCode === null && r.child.signalCode === null) r.child.stdin.end();
    }
    const deadline = Date.now() + 3000;
    while (this.running.some((r) => r.child.exitCode === null && r.child.signalCode === null) && Date.now() < deadline) {
      await sleep(50);
    }
    this.destroySync();
  }

  destroySync(): void {
    for (const r of this.running) {
      if (r.child.exitCode === null && r.child.signalCode === null) killPid(r.child.pid);
    }
    for (const name of this.namedNs) sh('ip', ['netns', 'del', name], { allowFail: true });
    this.namedNs = [];
    removeCgroupTree(this.cgroupRoot);
    removeTmp(this.tmp);
    process.removeListener('exit', this.exitHook);
  }
}

/** argv = [...prefix up to and including "--" or the first absolute program, program, args]. */
function splitAt(argv: string[]): [string[], string, ...string[]] {
  const i = argv.indexOf('--');
  if (i < 0) throw new Error('argv needs a -- before the program');
  return [argv.slice(0, i), argv[i + 1], ...argv.slice(i + 2)];
}

/** The socket inodes among a process's open files. */
export function socketInodes(pid: number): Set<number> {
  const out = new Set<number>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) out.add(Number(m[1]));
    } catch {
      /* closed meanwhile */
    }
  }
  return out;
}

/**
 * Inodes of the sockets in the tables `files` (tcp, tcp6, udp, udp6, unix) of the namespace at
 * `nsPath` that `keep` accepts (given the table, its state, and for unix its flags).
 */
export function tableInodes(nsPath: string, files: string[], keep: (file: string, state: number, flags: number) => boolean): Set<number> {
  const out = new Set<number>();
  for (const f of files) {
    const text = sh('nsenter', [`--net=${nsPath}`, 'cat', `/proc/net/${f}`]);
    for (const line of text.split('\n').slice(1)) {
      const c = line.trim().split(/\s+/);
      if (c.length < 7) continue;
      const ino = Number(f === 'unix' ? c[6] : c[9]);
      const ok = f === 'unix' ? keep(f, parseInt(c[5], 16), parseInt(c[3], 16)) : keep(f, parseInt(c[3], 16), 0);
      if (ok && ino) out.add(ino);
    }
  }
  return out;
}
