/**
 * streamSockets / streamSocketsSync: the rows of a listing a chunk at a time.
 * Over captured tables (fixed content) the chunks must add up to exactly what
 * socketsSync returns; on the live system a socket of ours must appear once.
 */
import net from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  FastnetstatError,
  socketsSync,
  streamSockets,
  streamSocketsSync,
  type SocketChunk,
  type SocketsOptions,
  type TableName,
} from '@fastnetstat/core';
import { describe, expect, it } from 'vitest';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const LIVE = join(REPO, 'fixtures/proc/live');
const MALFORMED = join(REPO, 'fixtures/proc/malformed');

interface Gathered {
  inet: unknown[];
  unix: unknown[];
  /** per table: status of its last chunk, bogus lines over its chunks, chunk count */
  tables: Array<{ table: TableName; status: string; bogusLines: number; chunks: number }>;
}

/** Reads each chunk completely before the next is taken (what a reused buffer requires). */
function gather(chunks: Iterable<SocketChunk>): Gathered {
  const out: Gathered = { inet: [], unix: [], tables: [] };
  let current: Gathered['tables'][number] | undefined;
  for (const chunk of chunks) {
    if (current === undefined) {
      current = { table: chunk.table, status: '', bogusLines: 0, chunks: 0 };
      out.tables.push(current);
    }
    expect(chunk.table).toBe(current.table);
    current.chunks++;
    current.bogusLines += chunk.report(chunk.table).bogusLines;
    out.inet.push(...chunk.inet.toJSON());
    out.unix.push(...chunk.unix.toJSON());
    for (const row of chunk.inet) expect(row.table).toBe(chunk.table);
    if (chunk.last) {
      current.status = chunk.report(chunk.table).status;
      current = undefined;
    }
  }
  expect(current, 'the last table ended').toBeUndefined();
  return out;
}

function whole(options: SocketsOptions): Gathered {
  const list = socketsSync(options);
  return {
    inet: list.inet.toJSON(),
    unix: list.unix.toJSON(),
    tables: list.reports.map((r) => ({ table: r.table, status: r.status, bogusLines: r.bogusLines, chunks: 0 })),
  };
}

const withoutChunkCounts = (g: Gathered) => ({ ...g, tables: g.tables.map(({ chunks: _, ...t }) => t) });

describe('streamed listings', () => {
  for (const [name, procRoot] of [['live fixture', LIVE], ['malformed fixture', MALFORMED]] as const) {
    it(`add up to the whole listing: ${name}, sync, async, reused buffer`, async () => {
      const options: SocketsOptions = { procRoot };
      const expected = withoutChunkCounts(whole(options));
      expect(expected.inet.length + expected.unix.length).toBeGreaterThan(0);
      expect(withoutChunkCounts(gather(streamSocketsSync(options)))).toEqual(expected);
      expect(withoutChunkCounts(gather(streamSocketsSync(options, { reuse: true })))).toEqual(expected);
      const chunks: SocketChunk[] = [];
      for await (const chunk of streamSockets(options)) chunks.push(chunk);
      // without reuse every chunk stays valid after the next is taken
      expect(withoutChunkCounts(gather(chunks))).toEqual(expected);
    });
  }

  it('gives every selected table in order, a missing one as one empty chunk', () => {
    const tables: TableName[] = ['tcp', 'udp6', 'raw', 'unix'];
    const got = gather(streamSocketsSync({ procRoot: MALFORMED, tables }));
    expect(got.tables.map((t) => t.table)).toEqual(tables);
    const missing = got.tables.filter((t) => t.status === 'missing');
    expect(missing.map((t) => t.table)).toEqual(['udp6']);
    expect(missing[0]!.chunks).toBe(1);
  });

  it('stops when the loop is left, and the next listing works', () => {
    for (const chunk of streamSocketsSync({ procRoot: LIVE })) {
      expect(chunk.table).toBe('tcp');
      break;
    }
    expect(gather(streamSocketsSync({ procRoot: LIVE })).tables.length).toBe(9);
  });

  it('rejects bad options at the call, with FastnetstatError', () => {
    expect(() => streamSocketsSync({ source: 'carrier-pigeon' as never })).toThrow(FastnetstatError);
    expect(() => streamSockets({ procRoot: join(REPO, 'no-such-dir') })).toThrow(FastnetstatError);
  });

  it('shows a live listener of ours once, with its owner, on both sources', async () => {
    const server = net.createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as net.AddressInfo).port;
    try {
      for (const source of ['netlink', 'proc'] as const) {
        let found = 0;
        for await (const chunk of streamSockets({ tables: ['tcp', 'tcp6'], processes: true, source })) {
          for (const row of chunk.inet) {
            if (row.localPort !== port) continue;
            found++;
            expect(row.pid).toBe(process.pid);
          }
        }
        expect(found, source).toBe(1);
      }
    } finally {
      server.close();
    }
  });
});
