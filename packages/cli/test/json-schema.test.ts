/**
 * `--json` documents from real listings validate against docs/json.schema.json
 * and carry the same rows as the text table.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonSchemaValidator } from './schema.js';

const root = resolve(__dirname, '../../..');
const cli = join(root, 'node_modules/.bin/fastnetstat');
const validate = jsonSchemaValidator();

function run(args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(cli, args, { encoding: 'utf8', timeout: 30_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

function expectValid(doc: unknown): void {
  const ok = validate(doc);
  expect(ok ? [] : validate.errors).toEqual([]);
}

describe('--json', () => {
  let server: Server;
  let client: Socket;
  let udp: UdpSocket;
  let unixServer: Server;
  let dir: string;
  let port: number;
  const unixPath = () => join(dir, 'fastnetstat json.sock');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fns-json-'));
    server = createServer(() => {});
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as { port: number }).port;
    client = connect(port, '127.0.0.1');
    await new Promise((done) => client.once('connect', done));
    udp = createSocket('udp6');
    await new Promise<void>((done) => udp.bind(0, '::1', done));
    unixServer = createServer(() => {});
    await new Promise<void>((done) => unixServer.listen(unixPath(), done));
  });

  afterAll(() => {
    client?.destroy();
    server?.close();
    udp?.close();
    unixServer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('validates and finds this process as the owner of its sockets (-tuxap)', () => {
    const r = run(['--json', '-tuxap']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expectValid(doc);
    const listener = doc.inet.find((s: any) => s.localPort === port && s.state === 'LISTEN');
    expect(listener).toMatchObject({ protocol: 'tcp', family: 'inet', localAddress: '127.0.0.1', pid: process.pid });
    const udpRow = doc.inet.find((s: any) => s.protocol === 'udp' && s.family === 'inet6' && s.localPort === udp.address().port);
    expect(udpRow).toMatchObject({ localAddress: '::1', pid: process.pid, state: 'CLOSE' });
    const unixRow = doc.unix.find((s: any) => s.path === unixPath());
    expect(unixRow).toMatchObject({ accepting: true, state: 'LISTENING', type: 'STREAM', pid: process.pid });
    expect(doc.ownerAccess).toBe('complete');
  });

  it('carries the rows the text table shows (-tan), with names absent under -n', () => {
    const text = run(['-tan']).stdout.split('\n').filter((l) => /^tcp/.test(l));
    const doc = JSON.parse(run(['--json', '-tan']).stdout);
    expectValid(doc);
    expect(doc.inet).toHaveLength(text.length);
    expect(doc.unix).toEqual([]);
    for (const row of doc.inet) {
      expect(row).not.toHaveProperty('localHost');
      expect(row).not.toHaveProperty('user');
    }
    const established = doc.inet.find((s: any) => s.remotePort === port && s.state === 'ESTABLISHED');
    expect(established).toBeDefined();
  });

  it('adds resolved names beside the numbers without -n', () => {
    const doc = JSON.parse(run(['--json', '-tl']).stdout);
    expectValid(doc);
    const listener = doc.inet.find((s: any) => s.localPort === port);
    expect(listener.localHost).toBe('localhost');
    expect(listener.remoteService).toBe('*');
    expect(typeof listener.user).toBe('string');
  });

  it('validates on a captured /proc tree', () => {
    const doc = JSON.parse(run(['--json', '--proc-root', join(root, 'fixtures/proc/live'), '-an']).stdout);
    expectValid(doc);
    expect(doc.inet.length + doc.unix.length).toBeGreaterThan(10);
    expect(doc.tables.every((t: any) => t.status === 'read')).toBe(true);
  });

  it('reports missing tables in the document', () => {
    const doc = JSON.parse(run(['--json', '--proc-root', dir, '-t']).stdout);
    expectValid(doc);
    expect(doc.tables).toEqual([
      { table: 'tcp', status: 'missing', bogusLines: 0 },
      { table: 'tcp6', status: 'missing', bogusLines: 0 },
    ]);
  });

  it('prints one document per line per interval with -c', async () => {
    const child = spawn(cli, ['--json', '-c', '-tn'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    await new Promise<void>((done) => {
      const timer = setInterval(() => {
        if (out.split('\n').length > 2) {
          clearInterval(timer);
          done();
        }
      }, 50);
    });
    child.kill('SIGINT');
    await new Promise((done) => child.once('exit', done));
    const lines = out.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines.slice(0, 2)) expectValid(JSON.parse(line));
  });

  it('validates with --tcp-info and --memory: tcp rows carry both, udp and unix rows memory only', () => {
    const r = run(['--json', '-tuxan', '--tcp-info', '--memory']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expectValid(doc);
    const mine = doc.inet.find((row: { localPort: number; remotePort: number }) => row.remotePort === port);
    expect(mine.tcpInfo).toMatchObject({ state: 1, options: { ts: expect.any(Boolean) } });
    expect(mine.tcpInfo.mss).toBeGreaterThan(0);
    expect(mine.memory.receiveBuffer).toBeGreaterThan(0);
    const udpRow = doc.inet.find((row: { protocol: string }) => row.protocol === 'udp');
    expect([udpRow.tcpInfo, typeof udpRow.memory.sendBuffer]).toEqual([null, 'number']);
    const unixRow = doc.unix.find((row: { path: string | null }) => row.path?.endsWith('fastnetstat json.sock'));
    expect([unixRow.tcpInfo, unixRow.memory.receiveBuffer > 0]).toEqual([undefined, true]);
  });

  it('rejects documents that break the schema (the check can fail)', () => {
    expect(validate({ kind: 'sockets', time: 'yesterday', inet: [], unix: [], ownerAccess: 'complete', tables: [] })).toBe(false);
    expect(validate({ kind: 'sockets', time: new Date().toISOString(), inet: [{ protocol: 'tcp' }], unix: [], ownerAccess: 'complete', tables: [] })).toBe(false);
  });
});
