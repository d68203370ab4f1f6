/**
 * fastnetstat --prometheus on loopback: the one-shot exposition (checked by promtool and
 * against sockets this test holds), the HTTP server (404, 405, HEAD, gzip, 200 scrapes 50 at
 * a time, half-sent requests, scrapes while sockets churn, the request log, SIGTERM/SIGINT),
 * bad --listen values, and the shipped rules and dashboard (promtool check/test rules).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Agent, type IncomingMessage, request } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamSocketsSync, type SocketChunk } from '@fastnetstat/core';
import { Collector } from '../../packages/cli/src/prometheus/collect.js';
import { CLI, Cleanup, DOCS, ENV, type Exporter, have, http, promtool, ROOT, sample, startExporter } from './support.js';

const run = promisify(execFile);
const hasPromtool = have('promtool');
const cleanup = new Cleanup();
afterAll(() => cleanup.run());

/** Runs the CLI to the end: status, stdout, stderr. */
async function cli(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: ENV, maxBuffer: 64 << 20 });
    return { status: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { status: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

function listen(server: Server, backlog?: number): Promise<number> {
  return new Promise((done) =>
    server.listen({ host: '127.0.0.1', port: 0, backlog }, () => done((server.address() as { port: number }).port)),
  );
}

/** The metric names (families) an exposition holds. */
const families = (text: string) => new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));

describe('one scrape on stdout (--prometheus)', () => {
  const server = createServer(() => {});
  const clients: Socket[] = [];
  let port = 0;
  beforeAll(async () => {
    port = await listen(server, 7);
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((done) => clients.push(connect(port, '127.0.0.1', done)));
    }
  });
  afterAll(() => {
    for (const c of clients) c.destroy();
    server.close();
  });

  it('is a valid exposition with every metric, and shows our listener, its connections and our sockets', async () => {
    const { status, stdout, stderr } = await cli(['--prometheus', '-t']);
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    expect([...families(stdout)]).toEqual([
      'fastnetstat_sockets',
      'fastnetstat_listen_queue_length',
      'fastnetstat_listen_queue_limit',
      'fastnetstat_connections',
      'fastnetstat_process_sockets',
      'fastnetstat_tcp_listen_overflows_total',
      'fastnetstat_tcp_listen_drops_total',
      'fastnetstat_scrape_duration_seconds',
      'fastnetstat_build_info',
    ]);
    const listener = { protocol: 'tcp', address: '127.0.0.1', port: String(port) };
    expect(sample(stdout, 'fastnetstat_listen_queue_limit', listener)).toBe(7);
    expect(sample(stdout, 'fastnetstat_listen_queue_length', listener)).toBe(0);
    expect(sample(stdout, 'fastnetstat_connections', { protocol: 'tcp', port: String(port), state: 'ESTABLISHED' })).toBe(3);
    // the listener, 3 accepted and 3 connecting sockets are this process's
    expect(sample(stdout, 'fastnetstat_process_sockets', { pid: String(process.pid), protocol: 'tcp' })).toBeGreaterThanOrEqual(7);
    expect(sample(stdout, 'fastnetstat_sockets', { protocol: 'tcp', state: 'LISTEN' })).toBeGreaterThanOrEqual(1);
    expect(sample(stdout, 'fastnetstat_sockets', { protocol: 'tcp', state: 'CLOSING' })).toBeDefined(); // every state, 0 or not
    expect(sample(stdout, 'fastnetstat_sockets', { protocol: 'udp' })).toBeUndefined(); // -t: tcp only
    // no label holds an ephemeral port: the clients' local ports are nowhere
    for (const c of clients) expect(stdout).not.toContain(`port="${c.localPort}"`);
    if (hasPromtool) expect(promtool(['check', 'metrics'], stdout)).toEqual({ status: 0, output: '' });
  });

  it('from /proc the backlog is unknown: the queue length is there, its limit is not', async () => {
    const { status, stdout } = await cli(['--prometheus', '-t', '--source', 'proc']);
    expect(status).toBe(0);
    const listener = { protocol: 'tcp', address: '127.0.0.1', port: String(port) };
    expect(sample(stdout, 'fastnetstat_listen_queue_length', listener)).toBe(0);
    expect(sample(stdout, 'fastnetstat_listen_queue_limit', listener)).toBeUndefined();
  });

  it('-u lists udp only; the default lists every protocol, unix included', async () => {
    const udp = await cli(['--prometheus', '-u']);
    expect(udp.status).toBe(0);
    expect(sample(udp.stdout, 'fastnetstat_sockets', { protocol: 'udp', state: 'UNCONN' })).toBeDefined();
    expect(sample(udp.stdout, 'fastnetstat_sockets', { protocol: 'tcp' })).toBeUndefined();
    const all = await cli(['--prometheus']);
    expect(sample(all.stdout, 'fastnetstat_sockets', { protocol: 'unix', state: 'CONNECTED' })).toBeDefined();
    expect(sample(all.stdout, 'fastnetstat_sockets', { protocol: 'tcp', state: 'ESTABLISHED' })).toBeGreaterThanOrEqual(6);
  });
});

