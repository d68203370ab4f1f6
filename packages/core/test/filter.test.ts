/**
 * The library's `filter` option (ss's filter expressions) on sockets this test opens: every
 * listing function takes it, both sources give the same rows, the text and the words forms are
 * the same; a malformed expression or a wrong type is a FastnetstatError EINVAL with the
 * parser's one line; checkFilter tells the states of the clauses.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkFilter,
  FastnetstatError,
  listeners,
  portOwners,
  sockets,
  socketsSync,
  streamSockets,
  streamSocketsSync,
  watch,
  type InetSocket,
  type SocketsOptions,
} from '@fastnetstat/core';

let server: Server;
let port: number;
let client: Socket;
const accepted: Socket[] = [];

beforeAll(async () => {
  server = createServer((s) => accepted.push(s.on('error', () => {})));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as { port: number }).port;
  client = await new Promise<Socket>((done) => {
    const c = connect(port, '127.0.0.1', () => done(c));
  });
  while (accepted.length === 0) await new Promise((r) => setTimeout(r, 10));
});
afterAll(() => {
  client.destroy();
  for (const s of accepted) s.destroy();
  server.close();
});

/** What identifies a row here: its local and remote ports and state. */
const key = (s: InetSocket) => `${s.localPort}>${s.remotePort} ${s.state}`;
const keys = (rows: Iterable<InetSocket>) => [...rows].map(key).sort();

/** Throws the EINVAL of `run`, with its message. */
function einval(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(FastnetstatError);
    expect((error as FastnetstatError).code).toBe('EINVAL');
    return (error as FastnetstatError).message;
  }
  throw new Error('no error');
}

describe('the filter option', () => {
  const tcp: SocketsOptions = { protocols: ['tcp'], families: ['inet'] };

  it('selects the listener, the accepted end and the client of one port, in every state without a clause', async () => {
    const local = client.localPort!;
    const want = [`${port}>0 LISTEN`, `${port}>${local} ESTABLISHED`, `${local}>${port} ESTABLISHED`].sort();
    for (const source of ['netlink', 'proc'] as const) {
      const text = await sockets({ ...tcp, source, filter: `sport = :${port} or dport = :${port}` });
      expect(keys(text.inet), source).toEqual(want);
      const words = socketsSync({ ...tcp, source, filter: ['sport', '=', `:${port}`, 'or', 'dport', '=', `:${port}`] });
      expect(keys(words.inet), source).toEqual(want);
    }
  });

  it('state clauses choose the states', () => {
    const rows = socketsSync({ ...tcp, filter: `state established ( sport = :${port} or dport = :${port} )` });
    expect(keys(rows.inet)).toEqual([`${port}>${client.localPort} ESTABLISHED`, `${client.localPort}>${port} ESTABLISHED`].sort());
    const listening = socketsSync({ ...tcp, filter: ['state', 'listening', 'sport', '=', String(port)] });
    expect(keys(listening.inet)).toEqual([`${port}>0 LISTEN`]);
  });

  it('streamSockets and streamSocketsSync, listeners, portOwners and watch take it too', async () => {
    const filter = `dport = :${port}`;
    const streamed: InetSocket[] = [];
    for await (const chunk of streamSockets({ ...tcp, filter })) streamed.push(...chunk.inet);
    expect(keys(streamed)).toEqual([`${client.localPort}>${port} ESTABLISHED`]);
    const streamedSync: InetSocket[] = [];
    for (const chunk of streamSocketsSync({ ...tcp, filter })) streamedSync.push(...chunk.inet);
    expect(keys(streamedSync)).toEqual(keys(streamed));

    expect(keys((await listeners({ ...tcp, filter: `sport = :${port}` })).inet)).toEqual([`${port}>0 LISTEN`]);
    expect(keys((await listeners({ ...tcp, filter: `sport = :${port} and dport = :1` })).inet)).toEqual([]);
    expect(keys(await portOwners(port, { protocol: 'tcp', filter: 'state listening' }))).toEqual([`${port}>0 LISTEN`]);
    expect((await portOwners(port, { protocol: 'tcp', filter: `dport = :${client.localPort}` })).map((r) => r.pid)).toEqual([process.pid]);

    const controller = new AbortController();
    for await (const event of watch({ ...tcp, filter }, { intervalMs: 10, signal: controller.signal })) {
      expect(keys(event.opened as InetSocket[])).toEqual([`${client.localPort}>${port} ESTABLISHED`]);
      expect(event.list.unix.length).toBe(0);
      controller.abort();
    }
  });

  it('unix path patterns with filterFamily (or families: unix), or the unix: prefix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fns-filter-lib-'));
    const path = join(dir, 'x.sock');
    const unixServer = createServer();
    await new Promise<void>((done) => unixServer.listen(path, done));
    try {
      for (const options of [{ filterFamily: 'unix' as const }, { families: ['unix' as const] }, {}]) {
        const filter = 'filterFamily' in options || 'families' in options ? `src ${dir}/*.sock` : `src unix:${dir}/*.sock`;
        const rows = socketsSync({ protocols: ['unix'], ...options, filter });
        expect([...rows.unix].map((s) => s.path)).toEqual([path]);
      }
      expect(socketsSync({ families: ['unix'], protocols: ['unix'], filter: 'src /fns-no-such-dir/*' }).unix.length).toBe(0);
    } finally {
      unixServer.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a malformed expression: EINVAL with the parser message, naming the word and its place', () => {
    const message = einval(() => socketsSync({ filter: 'dport = :22 or' }));
    expect(message).toMatch(/^filter: .* at word \d+$/);
    expect(message.includes('\n')).toBe(false);
    expect(einval(() => socketsSync({ filter: ['dport', '=', ':22', 'or'] }))).toMatch(/'or'.* at word 4$/);
    for (const filter of ['state bogus', '( sport = :22', 'src', 'dport >']) einval(() => socketsSync({ filter }));
  });

  it('the async listing rejects with the same EINVAL; a stream throws when it is opened, as for any bad option', async () => {
    await expect(sockets({ filter: 'dport =' })).rejects.toMatchObject({ code: 'EINVAL' });
    expect(einval(() => streamSockets({ filter: ')' }))).toBe("filter: unexpected ')' at word 1");
  });

  it('an expression nested deeper than the parser allows: EINVAL, not a stack overflow of the process', async () => {
    const deep = `${'! '.repeat(100_000)}sport = :22`;
    expect(einval(() => socketsSync({ filter: deep }))).toBe("filter: the expression is too long (more than 512 words) at word 513");
    await expect(sockets({ filter: deep })).rejects.toMatchObject({ code: 'EINVAL' });
    expect(socketsSync({ filter: `${'! '.repeat(300)}sport = :22` }).inet.length).toBeGreaterThanOrEqual(0);
  });

  it('a filter that is neither a string nor words: EINVAL', () => {
    expect(einval(() => socketsSync({ filter: 22 as unknown as string }))).toBe('filter must be a string or an array of strings');
    expect(einval(() => socketsSync({ filter: ['dport', 22] as unknown as string[] }))).toBe('filter must be a string or an array of strings');
    expect(einval(() => socketsSync({ filter: 'src *', filterFamily: 'ipx' as 'unix' }))).toMatch(/unknown filter family 'ipx'/);
  });
});

