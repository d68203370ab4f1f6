/**
 * --tcp-info and --memory against ss itself (iproute2's ss -i / ss -m), in a network namespace of
 * this test's own (`fns-details-<pid>`, loopback only, removed afterwards even when a test fails)
 * holding quiet connections (tests/details/holder.py): pairs that sent data the peer read (one per
 * congestion algorithm the kernel offers among reno, cubic, bbr, dctcp), a pair with unread data,
 * an idle pair, listeners and udp sockets. For the same socket (by inode, or by its endpoints):
 * our detail line equals ss's, field for field and in order (the times since the last send,
 * receive and ack grow between the two runs: those are compared within the time between them),
 * and the JSON and library values equal the fields parsed from ss's text. Root only (skipped
 * otherwise).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(REPO, 'packages', 'cli', 'bin', 'fastnetstat.cjs');
const HOLDER = path.join(REPO, 'tests', 'details', 'holder.py');
const isRoot = process.geteuid?.() === 0;
const ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C', NODE_EXTRA_CA_CERTS: '' };
const PREFIX = 'fns-details-';
const NS = `${PREFIX}${process.pid}`;
const PORT = 40000;

interface Run {
  stdout: string;
  stderr: string;
  status: number | null;
  /** When the command started and ended (ms). */
  start: number;
  end: number;
}

function run(cmd: string, args: string[]): Run {
  const start = Date.now();
  const r = spawnSync(cmd, args, { env: ENV, encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 26 });
  if (r.error) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, status: r.status, start, end: Date.now() };
}
const inNs = (cmd: string, args: string[]) => run('ip', ['netns', 'exec', NS, cmd, ...args]);
const ours = (args: string[]) => inNs(process.execPath, [CLI, ...args]);
const ss = (args: string[]) => inNs('ss', args);

/** Congestion algorithms to test: those the kernel offers among these (after trying to load the modules). */
function algorithms(): string[] {
  for (const module of ['tcp_bbr', 'tcp_dctcp']) spawnSync('modprobe', [module], { stdio: 'ignore' });
  const available = readFileSync('/proc/sys/net/ipv4/tcp_available_congestion_control', 'utf8').split(/\s+/);
  return ['reno', 'cubic', 'bbr', 'dctcp'].filter((a) => available.includes(a));
}

/** Namespaces a previous run of this suite left behind (its pid dead). */
function removeStale(): void {
  for (const line of spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    // only this suite's own names: the prefix and a pid
    if (!new RegExp(`^${PREFIX}\\d+$`).test(name)) continue;
    const pid = Number(name.slice(PREFIX.length));
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = true;
    } catch {
      // dead
    }
    if (!alive) spawnSync('ip', ['netns', 'del', name]);
  }
}

let holder: ChildProcess | undefined;
let used: string[] = [];

/** ss's text with its padding gone: `\n\t` detail lines are kept as lines starting with a tab. */
function lines(text: string): string[] {
  return text.split('\n').map((l) => l.trimEnd());
}

/** A detail line as tokens `name` / `name:value` / `name=value` (ss's `send 1bps` and the two rates made one token). */
function tokens(detail: string): string[] {
  return detail
    .trim()
    .replace(/\b(send|pacing_rate|delivery_rate) /g, '$1=')
    .split(' ')
    .filter(Boolean);
}

/** The fields whose value is "milliseconds since": they grow between two runs. */
const SINCE = new Set(['lastsnd', 'lastrcv', 'lastack']);

/** Our detail line against ss's: the same tokens in the same order; the SINCE ones within `slack` ms. */
function expectSameDetails(mine: string, theirs: string, slack: number, what: string): void {
  const a = tokens(mine);
  const b = tokens(theirs);
  expect(a.map((t) => t.split(/[:=]/)[0]), `${what}: the same fields in the same order`).toEqual(b.map((t) => t.split(/[:=]/)[0]));
  for (let k = 0; k < a.length; k++) {
    const [name, value] = a[k]!.split(':');
    if (SINCE.has(name!)) {
      const theirsValue = Number(b[k]!.split(':')[1]);
      expect(Math.abs(Number(value) - theirsValue), `${what}: ${name}`).toBeLessThanOrEqual(slack);
    } else {
      expect(a[k], what).toBe(b[k]);
    }
  }
}

