/**
 * The terminal is safe from names chosen to attack it, an interrupt ends -c
 * on a whole line, and a closed pipe ends a listing quietly.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cli = resolve(__dirname, '../../../node_modules/.bin/fastnetstat');
const HOSTILE_ARGV0 = 'evil\x1b[2J\x07\nname\x7f\xc2\x9bx';

/** Bytes a terminal would act on: C0 controls but the line ends, DEL, and C1 (raw or UTF-8). */
function controlBytes(out: Buffer): number[] {
  const found: number[] = [];
  for (let k = 0; k < out.length; k++) {
    const b = out[k]!;
    if ((b < 0x20 && b !== 0x0a) || b === 0x7f || (b >= 0x80 && b <= 0x9f && out[k - 1] === 0xc2)) found.push(b);
  }
  return found;
}

describe('hostile program names and socket paths', () => {
  let dir: string;
  let child: ChildProcess;
  let port = 0;
  const path = () => join(dir, 'sock\x1b]0;pwned\x07\x1b[31m');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fns-hostile-'));
    const script = `
      const net = require('net');
      const tcp = net.createServer().listen(0, '127.0.0.1', () => {
        net.createServer().listen(process.argv[1], () => console.log(tcp.address().port));
      });`;
    child = spawn(process.execPath, ['-e', script, path()], { argv0: HOSTILE_ARGV0, stdio: ['ignore', 'pipe', 'inherit'] });
    port = await new Promise<number>((done) => child.stdout!.once('data', (d) => done(Number(String(d).trim()))));
  });

  afterAll(() => {
    child?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('-tlnp escapes the control characters of a program name', () => {
    const r = spawnSync(cli, ['-tlnp']);
    const row = r.stdout.toString('latin1').split('\n').find((l) => l.includes(`127.0.0.1:${port} `));
    // PID/name is cut to 19 bytes as netstat cuts it, then escaped
    const cut = `${child.pid}/${HOSTILE_ARGV0}`.slice(0, 19);
    const escaped = cut.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
    expect(row).toContain(escaped);
    expect(controlBytes(r.stdout)).toEqual([]);
  });

  it('-xap escapes them in a unix path and keeps the path whole', () => {
    const r = spawnSync(cli, ['-xap']);
    const text = r.stdout.toString('latin1');
    expect(text).toContain(`${dir}/sock\\x1b]0;pwned\\x07\\x1b[31m`);
    expect(controlBytes(r.stdout)).toEqual([]);
  });

  it('--json keeps the exact name, as valid JSON', () => {
    const doc = JSON.parse(spawnSync(cli, ['--json', '-xap']).stdout.toString('utf8'));
    expect(doc.unix.some((s: { path: string }) => s.path === path())).toBe(true);
  });

  it('--json carries bytes that are not UTF-8 exactly, in base64 beside the decoded text', async () => {
    const raw = Buffer.concat([Buffer.from(`${dir}/bad-`), Buffer.from([0xff, 0xfe, 0x80])]);
    const holder = spawn('python3', ['-c', `import socket,sys\ns=socket.socket(socket.AF_UNIX)\ns.bind(bytes.fromhex(sys.argv[1]))\ns.listen()\nprint('ok',flush=True)\nsys.stdin.read()`, raw.toString('hex')], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    try {
      await new Promise((done) => holder.stdout!.once('data', done));
      const doc = JSON.parse(spawnSync(cli, ['--json', '-xl']).stdout.toString('utf8'));
      const row = doc.unix.find((s: { pathBase64?: string }) => s.pathBase64 !== undefined);
      expect(Buffer.from(row.pathBase64, 'base64')).toEqual(raw);
      expect(row.path).toBe(`${dir}/bad-\ufffd\ufffd\ufffd`);
      expect(doc.unix.filter((s: { path: string }) => s.path === path())[0]).not.toHaveProperty('pathBase64');
    } finally {
      holder.kill();
    }
  });
});

describe('names that are UTF-8', () => {
  it('--json writes them as UTF-8 (text mode passes the bytes through)', async () => {
    const name = Buffer.from('\0fns-café-☃-日本', 'utf8');
    const holder = spawn('python3', ['-c', `import socket,sys\ns=socket.socket(socket.AF_UNIX)\ns.bind(bytes.fromhex(sys.argv[1]))\ns.listen()\nprint('ok',flush=True)\nsys.stdin.read()`, name.toString('hex')], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    try {
      await new Promise((done) => holder.stdout!.once('data', done));
      const json = spawnSync(cli, ['--json', '-xl']).stdout;
      // strict decoding: a byte that is not UTF-8 would throw
      const doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
      const row = doc.unix.find((s: { path: string | null }) => s.path === '@fns-café-☃-日本');
      expect(row).toBeDefined();
      expect(row).not.toHaveProperty('pathBase64');
      const text = spawnSync(cli, ['-xl']).stdout;
      expect(text.includes(Buffer.from('@fns-café-☃-日本', 'utf8'))).toBe(true);
    } finally {
      holder.kill();
    }
  });
});

describe('interrupts and closed pipes', () => {
  it('SIGINT during -c ends the process by the signal (status 130) after whole lines', async () => {
    const run = spawn(cli, ['-c', '-tn'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    run.stdout.on('data', (d) => (out += d));
    run.stderr.on('data', (d) => (err += d));
    await new Promise((done) => run.stdout.once('data', done));
    await new Promise((done) => setTimeout(done, 1300)); // into the second listing's wait or writing
    run.kill('SIGINT');
    const [code, signal] = await new Promise<[number | null, string | null]>((done) => run.once('exit', (c, s) => done([c, s])));
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGINT' });
    expect(out.endsWith('\n')).toBe(true);
    expect(out.split('Active Internet connections').length - 1).toBeGreaterThanOrEqual(1);
    expect(err).toBe('');
    // in a shell that is status 130
    const shell = spawnSync('bash', ['-c', `"${cli}" -c -tn >/dev/null & p=$!; sleep 1; kill -INT $p; wait $p; echo $?`], { encoding: 'utf8' });
    expect(shell.stdout.trim()).toBe('130');
  });

  it('a reader that goes away (| head -1) ends the listing quietly', () => {
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${cli}" -an | head -1; echo "status=\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
    expect(r.stdout).toMatch(/^Active Internet connections \(servers and established\)\nstatus=0\n$/);
    expect(r.stderr).toBe('');
  });
});