describe('checkFilter', () => {
  it('tells the states of the clauses, ss style', () => {
    expect(checkFilter('dport = :22')).toEqual({ empty: false, expression: true });
    expect(checkFilter('')).toEqual({ empty: true, expression: false });
    expect(checkFilter([])).toEqual({ empty: true, expression: false });
    expect(checkFilter('state established')).toEqual({ empty: false, expression: false, states: ['ESTABLISHED'] });
    expect(checkFilter('state established dport = :22').expression).toBe(true);
    expect(checkFilter('state established').states).toEqual(['ESTABLISHED']);
    expect(checkFilter(['state', 'established', 'state', 'listening']).states).toEqual(['ESTABLISHED', 'LISTEN']);
    expect(checkFilter('state bucket').states).toEqual(['SYN_RECV', 'TIME_WAIT']);
    expect(checkFilter('exclude connected').states).toEqual(['CLOSE', 'LISTEN']);
    // clauses that leave no state: ss ignores the empty mask and keeps its default, connected sockets
    expect(checkFilter(['state', 'established', 'exclude', 'established']).states).toEqual([
      'ESTABLISHED', 'SYN_SENT', 'FIN_WAIT1', 'FIN_WAIT2', 'CLOSE_WAIT', 'LAST_ACK', 'CLOSING',
    ]);
  });

  it('throws what the listing throws', () => {
    expect(einval(() => checkFilter('sport ='))).toBe(einval(() => socketsSync({ filter: 'sport =' })));
  });
});

describe('a Rust panic while parsing or listing with a filter', () => {
  const root = resolve(__dirname, '../../..');
  const env = { ...process.env, FASTNETSTAT_TEST_PANIC: '1' };

  it('is EPANIC in the library (checkFilter, socketsSync, sockets), and Node carries on', () => {
    const script = `
      const { checkFilter, socketsSync, sockets } = require('@fastnetstat/core');
      const codes = [];
      for (const call of [() => checkFilter('dport = :22'), () => socketsSync({ filter: 'dport = :22' }), () => socketsSync({ filter: 'dport =' })]) {
        try { call(); codes.push('no error'); } catch (e) { codes.push(e.code); }
      }
      sockets({ filter: ['sport', '=', ':22'] }).then(() => codes.push('no error'), (e) => codes.push(e.code)).then(() => console.log(JSON.stringify(codes)));`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: root, env, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(['EPANIC', 'EPANIC', 'EPANIC', 'EPANIC']);
    expect(r.status).toBe(0);
  });

  it('is one line and exit 1 in the CLI, not a usage error', () => {
    const r = spawnSync(resolve(root, 'node_modules/.bin/fastnetstat'), ['-tan', 'dport', '=', ':22'], { env, encoding: 'utf8' });
    expect(r.stderr).toBe('fastnetstat: internal error in fastnetstat core: panic requested by FASTNETSTAT_TEST_PANIC\n');
    expect(r.stdout).toBe('');
    expect(r.status).toBe(1);
  });
});
