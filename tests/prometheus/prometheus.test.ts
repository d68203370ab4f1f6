/**
 * A real Prometheus (Debian's package) scrapes the exporter, both inside a network namespace
 * this test creates (loopback only), every second, with the shipped alert rules loaded. One
 * listener (backlog 2) is never accepted from while 10 clients connect: the test asserts through
 * Prometheus' query API that the listener's saturation reaches 1, that its connections and the
 * namespace's socket counts are right, that the overflow counter grows, and that the shipped
 * alerts see it (overflows firing, saturation pending its minute).
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cleanup, DOCS, ENV, type Exporter, have, startExporter } from './support.js';

const run = promisify(execFile);
const why =
  process.getuid?.() !== 0 ? 'needs root (ip netns)' : !have('prometheus') ? "Debian's prometheus is not installed (scripts/bootstrap.sh --test)" : !have('curl') ? 'needs curl' : null;

const EXPORTER_PORT = 9810;
const PROMETHEUS_PORT = 9090;
const HELD_PORT = 7000;
const BACKLOG = 2;
const CLIENTS = 10;
/** Holds one listener (never accepting) and CLIENTS non-blocking connects to it, until killed. */
const HOLDER = `
import socket, sys, time
port, backlog, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(('127.0.0.1', port))
listener.listen(backlog)
clients = []
for _ in range(n):
    c = socket.socket()
    c.setblocking(False)
    c.connect_ex(('127.0.0.1', port))
    clients.append(c)
print('ready', flush=True)
time.sleep(3600)
`;

