/**
 * --all-netns and --netns against the real netstat run inside each namespace (as root; skipped
 * otherwise): a named namespace (ip netns add) and an anonymous one only a process holds
 * (unshare), each with a python holder of a tcp listener, an established tcp pair, a udp socket
 * and a unix listener. Each block of `fastnetstat --all-netns ARGS` must equal
 * `nsenter --net=PATH netstat ARGS` byte for byte; `--netns SPEC ARGS` must equal it in stdout,
 * stderr and status. Everything is removed afterwards, even when a test fails.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageInstall, type StagedInstall } from '../support/staged-install.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(REPO, 'packages', 'cli', 'bin', 'fastnetstat.cjs');
const isRoot = process.geteuid?.() === 0;
const ENV = { ...process.env, LC_ALL: 'C', LANG: 'C', NODE_EXTRA_CA_CERTS: '' };

const HOLDER = `
import socket, sys, time
port = int(sys.argv[1])
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); l.bind(('127.0.0.1', port)); l.listen()
c = socket.create_connection(('127.0.0.1', port)); s, _ = l.accept()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(('127.0.0.1', port + 1))
x = socket.socket(socket.AF_UNIX); x.bind('\\0fns-nt-%d' % port); x.listen()
print('ready', flush=True)
time.sleep(600)
`;

interface Run {
  stdout: string;
  stderr: string;
  status: number | null;
}

/** Runs a command; --all-netns lists every namespace of the machine, which other suites may fill: a long timeout. */
function run(cmd: string, args: string[]): Run {
  const r = spawnSync(cmd, args, { env: ENV, encoding: 'latin1', timeout: 120_000, maxBuffer: 1 << 28 });
  if (r.error) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const fastnetstat = (args: string[]) => run(process.execPath, [CLI, ...args]);

/** Starts a holder under `prefix` (a command that puts it in a namespace) and waits until it listens. */
async function holder(prefix: string[], port: number): Promise<ChildProcess> {
  const child = spawn(prefix[0]!, [...prefix.slice(1), 'sh', '-c', 'ip link set lo up; exec python3 -c "$0" "$1"', HOLDER, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => (String(d).startsWith('ready') ? resolve() : reject(new Error(String(d)))));
    child.once('exit', (code) => reject(new Error(`holder exited (${code})`)));
  });
  return child;
}

/** The blocks of an --all-netns listing, by inode: each without its heading line. */
function blocks(stdout: string): Map<number, { heading: string; body: string }> {
  const out = new Map<number, { heading: string; body: string }>();
  for (const part of stdout.split(/\n(?=Network namespace net:\[)/)) {
    const newline = part.indexOf('\n');
    const heading = part.slice(0, newline);
    const inode = Number(/^Network namespace net:\[(\d+)\]/.exec(heading)?.[1]);
    // the empty line between blocks belongs to neither
    out.set(inode, { heading, body: part.slice(newline + 1).replace(/\n\n$/, '\n') });
  }
  return out;
}

describe.skipIf(!isRoot)('network namespaces against netstat inside them', () => {
  const name = `fns-nt-${process.pid}`;
  const holders: ChildProcess[] = [];
  let named = { path: '', inode: 0 };
  let anonymous = { path: '', inode: 0, pid: 0 };

  beforeAll(async () => {
    execFileSync('ip', ['netns', 'add', name]);
    holders.push(await holder(['ip', 'netns', 'exec', name], 7101));
    const anon = await holder(['unshare', '--net'], 7201);
    holders.push(anon);
    named = { path: `/run/netns/${name}`, inode: statSync(`/run/netns/${name}`).ino };
    // unshare execs sh, which execs python: the holder's pid is the child's
    anonymous = { path: `/proc/${anon.pid}/ns/net`, inode: statSync(`/proc/${anon.pid}/ns/net`).ino, pid: anon.pid! };
  });

  afterAll(() => {
    for (const h of holders) h.kill('SIGKILL');
    spawnSync('ip', ['netns', 'del', name]);
  });

  const MATRIX = [['-tan'], ['-tuan'], ['-tlnp'], ['-xa'], ['-tanpe'], ['-uanW'], ['-tano'], ['-at'], ['-lnee']];

  it.each(MATRIX)('--all-netns %s: each block is netstat inside that namespace', (...args) => {
    const all = fastnetstat(['--all-netns', ...args]);
    expect(all.status).toBe(0);
    expect(all.stdout.startsWith('Network namespace net:[')).toBe(true);
    const found = blocks(all.stdout);
    const inodes = [...found.keys()];
    // the own namespace first, the others by inode
    expect(inodes[0]).toBe(statSync('/proc/self/ns/net').ino);
    expect(inodes.slice(1)).toEqual([...inodes.slice(1)].sort((a, b) => a - b));
    for (const ns of [named, anonymous]) {
      const block = found.get(ns.inode);
      expect(block, `a block for net:[${ns.inode}]`).toBeDefined();
      const inside = run('nsenter', [`--net=${ns.path}`, 'netstat', ...args]);
      expect(block!.body).toBe(inside.stdout);
    }
    expect(found.get(named.inode)!.heading).toBe(`Network namespace net:[${named.inode}] name ${name}`);
  });

  it.each([['-tan'], ['-tulpn'], ['-xl'], ['-tanoe']])('--netns SPEC %s is netstat inside it (stdout, stderr, status)', (...args) => {
    for (const [spec, nsPath] of [
      [name, named.path],
      [`pid:${anonymous.pid}`, anonymous.path],
      [anonymous.path, anonymous.path],
    ] as const) {
      const ours = fastnetstat(['--netns', spec, ...args]);
      const theirs = run('nsenter', [`--net=${nsPath}`, 'netstat', ...args]);
      expect({ spec, ...ours }).toEqual({ spec, ...theirs });
    }
  });

  it('a bad --netns: one line naming it and the reason, status 1, nothing on stdout', () => {
    for (const [spec, reason] of [
      ['fns-no-such-ns', 'no such network namespace in /run/netns'],
      ['pid:x', 'not a process id'],
      ['/etc/hostname', 'not a namespace file'],
      ['/proc/self/ns/uts', 'not a network namespace'],
      ['/nonexistent/ns', 'no such file'],
    ]) {
      const r = fastnetstat(['--netns', spec!, '-tan']);
      expect(r).toEqual({ stdout: '', stderr: `fastnetstat: --netns ${spec}: ${reason}\n`, status: 1 });
    }
  });

  it('--all-netns --json: a namespaces entry each, rows labelled with their namespace', () => {
    const r = fastnetstat(['--all-netns', '-tuanp', '--json']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      inet: Array<{ localPort: number; state: string; netns: { inode: number } }>;
      namespaces: Array<{ netns: { inode: number; name: string | null }; access: string; inet: Array<{ localPort: number; pid: number | null }> }>;
    };
    const entry = (inode: number) => doc.namespaces.find((n) => n.netns.inode === inode)!;
    expect(entry(named.inode).netns.name).toBe(name);
    expect(entry(named.inode).access).toBe('entered');
    // the listener, its accepted end, the client's end (an ephemeral port) and the udp socket
    const ports = entry(anonymous.inode).inet.map((s) => s.localPort);
    expect(ports.filter((p) => p === 7201 || p === 7202).sort()).toEqual([7201, 7201, 7202]);
    expect(ports).toHaveLength(4);
    // owners from the one walk: the holder
    const listener = entry(anonymous.inode).inet.find((s) => s.localPort === 7201 && s.pid !== null);
    expect(listener?.pid).toBe(anonymous.pid);
    const top = doc.inet.filter((s) => s.localPort === 7101 && s.state === 'LISTEN');
    expect(top.map((s) => s.netns.inode)).toEqual([named.inode]);
  });
});

/** The notice said once when some namespaces could not be read. */
const NOTICE = '(Not all network namespaces could be read, non-owned namespace info\n will not be shown, you would have to be root to see it all.)\n';

/** setpriv's arguments that make the command nobody's. */
const NOBODY = ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '--inh-caps=-all'];