/** ss -e's rows: inode -> detail line. */
function ssByInode(text: string): Map<number, string> {
  const out = new Map<number, string>();
  const all = lines(text);
  for (let k = 0; k < all.length; k++) {
    const inode = /\bino:(\d+)/.exec(all[k]!)?.[1];
    if (inode && all[k + 1]?.startsWith('\t')) out.set(Number(inode), all[k + 1]!);
  }
  return out;
}

/** Our -ee rows: inode (the last column) -> detail line. */
function oursByInode(text: string): Map<number, string> {
  const out = new Map<number, string>();
  const all = lines(text);
  for (let k = 0; k < all.length; k++) {
    if (!/^(tcp|udp)/.test(all[k]!)) continue;
    const inode = Number(all[k]!.split(/\s+/).at(-1));
    expect(all[k + 1]?.startsWith('\t'), `a detail line under ${all[k]}`).toBe(true);
    out.set(inode, all[k + 1]!);
  }
  return out;
}

/** Rows by their endpoints (local remote, IPv6 without ss's brackets): row text -> detail line. */
function byEndpoints(text: string, local: number, remote: number): Map<string, string> {
  const out = new Map<string, string>();
  const all = lines(text);
  for (let k = 0; k < all.length; k++) {
    if (all[k]!.startsWith('\t') || !all[k + 1]?.startsWith('\t')) continue;
    const fields = all[k]!.split(/\s+/);
    const key = `${fields[local]} ${fields[remote]}`.replace(/[[\]]/g, '').replace(/:\*/g, ':0');
    out.set(key, all[k + 1]!);
  }
  return out;
}

/** The fields of an ss detail line: name -> value text ('' for a bare word). */
function ssFields(detail: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of tokens(detail)) {
    const m = /^([a-z_]+)[:=]?(.*)$/.exec(t)!;
    if (t.startsWith('skmem:') || t.startsWith('bbr:') || t.startsWith('dctcp:')) out.set(t.slice(0, t.indexOf(':')), t.slice(t.indexOf(':') + 1));
    else out.set(m[1]!, m[2]!);
  }
  return out;
}