describe.skipIf(why !== null)(`a real Prometheus scrapes the exporter${why ? ` (skipped: ${why})` : ''}`, () => {
  const cleanup = new Cleanup();
  const ns = `fns-prom-${process.pid}`;
  let dir = '';
  let exporter: Exporter;
  let prometheus: ChildProcess;
  let prometheusLog = '';

  /** An instant query: the result vector (labels and value). */
  async function query(expr: string, time?: number): Promise<Array<{ metric: Record<string, string>; value: number }>> {
    const args = ['netns', 'exec', ns, 'curl', '-sS', '--max-time', '10', '--get', '--data-urlencode', `query=${expr}`];
    if (time !== undefined) args.push('--data-urlencode', `time=${time}`);
    const { stdout } = await run('ip', [...args, `http://127.0.0.1:${PROMETHEUS_PORT}/api/v1/query`], { env: ENV });
    const answer = JSON.parse(stdout) as { status: string; error?: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
    if (answer.status !== 'success') throw new Error(`${expr}: ${answer.error}`);
    return answer.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }
  /** The one value of `expr` at `time` (undefined when the vector is empty). */
  async function value(expr: string, time?: number): Promise<number | undefined> {
    const result = await query(expr, time);
    if (result.length > 1) throw new Error(`${expr}: ${result.length} series`);
    return result[0]?.value;
  }
  /** Polls `probe` every 500 ms until it returns something, for up to `seconds`. */
  async function until<T>(what: string, seconds: number, probe: () => Promise<T | undefined>): Promise<T> {
    const end = Date.now() + seconds * 1000;
    for (;;) {
      const got = await probe().catch(() => undefined);
      if (got !== undefined) return got;
      if (Date.now() > end) throw new Error(`${what}: not within ${seconds} s\n${exporter?.stderr() ?? ''}${prometheusLog.slice(-2000)}`);
      await new Promise((done) => setTimeout(done, 500));
    }
  }

  beforeAll(async () => {
    execFileSync('ip', ['netns', 'add', ns], { env: ENV });
    cleanup.namespace(ns);
    execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up'], { env: ENV });
    dir = mkdtempSync(join(tmpdir(), 'fns-prom-'));
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        '  evaluation_interval: 1s',
        'rule_files:',
        `  - ${join(DOCS, 'alerts.yml')}`,
        'scrape_configs:',
        '  - job_name: fastnetstat',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${EXPORTER_PORT}']`,
        '',
      ].join('\n'),
    );
    exporter = await startExporter(cleanup, ['-t', '--listen', `127.0.0.1:${EXPORTER_PORT}`], ns);
    prometheus = cleanup.child(
      spawn(
        'ip',
        [
          'netns', 'exec', ns, 'prometheus',
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${PROMETHEUS_PORT}`,
          '--log.level=warn',
        ],
        { env: ENV, stdio: ['ignore', 'ignore', 'pipe'] },
      ),
    );
    prometheus.stderr!.on('data', (b: Buffer) => (prometheusLog += b.toString()));
    await until('the exporter up in Prometheus', 60, async () => ((await value('up{job="fastnetstat"}')) === 1 ? true : undefined));
  }, 120_000);

  afterAll(async () => {
    exporter?.child.kill('SIGTERM');
    prometheus?.kill('SIGTERM');
    await new Promise((done) => setTimeout(done, 500));
    cleanup.run();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a full accept queue: saturation reaches 1, the counts are right, overflows grow, the alerts see it', async () => {
    const overflowsBefore = await until('the overflow counter', 20, () => value('fastnetstat_tcp_listen_overflows_total'));
    const holder = cleanup.child(
      spawn('ip', ['netns', 'exec', ns, '/usr/bin/python3', '-c', HOLDER, String(HELD_PORT), String(BACKLOG), String(CLIENTS)], {
        env: ENV,
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    await new Promise((done) => holder.stdout!.once('data', done));

    const port = `port="${HELD_PORT}"`;
    const saturation = `fastnetstat_listen_queue_length{${port}} / fastnetstat_listen_queue_limit{${port}}`;
    await until('saturation 1', 30, async () => {
      const s = await value(saturation);
      return s !== undefined && s >= 1 ? s : undefined;
    });

    // every figure from one evaluation time (one scrape)
    const at = Date.now() / 1000;
    const [listener] = await query(`fastnetstat_listen_queue_length{${port}}`, at);
    expect(listener?.metric).toMatchObject({ protocol: 'tcp', address: '127.0.0.1', port: String(HELD_PORT), program: 'python3' });
    const waiting = listener!.value;
    // the kernel queues backlog + 1 connections before it drops SYNs
    expect(await value(`fastnetstat_listen_queue_limit{${port}}`, at)).toBe(BACKLOG);
    expect(waiting).toBe(BACKLOG + 1);
    expect(await value(saturation, at)).toBe((BACKLOG + 1) / BACKLOG);
    // the queued connections are the port's only connections; the other clients wait in SYN_SENT
    expect(await value(`fastnetstat_connections{${port},state="ESTABLISHED"}`, at)).toBe(waiting);
    expect(await value(`sum(fastnetstat_connections{${port}})`, at)).toBe(waiting);
    expect(await value('fastnetstat_sockets{protocol="tcp",state="SYN_SENT"}', at)).toBe(CLIENTS - waiting);
    // listeners: the holder's, the exporter's, Prometheus'
    expect(await value('fastnetstat_sockets{protocol="tcp",state="LISTEN"}', at)).toBe(3);
    // the holder owns its listener and its clients; queued, unaccepted connections have no owner yet
    expect(await value('fastnetstat_process_sockets{program="python3",protocol="tcp"}', at)).toBe(CLIENTS + 1);
    // Prometheus' own scrape connection is a connection to the exporter's port
    expect(await value(`fastnetstat_connections{port="${EXPORTER_PORT}",state="ESTABLISHED"}`, at)).toBeGreaterThanOrEqual(1);

    // the clients' SYNs are dropped and retried: the counter grows
    const first = (await value('fastnetstat_tcp_listen_overflows_total', at))!;
    expect(first).toBeGreaterThan(overflowsBefore);
    await until('overflows growing', 30, async () => {
      const now = await value('fastnetstat_tcp_listen_overflows_total');
      return now !== undefined && now > first ? now : undefined;
    });
    expect((await value('fastnetstat_tcp_listen_drops_total'))!).toBeGreaterThanOrEqual(first);

    // the shipped rules: overflows fire at once, saturation is pending its minute
    const alerts = await until('the alerts', 30, async () => {
      const { stdout } = await run('ip', ['netns', 'exec', ns, 'curl', '-sS', `http://127.0.0.1:${PROMETHEUS_PORT}/api/v1/alerts`], { env: ENV });
      const list = (JSON.parse(stdout) as { data: { alerts: Array<{ labels: Record<string, string>; state: string }> } }).data.alerts;
      const names = new Set(list.map((a) => a.labels.alertname));
      return names.has('FastnetstatListenOverflows') && names.has('FastnetstatListenQueueSaturated') ? list : undefined;
    });
    expect(alerts.find((a) => a.labels.alertname === 'FastnetstatListenOverflows')?.state).toBe('firing');
    const saturated = alerts.find((a) => a.labels.alertname === 'FastnetstatListenQueueSaturated');
    expect(saturated?.labels).toMatchObject({ port: String(HELD_PORT), program: 'python3', severity: 'warning' });
    expect(['pending', 'firing']).toContain(saturated?.state);
    expect(await value('fastnetstat:listen_queue_saturation:ratio{port="7000"}')).toBe((BACKLOG + 1) / BACKLOG);

    holder.kill('SIGKILL');
    // the exporter ran throughout
    expect(exporter.child.exitCode).toBeNull();
  }, 180_000);
});