describe.skipIf(!isRoot)('network namespaces as an unprivileged user (nobody)', () => {
  const name = `fns-nu-${process.pid}`;
  const holders: ChildProcess[] = [];
  let stage: StagedInstall;
  let rootHolder = 0;
  let ownHolder = 0;
  const asNobody = (args: string[]) => run('setpriv', [...NOBODY, process.execPath, stage.cli, ...args]);

  beforeAll(async () => {
    stage = stageInstall('fns-netns-');
    execFileSync('ip', ['netns', 'add', name]);
    const root = await holder(['ip', 'netns', 'exec', name], 7301);
    holders.push(root);
    rootHolder = root.pid!;
    // nobody's own namespace (in its own user namespace): nobody cannot enter it, but can read its process's tables
    const own = await holder(['setpriv', ...NOBODY, 'unshare', '-rn'], 7401);
    holders.push(own);
    // setpriv, unshare and sh exec in place: the child is the holder
    ownHolder = own.pid!;
  });

  afterAll(() => {
    for (const h of holders) h.kill('SIGKILL');
    spawnSync('ip', ['netns', 'del', name]);
    stage?.remove();
  });

  it('--all-netns: what it can read, and the notice once', () => {
    const r = asNobody(['--all-netns', '-tln']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(NOTICE);
    const found = blocks(r.stdout);
    // root's namespace cannot be told from here; nobody's own is read through its process
    expect(r.stdout).not.toContain(':7301 ');
    const ownNs = [...found.values()].find((b) => b.body.includes('127.0.0.1:7401'));
    expect(ownNs).toBeDefined();
    const inode = statSync(`/proc/${ownHolder}/ns/net`).ino;
    expect(ownNs!.body).toBe(run('nsenter', [`--net=/proc/${ownHolder}/ns/net`, 'netstat', '-tln']).stdout);
    expect(found.has(inode)).toBe(true);
  });

  it('--netns pid:PID of a root process: its tables through /proc/PID/net', () => {
    const r = asNobody(['--netns', `pid:${rootHolder}`, '-tln']);
    expect(r).toEqual(run('nsenter', [`--net=/proc/${rootHolder}/ns/net`, 'netstat', '-tln']));
  });

  it('--netns NAME that cannot be entered: one line, status 1', () => {
    const r = asNobody(['--netns', name, '-tln']);
    expect(r.stdout).toBe('');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^fastnetstat: --netns ${name}: permission denied .*\n$`));
  });

  it('--all-netns --json: the unreadable namespaces and hidden processes', () => {
    const r = asNobody(['--all-netns', '-tln', '--json']);
    const doc = JSON.parse(r.stdout) as { unreadable: { namespaces: Array<{ inode: number; name: string | null }>; hiddenProcesses: number } };
    expect(doc.unreadable.namespaces).toContainEqual({ inode: statSync(`/run/netns/${name}`).ino, name });
    expect(doc.unreadable.hiddenProcesses).toBeGreaterThan(0);
  });
});