describe('a captured /proc tree (--proc-root): every figure exactly', () => {
  const LIVE = join(ROOT, 'fixtures/proc/live');
  const samples = (text: string, names: RegExp) => text.split('\n').filter((l) => names.test(l.split(/[{ ]/)[0]!) && !l.startsWith('#'));

  it('listeners, their queues, the connections on their ports, sockets by state', async () => {
    const { status, stdout, stderr } = await cli(['--prometheus', '-tu', '--proc-root', LIVE]);
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    expect(samples(stdout, /^fastnetstat_(listen_queue_length|listen_queue_limit|connections)$/)).toEqual([
      'fastnetstat_listen_queue_length{protocol="tcp",address="0.0.0.0",port="2024",program=""} 0',
      'fastnetstat_listen_queue_length{protocol="tcp",address="127.0.0.1",port="47001",program=""} 1',
      'fastnetstat_listen_queue_length{protocol="tcp6",address="::1",port="47002",program=""} 0',
      'fastnetstat_listen_queue_length{protocol="tcp6",address="::",port="47003",program=""} 0',
      // /proc does not show a backlog: no limits
      'fastnetstat_connections{protocol="tcp",port="2024",state="ESTABLISHED"} 0',
      'fastnetstat_connections{protocol="tcp",port="47001",state="ESTABLISHED"} 2',
      'fastnetstat_connections{protocol="tcp6",port="47002",state="ESTABLISHED"} 1',
      // an IPv4 client of the [::]:47003 listener is a tcp6 row
      'fastnetstat_connections{protocol="tcp6",port="47003",state="ESTABLISHED"} 1',
      'fastnetstat_connections{protocol="udp",port="47004",state="ESTABLISHED"} 0',
      'fastnetstat_connections{protocol="udp6",port="47005",state="ESTABLISHED"} 0',
    ]);
    const nonZero = samples(stdout, /^fastnetstat_sockets$/).filter((l) => !l.endsWith(' 0'));
    expect(nonZero).toEqual([
      'fastnetstat_sockets{protocol="tcp",state="ESTABLISHED"} 5',
      'fastnetstat_sockets{protocol="tcp",state="TIME_WAIT"} 1',
      'fastnetstat_sockets{protocol="tcp",state="LISTEN"} 2',
      'fastnetstat_sockets{protocol="tcp6",state="ESTABLISHED"} 3',
      'fastnetstat_sockets{protocol="tcp6",state="LISTEN"} 2',
      'fastnetstat_sockets{protocol="udp",state="ESTABLISHED"} 1',
      'fastnetstat_sockets{protocol="udp",state="UNCONN"} 1',
      'fastnetstat_sockets{protocol="udp6",state="ESTABLISHED"} 1',
      'fastnetstat_sockets{protocol="udp6",state="UNCONN"} 1',
    ]);
    expect(samples(stdout, /^fastnetstat_sockets$/)).toHaveLength(2 * 11 + 2 * 2); // every state, 0 or not
    // the tree has no net/netstat: the kernel's counters are left out, not shown as 0
    expect(stdout).not.toContain('fastnetstat_tcp_listen_overflows_total');
    if (hasPromtool) expect(promtool(['check', 'metrics'], stdout)).toEqual({ status: 0, output: '' });
  });

  it('a table that cannot be read: one line, status 1', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fns-prom-tree-'));
    try {
      mkdirSync(join(root, 'net', 'tcp'), { recursive: true });
      const r = await cli(['--prometheus', '-t', '--proc-root', root]);
      expect(r).toEqual({ status: 1, stdout: '', stderr: 'fastnetstat: cannot read the tcp table: EISDIR\n' });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('a collection that fails leaves nothing behind for the next one', async () => {
    const options = { procRoot: LIVE, tables: ['tcp', 'tcp6', 'udp', 'udp6'] as const, processes: true };
    const fresh = await new Collector().collect(streamSocketsSync({ ...options, tables: [...options.tables] }), options);
    const reused = new Collector();
    function* failing(): Generator<SocketChunk> {
      yield* streamSocketsSync({ ...options, tables: [...options.tables] });
      throw new Error('the listing broke off');
    }
    await expect(reused.collect(failing(), options)).rejects.toThrow('the listing broke off');
    const again = await reused.collect(streamSocketsSync({ ...options, tables: [...options.tables] }), options);
    expect({ ...again, seconds: 0 }).toEqual({ ...fresh, seconds: 0 });
    expect(again.connections.filter((c) => c.value > 0)).toHaveLength(3);
  });
});

describe('the HTTP server (--prometheus --listen)', () => {
  let exporter: Exporter;
  beforeAll(async () => {
    exporter = await startExporter(cleanup, ['-t', '--listen', '127.0.0.1:0']);
  });

  it('says where it listens and nothing else (the request log is off by default)', async () => {
    await http(exporter.port, 'GET', '/metrics');
    expect(exporter.stderr()).toBe(`fastnetstat: serving metrics on http://127.0.0.1:${exporter.port}/metrics\n`);
  });

  it('GET /metrics: 200, the text format, valid for promtool, with the process metrics', async () => {
    const r = await http(exporter.port, 'GET', '/metrics?name[]=ignored');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(Number(r.headers['content-length'])).toBe(Buffer.byteLength(r.body));
    expect(sample(r.body, 'fastnetstat_build_info', { version: '0.1.0' })).toBe(1);
    expect(sample(r.body, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    if (hasPromtool) expect(promtool(['check', 'metrics'], r.body)).toEqual({ status: 0, output: '' });
  });

  it('HEAD /metrics: the headers of a GET, no body', async () => {
    const r = await http(exporter.port, 'HEAD', '/metrics');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('text/plain; version=0.0.4');
    expect(Number(r.headers['content-length'])).toBeGreaterThan(0);
    expect(r.body).toBe('');
  });

  it('other paths: 404; other methods: 405 with Allow', async () => {
    for (const path of ['/', '/metricsx', '/metrics/', '/favicon.ico']) {
      expect((await http(exporter.port, 'GET', path)).status).toBe(404);
    }
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
      const r = await http(exporter.port, method, '/metrics');
      expect(r.status).toBe(405);
      expect(r.headers.allow).toBe('GET, HEAD');
    }
  });

  it('gzip when the client accepts it (Prometheus does)', async () => {
    const body = await new Promise<Buffer>((done, fail) => {
      const req = request(
        { host: '127.0.0.1', port: exporter.port, path: '/metrics', headers: { 'Accept-Encoding': 'gzip' }, agent: false },
        (res: IncomingMessage) => {
          expect(res.headers['content-encoding']).toBe('gzip');
          const chunks: Buffer[] = [];
          res.on('data', (b: Buffer) => chunks.push(b));
          res.on('end', () => done(Buffer.concat(chunks)));
        },
      );
      req.on('error', fail);
      req.end();
    });
    const text = gunzipSync(body).toString('utf8');
    expect(sample(text, 'fastnetstat_build_info', { version: '0.1.0' })).toBe(1);
  });

  it('200 scrapes, 50 at a time: every one answered, and concurrent ones share a collection', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 50 });
    const answers = await Promise.all(Array.from({ length: 200 }, () => http(exporter.port, 'GET', '/metrics', agent)));
    agent.destroy();
    expect(answers.map((a) => a.status)).toEqual(Array(200).fill(200));
    for (const a of answers) expect(sample(a.body, 'fastnetstat_build_info', { version: '0.1.0' })).toBe(1);
    // each collection has its own duration sample: fewer of them than scrapes
    const collections = new Set(answers.map((a) => sample(a.body, 'fastnetstat_scrape_duration_seconds')));
    expect(collections.size).toBeLessThan(200);
  });

  it('a client that sends half a request and stops holds only itself: others are served, it is cut off (408)', async () => {
    const half = connect(exporter.port, '127.0.0.1');
    const silent = connect(exporter.port, '127.0.0.1');
    const received = (socket: Socket) =>
      new Promise<string>((done) => {
        let text = '';
        socket.setEncoding('utf8');
        socket.on('data', (t: string) => (text += t));
        socket.on('close', () => done(text));
        socket.on('error', () => {});
      });
    const halfClosed = received(half);
    const silentClosed = received(silent);
    half.write('GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: half');
    for (let i = 0; i < 5; i++) expect((await http(exporter.port, 'GET', '/metrics')).status).toBe(200);
    // the headers timeout (5 s, checked every second) ends both
    expect(await halfClosed).toMatch(/^HTTP\/1\.1 408 /);
    await silentClosed;
    expect(exporter.child.exitCode).toBeNull();
    expect((await http(exporter.port, 'GET', '/metrics')).status).toBe(200);
  }, 30_000);

  it('scrapes while sockets open and close by the thousand are all answered and valid', async () => {
    // a churner: a loopback server and clients that connect and close, over and over
    const churner = cleanup.child(
      spawn(
        process.execPath,
        [
          '-e',
          `const net = require('node:net');
           const server = net.createServer((s) => s.on('error', () => {}).end());
           server.listen(0, '127.0.0.1', () => {
             process.stdout.write(server.address().port + '\\n');
             const loop = () => { const c = net.connect(server.address().port, '127.0.0.1'); c.on('error', () => {}); c.on('connect', () => c.destroy()); c.on('close', loop); };
             for (let i = 0; i < 32; i++) loop();
           });`,
        ],
        { env: ENV, stdio: ['ignore', 'pipe', 'inherit'] },
      ),
    );
    const churnPort = await new Promise<number>((done) => churner.stdout!.once('data', (b: Buffer) => done(Number(b.toString()))));
    const seen: number[] = [];
    try {
      for (let round = 0; round < 10; round++) {
        const answers = await Promise.all(Array.from({ length: 10 }, () => http(exporter.port, 'GET', '/metrics')));
        for (const a of answers) {
          expect(a.status).toBe(200);
          expect(sample(a.body, 'fastnetstat_build_info', { version: '0.1.0' })).toBe(1);
          const here = sample(a.body, 'fastnetstat_listen_queue_length', { address: '127.0.0.1', port: String(churnPort) });
          if (here !== undefined) seen.push(here);
        }
        if (round === 0 && hasPromtool) expect(promtool(['check', 'metrics'], answers[0]!.body).status).toBe(0);
      }
    } finally {
      churner.kill('SIGKILL');
    }
    expect(seen.length).toBe(100); // the churning listener is in every scrape
    expect(exporter.child.exitCode).toBeNull();
  }, 60_000);

  it('SIGTERM stops it cleanly (status 0)', async () => {
    exporter.child.kill('SIGTERM');
    expect(await exporter.exited).toEqual({ code: 0, signal: null });
  });
});

describe('the server: request log and SIGINT', () => {
  it('--log-requests: one line per request; SIGINT stops it (status 0)', async () => {
    const exporter = await startExporter(cleanup, ['-t', '--listen', '0', '--log-requests']);
    await http(exporter.port, 'GET', '/metrics');
    await http(exporter.port, 'GET', '/nothing');
    await http(exporter.port, 'POST', '/metrics');
    await new Promise((done) => setTimeout(done, 200));
    const lines = exporter.stderr().trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/^\S+Z 127\.0\.0\.1:\d+ "GET \/metrics HTTP\/1\.1" 200 \d+ [\d.]+ms$/);
    expect(lines[2]).toMatch(/"GET \/nothing HTTP\/1\.1" 404 /);
    expect(lines[3]).toMatch(/"POST \/metrics HTTP\/1\.1" 405 /);
    exporter.child.kill('SIGINT');
    expect(await exporter.exited).toEqual({ code: 0, signal: null });
  });
});

