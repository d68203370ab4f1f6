/**
 * The programs in examples/ type-check against @fastnetstat/core's published
 * types and do what they say on real sockets.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');
/** This process's program name by netstat's rule (vitest renames its workers). */
const argv0 = readFileSync('/proc/self/cmdline', 'latin1').split('\0')[0]!;
const self = argv0.startsWith('/') ? argv0.slice(argv0.lastIndexOf('/') + 1) : argv0;
const tsx = join(root, 'node_modules/.bin/tsx');

function example(name: string, args: string[]) {
  return spawnSync(tsx, [join(root, 'examples', name), ...args], { encoding: 'utf8', timeout: 30_000 });
}

function listen(): Promise<{ server: Server; port: number }> {
  return new Promise((done) => {
    const server = createServer(() => {}).listen(0, '127.0.0.1', () => done({ server, port: (server.address() as { port: number }).port }));
  });
}

/** A child process listening on a port: something free-port may stop. */
function childListener(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', "require('net').createServer().listen(0,'127.0.0.1',function(){console.log(this.address().port)})"], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((done) => child.stdout!.once('data', (d) => done({ child, port: Number(String(d).trim()) })));
}

describe('examples', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    while (cleanups.length) cleanups.pop()!();
  });

  it('type-check with tsc', () => {
    const r = spawnSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, 'examples/tsconfig.json')], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('who-listens names this process for its listener', async () => {
    const { server, port } = await listen();
    cleanups.push(() => server.close());
    const r = example('who-listens.ts', [String(port)]);
    expect(r.stdout).toBe(`tcp 127.0.0.1:${port} LISTEN ${process.pid} ${self}\n`);
    expect(r.status).toBe(0);
  });

  it('who-listens reports a bad port with the error code, exit 1', () => {
    const r = example('who-listens.ts', ['70000']);
    expect(r.stderr).toBe('who-listens: port 70000 is out of range (1-65535) (EINVAL)\n');
    expect(r.status).toBe(1);
  });

  it('wait-for-port returns once a listener appears, and times out otherwise', async () => {
    const { server, port } = await listen();
    server.close();
    await new Promise((done) => server.once('close', done));
    const waiting = spawn(tsx, [join(root, 'examples/wait-for-port.ts'), String(port), '10000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    cleanups.push(() => waiting.kill());
    let out = '';
    waiting.stdout.on('data', (d) => (out += d));
    await new Promise((done) => setTimeout(done, 1500));
    const again = createServer(() => {}).listen(port, '127.0.0.1');
    cleanups.push(() => again.close());
    const status = await new Promise((done) => waiting.once('exit', done));
    expect(status).toBe(0);
    expect(out).toBe(`port ${port} is open (pid ${process.pid} ${self})\n`);
    const timedOut = example('wait-for-port.ts', ['1', '300']);
    expect(timedOut.status).toBe(1);
  });

  it('free-port stops the listening process it finds', async () => {
    const { child, port } = await childListener();
    cleanups.push(() => child.exitCode === null && child.kill());
    const r = example('free-port.ts', [String(port), '5000']);
    expect(r.stdout).toBe(`sending SIGTERM to ${child.pid}\nport ${port} is free\n`);
    expect(r.status).toBe(0);
  });

  it('top-queues lists a socket with unread data first', async () => {
    const { server, port } = await listen();
    cleanups.push(() => server.close());
    const { connect } = await import('node:net');
    const client = connect(port, '127.0.0.1');
    cleanups.push(() => client.destroy());
    await new Promise((done) => client.once('connect', done));
    server.on('connection', (s) => s.pause());
    client.write(Buffer.alloc(100_000, 1));
    await new Promise((done) => setTimeout(done, 300));
    const r = example('top-queues.ts', ['50']);
    expect(r.status).toBe(0);
    const ours = r.stdout.split('\n').find((l) => l.includes(`127.0.0.1:${port} ->`));
    expect(ours).toMatch(new RegExp(`^ +\\d+ +\\d+  127\\.0\\.0\\.1:${port} -> 127\\.0\\.0\\.1:\\d+  ESTABLISHED  ${process.pid}/${self.replace(/[()]/g, '\\$&')}$`));
    expect(Number(ours!.trim().split(/ +/)[0])).toBeGreaterThan(0);
  });
});
