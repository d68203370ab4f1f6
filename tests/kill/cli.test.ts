/**
 * `--kill` and `--events` in a network namespace of the suite's own (root; skipped otherwise),
 * against the kernel and ss: tests/kill/peer.py holds three connections to each of four ports
 * (both ends), reads the client ends of 7301 and 7302 and says how each read ended.
 *
 * --kill: exactly the selected connections are gone (ss), the others stay, the peer's reads get
 * ECONNRESET; refused without an expression and with -x (status 3, nothing closed); as nobody,
 * EPERM for each (status 1, nothing closed); --json validates. --events: a reset shows up as a
 * row within a second, SIGINT and SIGTERM end it by the signal after whole lines, --json lines
 * validate, and nobody may follow (no privilege needed on this kernel).
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonSchemaValidator } from '../../packages/cli/test/schema.js';
import { stageInstall, type StagedInstall } from '../support/staged-install.js';
import { followLines, type LineState, nextLine } from '../support/line-child.js';
import { CLI, ENV, isRoot, makeNamespace, NOBODY, type TestNamespace } from './namespace.js';

/** netstat's row of a tcp socket: the ports of its two ends and its state. */
const ROW = /^tcp +\d+ +\d+ 127\.0\.0\.1:(\d+) +127\.0\.0\.1:(\d+) +(\S+) *$/;
/** An --events row: the time, then netstat's row. */
const EVENT_ROW = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) (tcp6?|udp6?) .*$/;

