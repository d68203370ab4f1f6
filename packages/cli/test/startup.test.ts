/**
 * What a listing loads: Node's built-in modules a plain `fastnetstat -tln` (the most common
 * one-shot use) makes Node load, beyond what `node -e 0` loads. Each costs start-up time at every
 * run, so the ones only some modes need (child processes, sockets, HTTP, compression) must load
 * on first use, not at start. Not a timing test: it reads process.moduleLoadList.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, REPO } from './oracle.js';

/** The launcher itself (node_modules/.bin's is a pnpm shell wrapper around it). */
const BIN = join(REPO, 'packages/cli/bin/fastnetstat.cjs');

const dir = mkdtempSync(join(tmpdir(), 'fastnetstat-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Node's modules a run of the CLI with `args` loaded after start-up (fd 3 gets them). */
function loadedBy(args: string[]): string[] {
  const preload = join(dir, 'record.cjs');
  writeFileSync(
    preload,
    `const before = new Set(process.moduleLoadList);
process.on('exit', () => require('node:fs').writeSync(3, JSON.stringify(process.moduleLoadList.filter((m) => !before.has(m)))));\n`,
  );
  const r = spawnSync(process.execPath, ['-r', preload, BIN, ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    env: { ...process.env, NODE_EXTRA_CA_CERTS: '' },
  });
  expect(r.status, r.stderr?.toString()).toBe(0);
  return JSON.parse(r.output[3]!.toString()) as string[];
}

const HEAVY = ['NativeModule child_process', 'NativeModule net', 'NativeModule dgram', 'NativeModule http', 'NativeModule zlib', 'NativeModule stream'];

describe('start-up', () => {
  for (const args of [['-tln'], ['-tn', 'dport = :22'], ['-tan', '--json']]) {
    it(`${args.join(' ')} loads none of ${HEAVY.map((m) => m.split(' ')[1]).join(', ')}`, () => {
      const loaded = loadedBy(args);
      expect(loaded.length).toBeGreaterThan(0); // the recorder works: the CLI itself loads vm and module
      expect(loaded.filter((m) => HEAVY.includes(m))).toEqual([]);
    });
  }

  it('--prometheus --listen still checks its address with node:net', () => {
    const r = spawnSync(CLI, ['--prometheus', '--listen', '[::1]:99999'], { cwd: REPO });
    expect(r.status).toBe(1);
    expect(r.stderr.toString()).toMatch(/^fastnetstat: --listen '\[::1\]:99999': not \[HOST:\]PORT/);
    expect(spawnSync(CLI, ['--prometheus', '--listen', '[::1x]:9'], { cwd: REPO }).status).toBe(1);
  });
});
