/**
 * Scale: a synthetic 1,000,000-row /proc/net/tcp through --proc-root. The
 * listing must be netstat's, byte for byte, and its memory must not grow with
 * the table: the peak RSS of a 1,000,000-row listing is compared with that of
 * a 10,000-row one (rows are read, formatted and written a chunk at a time).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canMountProc, CLI, REPO } from './oracle.js';

const BIG = 1_000_000;
const SMALL = 10_000;
/** How much more a 1,000,000-row listing may take than a 10,000-row one. */
const GROWTH_ALLOWED_MIB = 16;
/** --json makes short-lived objects for every row, and V8's heap settles a little higher. */
const JSON_GROWTH_ALLOWED_MIB = 32;

const TCP_HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const STATES = ['0A', '01', '06', '08', '01', '04'];

/** One kernel-style line: listeners, connections, TIME_WAIT (inode 0), queues and timers. */
function tcpLine(i: number): string {
  const state = STATES[i % STATES.length]!;
  const listening = state === '0A';
  const local = `0100007F:${(1024 + (i % 60_000)).toString(16).toUpperCase().padStart(4, '0')}`;
  // 10.0.0.N as the kernel prints it: the network-order bytes read as a little-endian word
  const remote = listening ? '00000000:0000' : `${(1 + (i % 250)).toString(16).toUpperCase().padStart(2, '0')}00000A:0050`;
  const inode = state === '06' ? 0 : 100_000 + i;
  const queues = `${(i % 7).toString(16).padStart(8, '0')}:${(i % 3).toString(16).padStart(8, '0')}`;
  const sl = String(i).padStart(6, ' ');
  return `${sl}: ${local} ${remote} ${state} ${queues} 00:00000000 00000000  1000        0 ${inode} 1 0000000000000000 20 4 30 10 -1\n`;
}

function writeTable(dir: string, rows: number): void {
  mkdirSync(join(dir, 'net'), { recursive: true });
  const fd = openSync(join(dir, 'net', 'tcp'), 'w');
  writeSync(fd, TCP_HEADER);
  let batch: string[] = [];
  for (let i = 0; i < rows; i++) {
    batch.push(tcpLine(i));
    if (batch.length === 10_000) {
      writeSync(fd, batch.join(''));
      batch = [];
    }
  }
  writeSync(fd, batch.join(''));
  closeSync(fd);
}

/** Runs a command; its stdout, exit status, and peak RSS in MiB (getrusage of the child, by python3). */
function measured(command: string, args: string[]): { stdout: Buffer; status: number | null; peakMiB: number } {
  const probe =
    'import resource, subprocess, sys\n' +
    'r = subprocess.run(sys.argv[2:], stdout=open(sys.argv[1], "wb"))\n' +
    'print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)';
  const out = join(work, `out-${Math.random().toString(36).slice(2)}`);
  const r = spawnSync('/usr/bin/python3', ['-c', probe, out, command, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
  expect(r.status, r.stderr).toBe(0);
  const [status, kib] = r.stdout.trim().split(' ').map(Number);
  const stdout = readFileSync(out);
  rmSync(out);
  return { stdout, status: status ?? null, peakMiB: (kib ?? 0) / 1024 };
}

let work = '';
let big = '';
let small = '';

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'fns-scale-'));
  big = join(work, 'big');
  small = join(work, 'small');
  writeTable(big, BIG);
  writeTable(small, SMALL);
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('a 1,000,000-row table through --proc-root', () => {
  it('lists every row as netstat does, in memory that does not grow with the table', () => {
    const large = measured(CLI, ['--proc-root', big, '-tan']);
    const little = measured(CLI, ['--proc-root', small, '-tan']);
    expect(large.status).toBe(0);
    const text = large.stdout.toString('latin1');
    const lines = text.split('\n');
    expect(lines.length).toBe(BIG + 3); // two heading lines, the rows, and the empty string after the last newline
    expect(lines[2]).toBe('tcp        0      0 127.0.0.1:1024          0.0.0.0:*               LISTEN     ');
    expect(lines[BIG + 1]).toMatch(/^tcp {8}\d {6}\d 127\.0\.0\.1:\d+ +\d+\.\d+\.\d+\.\d+:80 +\S+ +$/);
    console.log(`peak RSS: ${little.peakMiB.toFixed(1)} MiB at ${SMALL} rows, ${large.peakMiB.toFixed(1)} MiB at ${BIG} rows`);
    expect(large.peakMiB - little.peakMiB).toBeLessThan(GROWTH_ALLOWED_MIB);

    if (!canMountProc) return; // netstat cannot be pointed at the tree here
    const ns = spawnSync(
      'unshare',
      ['-m', '--propagation', 'private', 'sh', '-c', 'mount --bind "$0" /proc && exec /usr/bin/netstat -tan', big],
      { maxBuffer: 1 << 30, env: { ...process.env, LC_ALL: 'C' } },
    );
    expect(ns.status).toBe(0);
    expect(ns.stdout.equals(large.stdout), 'fastnetstat and netstat differ on the 1,000,000-row table').toBe(true);
  });

  it('--json lists every row in the same bounded memory, as UTF-8 JSON', () => {
    const large = measured(CLI, ['--proc-root', big, '-tan', '--json']);
    const little = measured(CLI, ['--proc-root', small, '-tan', '--json']);
    expect(large.status).toBe(0);
    const doc = JSON.parse(large.stdout.toString('utf8'));
    expect(doc.inet.length).toBe(BIG);
    expect(doc.inet[0]).toMatchObject({ protocol: 'tcp', localAddress: '127.0.0.1', localPort: 1024, state: 'LISTEN' });
    expect(doc.tables).toEqual([{ table: 'tcp', status: 'read', bogusLines: 0 }, { table: 'tcp6', status: 'missing', bogusLines: 0 }]);
    console.log(`--json peak RSS: ${little.peakMiB.toFixed(1)} MiB at ${SMALL} rows, ${large.peakMiB.toFixed(1)} MiB at ${BIG} rows`);
    expect(large.peakMiB - little.peakMiB).toBeLessThan(JSON_GROWTH_ALLOWED_MIB);
  });

  it('streams through the library in the same bounded memory', () => {
    const script =
      "import { streamSocketsSync } from '@fastnetstat/core';\n" +
      'let rows = 0;\n' +
      "for (const chunk of streamSocketsSync({ tables: ['tcp'], procRoot: process.argv[1] }, { reuse: true })) rows += chunk.inet.length;\n" +
      'console.log(rows);';
    const large = measured(process.execPath, ['--input-type=module', '-e', script, big]);
    const little = measured(process.execPath, ['--input-type=module', '-e', script, small]);
    expect(large.stdout.toString().trim()).toBe(String(BIG));
    expect(little.stdout.toString().trim()).toBe(String(SMALL));
    console.log(`library peak RSS: ${little.peakMiB.toFixed(1)} MiB at ${SMALL} rows, ${large.peakMiB.toFixed(1)} MiB at ${BIG} rows`);
    expect(large.peakMiB - little.peakMiB).toBeLessThan(GROWTH_ALLOWED_MIB);
  });
});