describe.skipIf(!isRoot)('--kill and --events in a namespace of their own', () => {
  let ns: TestNamespace;
  let staged: StagedInstall;
  /** Every --events run, killed at the end if a failed test left it running. */
  const started: ChildProcessWithoutNullStreams[] = [];
  const fastnetstat = (args: string[]) => ns.run(process.execPath, [CLI, ...args]);
  /** The established sockets with `port` at either end, as ss lists them. */
  const established = (port: number) => ns.ss(['state', 'established', `( sport = :${port} or dport = :${port} )`]);

  beforeAll(async () => {
    staged = stageInstall('fns-kill-');
    ns = await makeNamespace('kill', ['w:7301', 'w:7302', '7303', '7304']);
  });

  afterAll(() => {
    for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    ns?.remove();
    staged?.remove();
  });

  it('starts with three connections (six sockets) on each port', () => {
    for (const port of [7301, 7302, 7303, 7304]) expect(established(port)).toHaveLength(6);
  });

  it('refuses to run without an expression: one line, status 3, nothing closed', () => {
    const r = fastnetstat(['-tn', '--kill']);
    expect(r.status).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^fastnetstat: --kill needs a filter expression[^\n]*\n$/);
    for (const port of [7301, 7302, 7303, 7304]) expect(established(port)).toHaveLength(6);
  });

  it('refuses state clauses alone (they would close every socket in those states): status 3, nothing closed', () => {
    for (const words of [['state', 'established'], ['exclude', 'listening']]) {
      const r = fastnetstat(['-tn', '--kill', ...words]);
      expect(r.status).toBe(3);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^fastnetstat: --kill needs a filter expression[^\n]*state clauses alone[^\n]*\n$/);
    }
    for (const port of [7301, 7302, 7303, 7304]) expect(established(port)).toHaveLength(6);
  });

  it('refuses unix sockets (-x): status 3, nothing closed', () => {
    const r = fastnetstat(['-x', '--kill', 'sport = :7301']);
    expect(r.status).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^fastnetstat: unix sockets cannot be closed[^\n]*\n$/);
    expect(established(7301)).toHaveLength(6);
  });

  it('as nobody: EPERM for each selected socket, naming CAP_NET_ADMIN; status 1; nothing closed', () => {
    const r = ns.run(NOBODY[0]!, [...NOBODY.slice(1), process.execPath, staged.cli, '-tn', '--kill', 'sport = :7302']);
    expect(r.status).toBe(1);
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line).toMatch(/^fastnetstat: cannot close tcp 127\.0\.0\.1:7302 -> 127\.0\.0\.1:\d+ \(ESTABLISHED\): Operation not permitted \(closing a socket needs CAP_NET_ADMIN\)$/);
    }
    // the heading, and no row: nothing was closed
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(2);
    expect(established(7302)).toHaveLength(6);
  });

  it('closes exactly the selected connections: the others stay, the peers get a reset', async () => {
    const r = fastnetstat(['-tn', '--kill', 'sport = :7301']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const [title, heading, ...rows] = r.stdout.split('\n').filter(Boolean);
    expect(title).toBe('Active Internet connections (w/o servers)');
    expect(heading).toMatch(/^Proto Recv-Q Send-Q Local Address +Foreign Address +State/);
    // the server ends of 7301's connections (its listener is no connection: not selected by default)
    const closed = rows.map((row) => ROW.exec(row));
    expect(closed.every((m) => m !== null && m[1] === '7301' && m[3] === 'ESTABLISHED'), r.stdout).toBe(true);
    const peers = closed.map((m) => Number(m![2])).sort();
    expect(peers).toHaveLength(3);
    // gone: both ends (the client ends took the reset); the listener and the other ports stay
    expect(established(7301)).toEqual([]);
    expect(ns.ss(['state', 'listening', '( sport = :7301 )'])).toHaveLength(1);
    for (const port of [7302, 7303, 7304]) expect(established(port)).toHaveLength(6);
    // each client end's read ended in ECONNRESET; 7302's reads go on
    const resets = await ns.peerSaid((line) => line.startsWith('reset 7301 '), 3);
    expect(resets.map((line) => Number(line.split(' ')[2])).sort()).toEqual(peers);
    expect(resets.every((line) => line.endsWith(' ECONNRESET'))).toBe(true);
    expect(ns.peer.lines.filter((line) => / 7302 /.test(line))).toEqual([]);
  });

  it('--json: one document that validates, with the closed sockets', () => {
    const r = fastnetstat(['-tn', '--json', '--kill', 'dport = :7304']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    const doc = JSON.parse(lines[0]!) as { kind: string; filter: string; closed: Array<{ remotePort: number }>; failed: unknown[] };
    const validate = jsonSchemaValidator();
    if (!validate(doc)) expect.fail(`schema: ${JSON.stringify(validate.errors).slice(0, 2000)}`);
    expect(doc.kind).toBe('kill');
    expect(doc.filter).toBe('dport = :7304');
    expect(doc.closed.map((s) => s.remotePort)).toEqual([7304, 7304, 7304]);
    expect(doc.failed).toEqual([]);
    expect(established(7304)).toEqual([]);
  });

  /** Starts `fastnetstat --events ARGS` in the namespace (as `prefix`, e.g. nobody) and waits for its first lines. */
  async function events(args: string[], prefix: string[] = [], cli = CLI): Promise<{ child: ChildProcessWithoutNullStreams; out: LineState }> {
    const child = spawn('nsenter', [...ns.enter, ...prefix, process.execPath, cli, '--events', ...args], { env: ENV });
    started.push(child);
    const out: LineState = { lines: [], waiters: [], stderr: '' };
    followLines(out, child);
    // subscribed before the heading is written; --json has no heading: give it a moment
    const until = Date.now() + 10_000;
    if (args.includes('--json')) await new Promise((done) => setTimeout(done, 500));
    else while (out.lines.length < 2 && Date.now() < until && child.exitCode === null) await nextLine(out);
    return { child, out };
  }

  /** Sends `signal` and waits for the end: [exit code, signal]. */
  async function stop(child: ChildProcessWithoutNullStreams, signal: NodeJS.Signals): Promise<[number | null, string | null]> {
    const ended = new Promise<[number | null, string | null]>((done) => child.once('exit', (code, by) => done([code, by])));
    child.kill(signal);
    return ended;
  }

  /** Waits up to `ms` for a line `matching`; returns it and when it came. */
  async function lineMatching(out: LineState, matching: RegExp, ms: number): Promise<string | undefined> {
    const until = Date.now() + ms;
    for (;;) {
      const found = out.lines.find((line) => matching.test(line));
      if (found || Date.now() >= until) return found;
      await nextLine(out, Math.max(1, until - Date.now()));
    }
  }

  it('--events: a close shows up within a second; SIGINT ends it by the signal after whole lines', async () => {
    const { child, out } = await events(['-tn']);
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
    expect(out.lines.slice(0, 2)).toEqual([
      'Closed Internet connections (as the kernel reports them)',
      expect.stringMatching(/^Time {21}Proto Recv-Q Send-Q Local Address +Foreign Address +State/),
    ]);
    await ns.tell('close 7303');
    const row = await lineMatching(out, /:7303 /, 1000);
    expect(row, out.lines.join('\n')).toBeDefined();
    expect(row).toMatch(EVENT_ROW);
    expect(Math.abs(Date.parse(EVENT_ROW.exec(row!)![1]!) - Date.now())).toBeLessThan(60_000);
    expect(row).toMatch(/ CLOSE *$/);
    const [code, signal] = await stop(child, 'SIGINT');
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGINT' });
    expect(stdout.endsWith('\n')).toBe(true);
    for (const line of out.lines.slice(2)) expect(line).toMatch(EVENT_ROW);
    expect(out.stderr).toBe('');
  });

  it('--events --json: one object a line that validates; SIGTERM ends it the same way', async () => {
    const { child, out } = await events(['-tn', '--json', 'sport = :7303 or dport = :7303']);
    // a reset by the socket's own side: the kernel reports it with its remote port cleared
    await ns.tell('reset-server 7303');
    const line = await lineMatching(out, /"kind":"close"/, 1000);
    expect(line, out.stderr).toBeDefined();
    const [code, signal] = await stop(child, 'SIGTERM');
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
    const validate = jsonSchemaValidator();
    expect(out.lines.length).toBeGreaterThan(0);
    for (const text of out.lines) {
      const doc = JSON.parse(text) as { kind: string; socket: { state: string; localPort: number } };
      if (!validate(doc)) expect.fail(`schema: ${JSON.stringify(validate.errors).slice(0, 2000)}`);
      expect(doc.kind).toBe('close');
      expect(doc.socket.state).toBe('CLOSE');
      expect(doc.socket.localPort).toBe(7303);
    }
  });

  it('--events as nobody: no privilege needed to follow the own namespace', async () => {
    const { child, out } = await events(['-tn'], NOBODY, staged.cli);
    expect(out.lines[0]).toBe('Closed Internet connections (as the kernel reports them)');
    await ns.tell('close 7303');
    expect(await lineMatching(out, /:7303 /, 1000), out.stderr).toBeDefined();
    const [, signal] = await stop(child, 'SIGINT');
    expect(signal).toBe('SIGINT');
  });

  it('--netns NAME --kill from outside: a thread enters the namespace and closes there', async () => {
    const r = spawnSync(process.execPath, [CLI, '--netns', ns.name, '-tnep', '--kill', 'sport = :7302'], { env: ENV, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // -e and -p as in a listing: the owner was read before the socket was closed
    const [, heading, ...rows] = r.stdout.split('\n').filter(Boolean);
    expect(heading).toMatch(/State +User +Inode +PID\/Program name +$/);
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row).toMatch(/^tcp +0 +0 127\.0\.0\.1:7302 +127\.0\.0\.1:\d+ +ESTABLISHED +0 +[1-9]\d* +\d+\/python3 *$/);
    expect(established(7302)).toEqual([]);
    expect(await ns.peerSaid((line) => line.startsWith('reset 7302 '), 3)).toHaveLength(3);
  });

  it('--netns NAME --events as nobody: one line naming the capability, status 1, nothing on stdout', () => {
    const r = spawnSync(NOBODY[0]!, [...NOBODY.slice(1), process.execPath, staged.cli, '--netns', ns.name, '--events', '-tn'], { env: ENV, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^fastnetstat: [^\n]*CAP_SYS_ADMIN[^\n]*\n$/);
  });

  it('--events without a tcp or udp table: one line, status 1', () => {
    const r = fastnetstat(['--events', '-w']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^fastnetstat: --events follows tcp and udp sockets[^\n]*\n$/);
  });
});
