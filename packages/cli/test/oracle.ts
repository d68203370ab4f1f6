/**
 * Helpers shared by the CLI tests: run fastnetstat and the real net-tools
 * netstat with the same arguments and capture stdout, stderr and the exit
 * status as byte strings (latin1: one char per byte, so comparisons are
 * byte for byte).
 *
 * netstat has no --proc-root. To make it read a fixture, it runs in a private
 * mount namespace where the fixture directory is bind-mounted over /proc
 * (`/proc/net` is a symlink to `self/net`, so a fixture `DIR/net/tcp` becomes
 * `/proc/net/tcp`). That needs root and unshare(1); the tests that need it
 * skip when it is not available.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const CLI = join(REPO, 'node_modules/.bin/fastnetstat');
export const NETSTAT = '/usr/bin/netstat';
export const LIVE = join(REPO, 'fixtures/proc/live');
export const CRAFTED = join(REPO, 'fixtures/cli');

export interface Result {
  stdout: string;
  stderr: string;
  status: number | null;
}

/** The C locale: netstat is built with I18N, so messages follow the locale. */
const ENV = { ...process.env, LC_ALL: 'C', LANG: 'C', LANGUAGE: '' };

export function run(command: string, args: readonly string[], argv0?: string): Result {
  const r = spawnSync(command, args, { cwd: REPO, env: ENV, timeout: 20_000, maxBuffer: 64 << 20, argv0 });
  if (r.error) throw r.error;
  return { stdout: r.stdout.toString('latin1'), stderr: r.stderr.toString('latin1'), status: r.status };
}

/** fastnetstat with exactly these arguments (reads the live /proc). */
export function cli(args: readonly string[]): Result {
  return run(CLI, args);
}

/** The real netstat with exactly these arguments (reads the live /proc); argv[0] is `netstat`, as from a shell. */
export function netstat(args: readonly string[]): Result {
  return run(NETSTAT, args, 'netstat');
}

/** fastnetstat reading `procDir` instead of /proc. */
export function cliOn(procDir: string, args: readonly string[]): Result {
  return run(CLI, ['--proc-root', procDir, ...args]);
}

/** The real netstat with `procDir` bind-mounted over /proc in a private mount namespace. */
export function netstatOn(procDir: string, args: readonly string[]): Result {
  return run('unshare', ['-m', '--propagation', 'private', 'sh', '-c', `mount --bind "$0" /proc && PATH=${dirname(NETSTAT)} exec netstat "$@"`, procDir, ...args]);
}

export const hasNetstat = existsSync(NETSTAT);

function probeMount(): boolean {
  if (!hasNetstat || process.getuid?.() !== 0) return false;
  try {
    // the live fixture's tcp table has a row netstat can only have read from the fixture
    const r = netstatOn(LIVE, ['-tn']);
    return r.status === 0 && r.stdout.includes('127.0.0.1:56794         127.0.0.1:47003');
  } catch {
    return false;
  }
}

/** Whether netstat can be pointed at a fixture (root, unshare, bind mounts over procfs). */
export const canMountProc = probeMount();

/** Splits arguments written as one string ("-tan -W" -> ["-tan", "-W"]). */
export function argv(text: string): string[] {
  return text.split(' ').filter((a) => a !== '');
}
