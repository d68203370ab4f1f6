/**
 * The kill suites' network namespace: made by `ip netns add` under a name of the suite's own,
 * with loopback up and tests/kill/peer.py holding connections in it (see there); removed with
 * its processes by `remove()`, which the suites call from afterAll (so even when a test fails).
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { followLines, type LineState, nextLine } from '../support/line-child.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = path.join(REPO, 'packages', 'cli', 'bin', 'fastnetstat.cjs');
export const PEER = path.join(REPO, 'tests', 'kill', 'peer.py');
export const ENV = { ...process.env, LC_ALL: 'C', LANG: 'C', NODE_EXTRA_CA_CERTS: '' };
export const isRoot = process.geteuid?.() === 0;
/** setpriv's arguments that run a command as nobody, without groups or capabilities. */
export const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all'];

export interface TestNamespace {
  name: string;
  /** nsenter's arguments that enter it (the command then runs as nsenter's own process). */
  enter: string[];
  /** Runs a command inside the namespace. */
  run(command: string, args: string[]): SpawnSyncReturns<string>;
  /** The peer's lines so far. */
  peer: LineState;
  /** Sends a command line to the peer (`reset PORT`, `close PORT`) and waits for its `done`. */
  tell(line: string): Promise<void>;
  /** Waits (up to `ms`) until the peer said a line `matching` does; returns the lines that do. */
  peerSaid(matching: (line: string) => boolean, count: number, ms?: number): Promise<string[]>;
  /** The sockets `ss -tanH` lists in the namespace for a filter expression (its lines). */
  ss(expression: string[]): string[];
  remove(): void;
}

/** Makes the namespace and starts the peer with `ports` (see peer.py for `w:PORT`). */
export async function makeNamespace(suite: string, ports: string[]): Promise<TestNamespace> {
  const name = `fns-${suite}-${process.pid}`;
  const made = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`ip netns add ${name}: ${made.stderr}`);
  // nsenter without --fork execs the command: the child is the command itself (a signal reaches it)
  const enter = [`--net=/run/netns/${name}`];
  let child: ChildProcessWithoutNullStreams | undefined;
  const remove = () => {
    child?.kill('SIGKILL');
    spawnSync('ip', ['netns', 'del', name]);
  };
  try {
    const run = (command: string, args: string[]) => spawnSync('nsenter', [...enter, command, ...args], { env: ENV, encoding: 'utf8', timeout: 60_000 });
    run('ip', ['link', 'set', 'lo', 'up']);
    child = spawn('nsenter', [...enter, 'python3', '-u', PEER, ...ports], { env: ENV, stdio: ['pipe', 'pipe', 'pipe'] });
    const peer: LineState = { lines: [], waiters: [], stderr: '' };
    followLines(peer, child);
    const peerSaid = async (matching: (line: string) => boolean, count: number, ms = 10_000) => {
      const until = Date.now() + ms;
      while (peer.lines.filter(matching).length < count && Date.now() < until && child!.exitCode === null) await nextLine(peer);
      return peer.lines.filter(matching);
    };
    if ((await peerSaid((l) => l === 'ready', 1)).length === 0) throw new Error(`the peer did not start: ${peer.stderr}`);
    const peerChild = child;
    return {
      name,
      enter,
      run,
      peer,
      async tell(line: string) {
        const before = peer.lines.length;
        peerChild.stdin.write(`${line}\n`);
        const done = `done ${line}`;
        while (!peer.lines.slice(before).includes(done) && peerChild.exitCode === null) await nextLine(peer);
      },
      peerSaid,
      ss: (expression) => run('ss', ['-tanH', ...expression]).stdout.split('\n').filter(Boolean),
      remove,
    };
  } catch (error) {
    remove();
    throw error;
  }
}
