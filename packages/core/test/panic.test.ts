/**
 * A panic in the native core comes back as a FastnetstatError (code EPANIC),
 * in the library and in the CLI, and never takes Node down.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../../..');
const env = { ...process.env, FASTNETSTAT_TEST_PANIC: '1' };

describe('a Rust panic at the boundary', () => {
  it('is a FastnetstatError in the library, sync and async, and Node carries on', () => {
    const script = `
      const { socketsSync, sockets, routesSync, FastnetstatError } = require('@fastnetstat/core');
      const codes = [];
      for (const call of [() => socketsSync(), () => routesSync()]) {
        try { call(); codes.push('no error'); } catch (e) { codes.push(e instanceof FastnetstatError ? e.code : String(e)); }
      }
      sockets().then(() => codes.push('no error'), (e) => codes.push(e.code)).then(() => console.log(JSON.stringify(codes)));`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: root, env, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(['EPANIC', 'EPANIC', 'EPANIC']);
    expect(r.status).toBe(0);
  });

  it('is one line and exit 1 in the CLI', () => {
    const r = spawnSync(resolve(root, 'node_modules/.bin/fastnetstat'), ['-tan'], { env, encoding: 'utf8' });
    expect(r.stderr).toBe('fastnetstat: internal error in fastnetstat core: panic requested by FASTNETSTAT_TEST_PANIC\n');
    expect(r.status).toBe(1);
  });
});
