/**
 * The library's destroySockets, socketCloses and watch's closes from the kernel's notifications,
 * in a namespace of the suite's own that they enter through `netns` (root; skipped otherwise).
 * tests/kill/peer.py holds three connections to each of 7401, 7402 and 7403.
 */
import { destroySockets, FastnetstatError, socketCloses, watch, type InetSocket, type SocketCloseBatch } from '@fastnetstat/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, makeNamespace, type TestNamespace } from './namespace.js';

describe.skipIf(!isRoot)('destroySockets, socketCloses and watch in a namespace', () => {
  let ns: TestNamespace;
  const established = (port: number) => ns.ss(['state', 'established', `( sport = :${port} or dport = :${port} )`]);

  beforeAll(async () => {
    ns = await makeNamespace('killlib', ['w:7401', '7402', '7403']);
  });

  afterAll(() => ns?.remove());

  it('refuses without a filter expression, with an empty one and with unix sockets (EINVAL)', async () => {
    for (const options of [{}, { filter: '' }, { filter: [] }, { filter: 'sport = :7401', protocols: ['unix'] as const }]) {
      const error = await destroySockets({ netns: ns.name, ...options } as Parameters<typeof destroySockets>[0]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FastnetstatError);
      expect((error as FastnetstatError).code).toBe('EINVAL');
    }
    expect(established(7401)).toHaveLength(6);
  });

  it('closes what the expression selects, with its rows; the peers get the reset', async () => {
    const result = await destroySockets({ netns: ns.name, filter: 'state established sport = :7401', protocols: ['tcp'] });
    expect(result.failed).toEqual([]);
    expect(result.closed.map((s) => [s.localPort, s.state])).toEqual([
      [7401, 'ESTABLISHED'],
      [7401, 'ESTABLISHED'],
      [7401, 'ESTABLISHED'],
    ]);
    expect(result.closed.every((s) => s.inode > 0)).toBe(true);
    expect(established(7401)).toEqual([]);
    expect(ns.ss(['state', 'listening', '( sport = :7401 )'])).toHaveLength(1);
    expect(established(7402)).toHaveLength(6);
    const resets = await ns.peerSaid((line) => line.startsWith('reset 7401 '), 3);
    expect(resets.map((line) => Number(line.split(' ')[2])).sort()).toEqual(result.closed.map((s) => s.remotePort).sort());
  });

  it('socketCloses tells a close as it happens, with its row', async () => {
    const stop = new AbortController();
    const batches = socketCloses({ netns: ns.name, protocols: ['tcp'], filter: 'dport = :7402' }, { signal: stop.signal, waitMs: 200 });
    const told: SocketCloseBatch[] = [];
    const reading = (async () => {
      for await (const batch of batches) {
        told.push(batch);
        stop.abort();
      }
    })();
    await ns.tell('close 7402');
    await reading;
    const closes = told.flatMap((batch) => batch.closes);
    expect(closes).toHaveLength(1);
    expect(closes[0]!.socket.remotePort).toBe(7402);
    expect(closes[0]!.socket.state).toBe('CLOSE');
    expect(closes[0]!.time).toBeInstanceOf(Date);
  });

  it("watch reports a close from the notification, as the snapshot's row, before the next snapshot", async () => {
    const stop = new AbortController();
    const events = watch({ netns: ns.name, protocols: ['tcp'], filter: 'dport = :7403' }, { intervalMs: 600_000, signal: stop.signal, closes: 'notifications' });
    const first = await events.next();
    expect(first.done).toBe(false);
    expect(first.value!.notified).toBe(false);
    const listed = [...first.value!.list.inet] as InetSocket[];
    expect(listed.map((s) => s.remotePort)).toEqual([7403, 7403, 7403]);
    await ns.tell('close 7403');
    // the next snapshot is ten minutes away: this event is the notification's
    const second = await events.next();
    expect(second.value!.notified).toBe(true);
    expect(second.value!.opened).toEqual([]);
    expect(second.value!.closed).toHaveLength(1);
    const closed = second.value!.closed[0] as InetSocket;
    // matched to the snapshot's row: it has the inode the notification lacks
    expect(listed.map((s) => s.inode)).toContain(closed.inode);
    expect(closed.inode).toBeGreaterThan(0);
    stop.abort();
    await events.return(undefined);
  });

  it('watch of listeners only: the close of a connection it never listed is not told', async () => {
    const stop = new AbortController();
    const events = watch({ netns: ns.name, protocols: ['tcp'], tcpStates: ['LISTEN'] }, { intervalMs: 1500, signal: stop.signal, closes: 'notifications' });
    const first = await events.next();
    expect(([...first.value!.list.inet] as InetSocket[]).every((s) => s.state === 'LISTEN')).toBe(true);
    await ns.tell('close 7403');
    // the kernel tells that close at once; the next event must still be the next snapshot
    const second = await events.next();
    expect(second.value!.notified).toBe(false);
    expect(second.value!.closed).toEqual([]);
    stop.abort();
    await events.return(undefined);
  });
});
