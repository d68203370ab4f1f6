/**
 * A network namespace for the route, interface and group tests
 * (fixtures/modes/setup-ns.sh builds it: documentation addresses only,
 * IPv6 kept quiet, multicast joins held by a process), and the means to run
 * the real netstat and fastnetstat side by side, in it or on a captured
 * /proc tree (netstat sees the tree through a private bind mount over /proc;
 * fastnetstat through --proc-root).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../../..');
export const CLI = join(ROOT, 'node_modules/.bin/fastnetstat');
const SETUP = join(ROOT, 'fixtures/modes/setup-ns.sh');
const ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' };

/** Why the namespace tests cannot run here, or null. */
export function unavailable(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (ip netns, mount)';
  if (!existsSync('/usr/bin/netstat') && !existsSync('/bin/netstat')) return 'net-tools netstat is not installed';
  try {
    execFileSync('ip', ['netns', 'list'], { env: ENV, stdio: 'pipe' });
    execFileSync('unshare', ['--help'], { env: ENV, stdio: 'pipe' });
  } catch {
    return 'ip netns or unshare is missing';
  }
  return null;
}

export function setupNamespace(tag: string): string {
  const ns = `fns-rt-${process.pid}-${tag}`;
  try {
    execFileSync('bash', [SETUP, 'setup', ns], { env: ENV, stdio: 'pipe', timeout: 60_000 });
  } catch (error) {
    teardownNamespace(ns);
    throw error;
  }
  return ns;
}

export function teardownNamespace(ns: string | undefined): void {
  if (!ns) return;
  try {
    execFileSync('bash', [SETUP, 'teardown', ns], { env: ENV, stdio: 'pipe', timeout: 30_000 });
  } catch {
    // best effort: nothing else to do
  }
}

export interface Run {
  stdout: string;
  stderr: string;
  status: number | null;
}

/**
 * Runs a command (latin1 text out: bytes kept). `stopAfterMs` sends SIGINT
 * then (for -c); the status is then irrelevant.
 */
export function run(argv: string[], opts: { stopAfterMs?: number } = {}): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(argv[0]!, argv.slice(1), { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill(opts.stopAfterMs ? 'SIGINT' : 'SIGKILL'), opts.stopAfterMs ?? 30_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ stdout: Buffer.concat(out).toString('latin1'), stderr: Buffer.concat(err).toString('latin1'), status: code });
    });
  });
}

/** argv running `tool` inside namespace `ns` (tool: 'netstat' or 'fastnetstat'). */
export function inNs(ns: string, tool: 'netstat' | 'fastnetstat', args: string[]): string[] {
  return ['ip', 'netns', 'exec', ns, tool === 'netstat' ? 'netstat' : CLI, ...args];
}

/**
 * argv running `tool` on the /proc tree `dir` (optionally inside `ns`, for
 * the ioctls): netstat through a bind mount over /proc in a private mount
 * namespace, fastnetstat with --proc-root.
 */
export function onTree(dir: string, tool: 'netstat' | 'fastnetstat', args: string[], ns?: string): string[] {
  const prefix = ns ? ['ip', 'netns', 'exec', ns] : [];
  if (tool === 'fastnetstat') return [...prefix, CLI, '--proc-root', dir, ...args];
  const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return [...prefix, 'unshare', '-m', 'sh', '-c', `mount --bind '${dir}' /proc && exec netstat ${quoted}`];
}

/** The first `n` rounds of -c output, split where `marker` (a line) starts a round. */
export function rounds(text: string, marker: string, n: number): string[] {
  const parts = text.split(marker);
  // parts[0] is what precedes the first marker (e.g. the -i title); the last round may be cut.
  return parts.slice(1, 1 + n).map((p, i) => (i === 0 ? parts[0] : '') + marker + p);
}

/** Equal runs, or a readable account of the first difference. */
export function sameRun(a: Run, b: Run): string | null {
  const problems: string[] = [];
  if (a.status !== b.status) problems.push(`status: netstat ${a.status}, fastnetstat ${b.status}`);
  for (const key of ['stdout', 'stderr'] as const) {
    if (a[key] === b[key]) continue;
    const al = a[key].split('\n');
    const bl = b[key].split('\n');
    const i = al.findIndex((l, k) => l !== bl[k]);
    const at = i < 0 ? al.length : i;
    problems.push(`${key} differs at line ${at + 1}:\n- ${JSON.stringify(al[at])}\n+ ${JSON.stringify(bl[at])}`);
  }
  return problems.length ? problems.join('\n') : null;
}