describe('bad --listen: one line, status 1', () => {
  it('a port in use', async () => {
    const taken = createServer();
    const port = await listen(taken);
    try {
      const r = await cli(['--prometheus', '--listen', `127.0.0.1:${port}`]);
      expect(r).toEqual({ status: 1, stdout: '', stderr: `fastnetstat: --listen 127.0.0.1:${port}: address already in use\n` });
      const alone = await cli(['--prometheus', '--listen', String(port)]);
      expect(alone).toEqual({ status: 1, stdout: '', stderr: `fastnetstat: --listen 127.0.0.1:${port}: address already in use\n` });
    } finally {
      taken.close();
    }
  });

  it('an address this host does not have, and ones that are not addresses', async () => {
    const missing = await cli(['--prometheus', '--listen', '192.0.2.1:9810']);
    expect(missing).toEqual({ status: 1, stdout: '', stderr: 'fastnetstat: --listen 192.0.2.1:9810: no such address on this host\n' });
    for (const bad of ['300.1.2.3:9810', 'localhost:9810', '99999', 'x']) {
      const r = await cli(['--prometheus', '--listen', bad]);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^fastnetstat: --listen '${bad}': [^\\n]+\\n$`));
    }
  });
});

describe.skipIf(!hasPromtool)('the shipped rules, config and dashboard', () => {
  it('promtool check rules and test rules pass on docs/prometheus', () => {
    expect(promtool(['check', 'rules', 'alerts.yml'])).toMatchObject({ status: 0 });
    const tested = promtool(['test', 'rules', 'alerts.test.yml']);
    expect(tested.output).toContain('SUCCESS');
    expect(tested.status).toBe(0);
    expect(promtool(['check', 'config', 'prometheus.yml'])).toMatchObject({ status: 0 });
  });

  it('the rules and the dashboard use only metrics the exporter has', async () => {
    const { stdout } = await cli(['--prometheus']);
    const names = families(stdout);
    const used = (text: string) => new Set([...text.matchAll(/\bfastnetstat_[a-z_]+/g)].map((m) => m[0]));
    const dashboard = JSON.parse(readFileSync(join(DOCS, 'grafana-dashboard.json'), 'utf8')) as { panels: unknown[] };
    expect(dashboard.panels.length).toBeGreaterThan(0);
    for (const file of ['alerts.yml', 'grafana-dashboard.json']) {
      const refs = [...used(readFileSync(join(DOCS, file), 'utf8'))];
      expect(refs.length).toBeGreaterThan(0);
      for (const name of refs) expect(names, `${file} uses ${name}`).toContain(name);
    }
  });
});
