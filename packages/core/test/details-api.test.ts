/**
 * The library's tcpInfo and memory options on this process's own loopback connection: every
 * listing function carries them (sockets, socketsSync, the streams, watch, tcpInfoInto), only
 * when asked, and a /proc source refuses them. (tests/details holds the values against ss.)
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyTcpInfo, sockets, socketsSync, streamSockets, streamSocketsSync, watch, type InetSocket } from '@fastnetstat/core';

let server: Server;
let client: Socket;
let port = 0;

beforeAll(async () => {
  server = createServer((s) => s.on('error', () => {}));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as { port: number }).port;
  client = connect(port, '127.0.0.1');
  await new Promise((done) => client.once('connect', done));
  await new Promise<void>((done) => client.write('x'.repeat(5000), () => done()));
});

afterAll(() => {
  client?.destroy();
  server?.close();
});

const OPTIONS = { tcpInfo: true, memory: true };
const mine = (rows: Iterable<InetSocket>) => [...rows].find((r) => r.remotePort === port && r.state === 'ESTABLISHED');

function expectDetails(row: InetSocket | undefined): void {
  expect(row).toBeDefined();
  const t = row!.tcpInfo!;
  expect(t.state).toBe(1);
  expect(t.congestion).toMatch(/^[a-z0-9_]+$/);
  expect(t.mss! > 0 && t.cwnd! > 0 && t.rttMs! > 0).toBe(true);
  expect(t.bytesAcked).toBeGreaterThanOrEqual(5000);
  expect(row!.memory!.sendBuffer).toBeGreaterThan(0);
  expect(row!.toJSON()).toMatchObject({ tcpInfo: t, memory: row!.memory });
}

describe('tcpInfo and memory', () => {
  it('sockets and socketsSync', async () => {
    expectDetails(mine((await sockets({ ...OPTIONS, tables: ['tcp'] })).inet));
    expectDetails(mine(socketsSync({ ...OPTIONS, tables: ['tcp'] }).inet));
  });

  it('streams, reused buffers included, and tcpInfoInto', async () => {
    for (const reuse of [false, true]) {
      let found = false;
      for (const chunk of streamSocketsSync({ ...OPTIONS, tables: ['tcp'] }, { reuse })) {
        const row = mine(chunk.inet);
        if (!row) continue;
        expectDetails(row);
        const into = emptyTcpInfo();
        expect(chunk.inet.tcpInfoInto(row.index, into)).toBe(into);
        expect(into).toEqual({ ...row.tcpInfo, lastSendMs: into.lastSendMs, lastReceiveMs: into.lastReceiveMs, lastAckMs: into.lastAckMs });
        found = true;
      }
      expect(found).toBe(true);
    }
    let found = false;
    for await (const chunk of streamSockets({ ...OPTIONS, tables: ['tcp'] })) {
      const row = mine(chunk.inet);
      if (!row) continue;
      expectDetails(row);
      found = true;
    }
    expect(found).toBe(true);
  });

  it('watch', async () => {
    const controller = new AbortController();
    for await (const event of watch({ ...OPTIONS, tables: ['tcp'] }, { intervalMs: 50, signal: controller.signal })) {
      expectDetails(mine(event.list.inet));
      controller.abort();
      break;
    }
  });

  it('nothing unless asked: null getters, no toJSON keys', () => {
    const row = mine(socketsSync({ tables: ['tcp'] }).inet)!;
    expect([row.tcpInfo, row.memory]).toEqual([null, null]);
    expect(Object.keys(row.toJSON())).not.toContain('tcpInfo');
    const memoryOnly = mine(socketsSync({ tables: ['tcp'], memory: true }).inet)!;
    expect([memoryOnly.tcpInfo, (memoryOnly.memory?.receiveBuffer ?? 0) > 0]).toEqual([null, true]);
    expect(Object.keys(memoryOnly.toJSON())).toEqual(expect.arrayContaining(['memory']));
    expect(Object.keys(memoryOnly.toJSON())).not.toContain('tcpInfo');
  });

  it('refused with a /proc source: EINVAL', () => {
    expect(() => socketsSync({ tables: ['tcp'], tcpInfo: true, source: 'proc' })).toThrow(expect.objectContaining({ code: 'EINVAL' }));
    expect(() => socketsSync({ tables: ['tcp'], memory: true, procRoot: '/proc' })).toThrow(expect.objectContaining({ code: 'EINVAL' }));
  });
});
