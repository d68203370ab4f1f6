/**
 * portOwners, listeners and watch against sockets this test opens, and the
 * error codes callers can rely on.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FastnetstatError,
  listeners,
  listenersSync,
  portOwners,
  portOwnersSync,
  sockets,
  watch,
  type InetSocket,
} from '@fastnetstat/core';

let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((s) => s.on('error', () => {}));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as { port: number }).port;
});
afterAll(() => server.close());

function connectTo(p: number): Promise<Socket> {
  return new Promise((done) => {
    const client = connect(p, '127.0.0.1', () => done(client));
  });
}

describe('portOwners', () => {
  it('finds the listener on an ephemeral port, owned by this process', async () => {
    const rows = await portOwners(port);
    expect(rows.map((r) => [r.table, r.localPort, r.state, r.pid])).toEqual([['tcp', port, 'LISTEN', process.pid]]);
    expect(portOwnersSync(port).map((r) => r.pid)).toEqual([process.pid]);
  });

  it('returns only sockets bound to that port (the kernel filters), connections included', async () => {
    const client = await connectTo(port);
    try {
      const rows = await portOwners(port, { protocol: 'tcp' });
      expect(rows.every((r) => r.localPort === port)).toBe(true);
      expect(rows.map((r) => r.state).sort()).toEqual(['ESTABLISHED', 'LISTEN']);
      // the client end is bound to its own ephemeral port, not this one
      expect(rows.some((r) => r.localPort === client.localPort)).toBe(false);
    } finally {
      client.destroy();
    }
  });

  it('gives the same rows from either source', async () => {
    // the listener only: connections of other tests may still be closing; /proc has no backlog
    const strip = (rows: InetSocket[]) =>
      rows.filter((r) => r.state === 'LISTEN').map((r) => ({ ...r.toJSON(), timer: undefined, listenBacklog: undefined }));
    expect(strip(await portOwners(port, { source: 'proc' }))).toEqual(strip(await portOwners(port, { source: 'netlink' })));
  });

  it('rejects a port out of range with EINVAL', async () => {
    for (const bad of [0, 65536, 1.5, -1]) {
      await expect(portOwners(bad)).rejects.toMatchObject({ name: 'FastnetstatError', code: 'EINVAL' });
    }
  });
});

describe('listeners', () => {
  it("holds this process's listener and no established connection", async () => {
    const client = await connectTo(port);
    try {
      const { inet } = await listeners();
      const ours = inet.filter((s) => s.localPort === port);
      expect(ours.map((s) => [s.state, s.pid])).toEqual([['LISTEN', process.pid]]);
      expect(inet.every((s) => s.protocol !== 'tcp' || s.state === 'LISTEN')).toBe(true);
      expect(listenersSync().inet.some((s) => s.localPort === port)).toBe(true);
    } finally {
      client.destroy();
    }
  });
});

describe('watch', () => {
  it('reports a connection opened, then closed', async () => {
    const controller = new AbortController();
    const snapshots = watch({ protocols: ['tcp'], families: ['inet'] }, { intervalMs: 50, signal: controller.signal });
    const first = await snapshots.next();
    expect(first.done).toBe(false);
    expect(first.value!.opened.length).toBe(first.value!.list.inet.length);

    const client = await connectTo(port);
    const clientPort = client.localPort; // gone from the socket once it is destroyed
    const mine = (s: { protocol: string }) => s.protocol === 'tcp' && (s as InetSocket).localPort === clientPort;
    let opened = false;
    for (let n = 0; n < 40 && !opened; n++) opened = (await snapshots.next()).value!.opened.some(mine);
    expect(opened).toBe(true);

    client.destroy();
    let closed = false;
    for (let n = 0; n < 40 && !closed; n++) closed = (await snapshots.next()).value!.closed.some(mine);
    expect(closed).toBe(true);

    controller.abort();
    expect((await snapshots.next()).done).toBe(true);
  });

  it('rejects a bad interval with EINVAL', async () => {
    await expect(watch({}, { intervalMs: -1 }).next()).rejects.toMatchObject({ code: 'EINVAL' });
  });
});

describe('errors', () => {
  it('are FastnetstatError with stable codes', async () => {
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => sockets({ source: 'bogus' as never }), 'EINVAL'],
      [() => sockets({ protocols: ['sctp' as never] }), 'EINVAL'],
      [() => sockets({ tcpStates: ['NOPE' as never] }), 'EINVAL'],
      [() => sockets({ procRoot: '/nonexistent/fastnetstat' }), 'ENOENT'],
      [() => sockets({ procRoot: '/etc/hostname' }), 'ENOTDIR'],
    ];
    for (const [call, code] of cases) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(FastnetstatError);
      expect(error).toMatchObject({ code });
      expect((error as Error).message).not.toContain('\n');
    }
  });
});