describe.skipIf(!isRoot)('--tcp-info and --memory against ss', () => {
  beforeAll(async () => {
    removeStale();
    used = algorithms();
    expect(spawnSync('ip', ['netns', 'add', NS]).status).toBe(0);
    expect(spawnSync('ip', ['netns', 'exec', NS, 'ip', 'link', 'set', 'lo', 'up']).status).toBe(0);
    holder = spawn('ip', ['netns', 'exec', NS, '/usr/bin/python3', HOLDER, String(PORT), ...used], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      holder!.stdout!.once('data', (d: Buffer) => (String(d).startsWith('READY') ? resolve() : reject(new Error(String(d)))));
      holder!.once('exit', (code) => reject(new Error(`holder exited (${code})`)));
    });
  });

  afterAll(() => {
    holder?.stdin?.end();
    holder?.kill('SIGKILL');
    spawnSync('ip', ['netns', 'del', NS]);
  });

  it('has connections of more than one congestion algorithm', () => {
    expect(used.length).toBeGreaterThanOrEqual(2);
    const text = ss(['-tni']).stdout;
    for (const algorithm of used) expect(text).toContain(` ${algorithm} `);
  });

  it('prints the detail line ss -tniem prints for each socket (-ee: by inode, with the options)', () => {
    const theirs = ss(['-tniem']);
    const mine = ours(['-tnee', '--tcp-info', '--memory']);
    expect(mine.stderr).toBe('');
    const a = oursByInode(mine.stdout);
    const b = ssByInode(theirs.stdout);
    expect(b.size).toBeGreaterThanOrEqual(2 * 2 * used.length + 4);
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    const slack = mine.end - theirs.start + 5;
    for (const [inode, detail] of b) {
      expectSameDetails(a.get(inode)!, detail, slack, `inode ${inode}`);
      expect(a.get(inode)).toMatch(/^\t skmem:\(r\d+,rb\d+,t\d+,tb\d+,f\d+,w\d+,o\d+,bl\d+,d\d+\) ts sack /);
    }
  });

  it('formats rates with units without -n, as ss -ti does', () => {
    const theirs = ss(['-tie']);
    const mine = ours(['-tee', '--tcp-info']);
    const a = oursByInode(mine.stdout);
    const b = ssByInode(theirs.stdout);
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [inode, detail] of b) expectSameDetails(a.get(inode)!, detail, mine.end - theirs.start + 5, `inode ${inode}`);
    expect([...a.values()].join('\n')).toMatch(/ send [0-9.]+[kMGT]bps/);
  });

  it('prints what ss -tani prints under every tcp row, listeners included (no options without -o/-e)', () => {
    const theirs = ss(['-tani']);
    const mine = ours(['-tan', '--tcp-info']);
    const a = byEndpoints(mine.stdout, 3, 4);
    const b = byEndpoints(theirs.stdout, 3, 4);
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    expect([...a.values()].some((d) => d.includes(' ts '))).toBe(false);
    for (const [key, detail] of b) expectSameDetails(a.get(key)!, detail, mine.end - theirs.start + 5, key);
  });

  it('prints ss -uam skmem under each udp row', () => {
    const theirs = ss(['-uanm']);
    const mine = ours(['-uan', '--memory']);
    const a = byEndpoints(mine.stdout, 3, 4);
    const b = byEndpoints(theirs.stdout, 3, 4);
    expect(b.size).toBe(3);
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [key, detail] of b) expect(a.get(key), key).toBe(detail);
    // the datagram waiting in the bound socket's queue
    expect(a.get(`127.0.0.1:${PORT + 3} 0.0.0.0:0`)).toMatch(/^\t skmem:\(r[1-9]/);
    // --tcp-info alone gives udp rows no line, as ss -i does not
    expect(ours(['-uan', '--tcp-info']).stdout).not.toContain('\t');
  });

  it('prints ss -xam skmem under each unix row (by inode), and gives the same in JSON', () => {
    const theirs = new Map<number, string>();
    for (const line of lines(ss(['-xam']).stdout)) {
      const fields = line.split(/\s+/);
      const skmem = fields.find((f) => f.startsWith('skmem:'));
      // Netid State Recv-Q Send-Q Local Port Peer Port: the local "port" is the inode
      if (skmem) theirs.set(Number(fields[5]), ` ${skmem}`);
    }
    expect(theirs.size).toBeGreaterThanOrEqual(5);
    const mine = new Map<number, string>();
    const all = lines(ours(['-xa', '--memory']).stdout);
    for (let k = 0; k < all.length; k++) {
      if (!all[k]!.startsWith('unix ')) continue;
      expect(all[k + 1]?.startsWith('\t'), `a detail line under ${all[k]}`).toBe(true);
      mine.set(Number(all[k]!.slice(50).split(' ')[0]), all[k + 1]!.slice(1));
    }
    expect(mine).toEqual(theirs);
    // the pair's sender holds the unread data (t), as ss shows it
    expect([...mine.values()].some((m) => /,t[1-9]/.test(m))).toBe(true);
    const document = JSON.parse(ours(['-xa', '--json', '--memory']).stdout) as { unix: Array<Record<string, any>> };
    for (const row of document.unix) {
      const m = row.memory;
      const skmem = ` skmem:(r${m.receiveQueued},rb${m.receiveBuffer},t${m.sendQueued},tb${m.sendBuffer},f${m.forwardAlloc},w${m.writeQueued},o${m.optionMemory},bl${m.backlog},d${m.drops})`;
      expect(skmem, `inode ${row.inode}`).toBe(theirs.get(row.inode));
    }
  });

  it('gives JSON and library values equal to the fields of ss -tniem', async () => {
    const theirs = ssByInode(ss(['-tniem']).stdout);
    const document = JSON.parse(ours(['-tna', '--json', '--tcp-info', '--memory']).stdout) as { inet: Array<Record<string, any>> };
    const rows = new Map(document.inet.map((r) => [r.inode as number, r]));
    // number fields: ss's name -> ours, and the factor from ours to ss's units
    const numbers: Array<[string, string]> = [
      ['rto', 'rtoMs'], ['ato', 'atoMs'], ['mss', 'mss'], ['pmtu', 'pmtu'], ['rcvmss', 'rcvMss'], ['advmss', 'advMss'],
      ['cwnd', 'cwnd'], ['bytes_sent', 'bytesSent'], ['bytes_acked', 'bytesAcked'], ['bytes_received', 'bytesReceived'],
      ['bytes_retrans', 'bytesRetransmitted'], ['segs_out', 'segsOut'], ['segs_in', 'segsIn'], ['data_segs_out', 'dataSegsOut'],
      ['data_segs_in', 'dataSegsIn'], ['delivered', 'delivered'], ['rcv_space', 'rcvSpace'], ['rcv_ssthresh', 'rcvSsthresh'],
      ['minrtt', 'minRttMs'], ['snd_wnd', 'sndWnd'], ['rcv_rtt', 'rcvRttMs'], ['unacked', 'unacked'], ['lost', 'lost'],
      ['notsent', 'notsentBytes'],
    ];
    const rates: Array<[string, string]> = [['send', 'sendBitsPerSecond'], ['pacing_rate', 'pacingRateBitsPerSecond'], ['delivery_rate', 'deliveryRateBitsPerSecond']];
    let checked = 0;
    for (const [inode, detail] of theirs) {
      const row = rows.get(inode)!;
      const t = row.tcpInfo;
      const f = ssFields(detail);
      for (const [name, key] of numbers) expect(t[key] ?? 0, `${inode} ${name}`).toBe(f.has(name) ? Number(f.get(name)) : 0);
      for (const [name, key] of rates) expect(t[key] ? Number(t[key]).toFixed(0) : '', `${inode} ${name}`).toBe((f.get(name) ?? '').replace(/bps$/, ''));
      const [rtt, rttVar] = (f.get('rtt') ?? '0/0').split('/').map(Number);
      expect([t.rttMs, t.rttVarMs]).toEqual([rtt, rttVar]);
      expect(`${t.sndWscale},${t.rcvWscale}`).toBe(f.get('wscale'));
      expect(t.congestion && f.has(t.congestion)).toBe(true);
      expect(t.appLimited).toBe(f.has('app_limited'));
      expect([t.options.ts, t.options.sack, t.options.ecn]).toEqual([f.has('ts'), f.has('sack'), f.has('ecn')]);
      expect(t.bbr !== null).toBe(f.has('bbr'));
      const m = row.memory;
      const skmem = `(r${m.receiveQueued},rb${m.receiveBuffer},t${m.sendQueued},tb${m.sendBuffer},f${m.forwardAlloc},w${m.writeQueued},o${m.optionMemory},bl${m.backlog},d${m.drops})`;
      expect(skmem).toBe(f.get('skmem'));
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(4);
    // the library gives the same objects (a listing of the namespace through its own netns option)
    const { socketsSync } = await import('@fastnetstat/core');
    const list = socketsSync({ tables: ['tcp', 'tcp6'], tcpInfo: true, memory: true, netns: NS });
    for (const row of list.inet) {
      const json = rows.get(row.inode);
      if (!json || row.state !== 'ESTABLISHED') continue;
      expect(row.memory).toEqual(json.memory);
      const { lastSendMs, lastReceiveMs, lastAckMs, ...stable } = row.tcpInfo!;
      expect({ ...json.tcpInfo, lastSendMs, lastReceiveMs, lastAckMs }).toEqual({ ...stable, lastSendMs, lastReceiveMs, lastAckMs });
    }
  });

  it('leaves everything as it was without the options', () => {
    expect(ours(['-tn']).stdout).not.toContain('\t');
    const document = JSON.parse(ours(['-tn', '--json']).stdout) as { inet: Array<Record<string, unknown>> };
    expect(document.inet.length).toBeGreaterThan(0);
    for (const row of document.inet) expect('tcpInfo' in row || 'memory' in row).toBe(false);
  });

  it('refuses a /proc source with one line', () => {
    for (const args of [['--tcp-info', '--proc-root', '/proc'], ['--memory', '--source', 'proc']]) {
      const r = ours(['-tn', ...args]);
      expect([r.status, r.stdout, r.stderr.split('\n').length]).toEqual([1, '', 2]);
      expect(r.stderr).toMatch(/^fastnetstat: --(tcp-info|memory) reads netlink/);
    }
  });
});
