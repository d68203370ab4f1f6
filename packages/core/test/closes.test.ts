/**
 * destroySockets and socketCloses without privilege or namespaces: what they refuse before the
 * kernel is asked, and a panic of the core coming back as EPANIC (library) and one line (CLI).
 * The kernel's side is in tests/kill (a namespace of their own, as root).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { destroySockets, FastnetstatError, socketCloses, watch } from '@fastnetstat/core';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../../..');

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    return error instanceof FastnetstatError ? error.code : String(error);
  }
}

describe('destroySockets refuses before asking the kernel', () => {
  it.each([
    ['no filter', {}],
    ['an empty filter', { filter: '' }],
    ['a blank filter', { filter: '   ' }],
    ['no words', { filter: [] }],
    ['state clauses alone', { filter: 'state established' }],
    ['state clauses alone, as words', { filter: ['exclude', 'listening'] }],
    ['unix sockets', { filter: 'sport = :1', protocols: ['unix'] }],
    ['the unix table', { filter: 'sport = :1', tables: ['tcp', 'unix'] }],
    ['every namespace', { filter: 'sport = :1', netns: 'all' }],
    ['a malformed expression', { filter: 'sport = :1 or' }],
  ])('%s: EINVAL', async (_what, options) => {
    expect(await codeOf(destroySockets(options as Parameters<typeof destroySockets>[0]))).toBe('EINVAL');
  });
});

describe('socketCloses refuses at the call', () => {
  it.each([
    ['no tcp or udp table', { protocols: ['raw', 'unix'] }],
    ['a copy of /proc', { procRoot: '/proc' }],
    ['the /proc source', { source: 'proc' }],
    ['every namespace', { netns: 'all' }],
  ])('%s: EINVAL', (_what, options) => {
    expect(() => socketCloses(options as Parameters<typeof socketCloses>[0])).toThrow(expect.objectContaining({ code: 'EINVAL' }));
  });

  it('a bad waitMs, and watch with a bad closes: EINVAL', async () => {
    expect(() => socketCloses({}, { waitMs: -1 })).toThrow(expect.objectContaining({ code: 'EINVAL' }));
    expect(await codeOf(watch({}, { closes: 'sometimes' as 'auto' }).next())).toBe('EINVAL');
  });

  it('ends at once when its signal aborts (the wait in progress returns)', async () => {
    const stop = new AbortController();
    const closes = socketCloses({ protocols: ['tcp'] }, { signal: stop.signal, waitMs: 600_000 });
    const next = closes.next();
    setTimeout(() => stop.abort(), 50);
    expect(await next).toEqual({ done: true, value: undefined });
  });
});

describe('a panic in the core', () => {
  const env = { ...process.env, FASTNETSTAT_TEST_PANIC: '1' };

  it('is EPANIC from destroySockets and socketCloses', () => {
    const script = `
      const { destroySockets, socketCloses } = require('@fastnetstat/core');
      const codes = [];
      try { socketCloses({ protocols: ['tcp'] }); codes.push('no error'); } catch (e) { codes.push(e.code); }
      destroySockets({ filter: 'sport = :1', protocols: ['tcp'] }).then(() => codes.push('no error'), (e) => codes.push(e.code))
        .then(() => console.log(JSON.stringify(codes)));`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: root, env, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(['EPANIC', 'EPANIC']);
  });

  it.each([[['-tn', '--kill', 'sport = :1']], [['-tn', '--events']]])('is one line and exit 1 in the CLI: %s', (args) => {
    const r = spawnSync(resolve(root, 'node_modules/.bin/fastnetstat'), args, { env, encoding: 'utf8' });
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^fastnetstat: internal error in fastnetstat core: [^\n]*\n$/);
    expect(r.status).toBe(1);
  });
});
