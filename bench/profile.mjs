#!/usr/bin/env node
// Where a fastnetstat run spends its time, phase by phase (bench/lib/phases.cjs),
// on a real table. Needs root.
//
//   node bench/profile.mjs [--size 48000] [--runs 7] [--out bench/results/profile-48k]
//
// Per CLI command: median of whole-process wall time and of the phases
// boot (Node bootstrap), load (CLI bundle + arguments), addon (require of the
// .node), native (the Rust call, wall), after (decode + format + write),
// teardown (process.exit -> wait4 returns). Plus the floors: node -e 0, ss.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CHILD_ENV, CLI, opt } from './lib/measure.mjs';
import { BENCH_DIR, cProgram, machine, Namespace } from './lib/netns.mjs';

const size = Number(opt('size', 48000));
const runs = Number(opt('runs', 7));
const out = resolve(opt('out', join(BENCH_DIR, 'results', `profile-${Math.round(size / 1000)}k`)));

const cli = CLI;
const node = process.execPath;
const phases = join(BENCH_DIR, 'lib', 'phases.cjs');
const timeit = cProgram('timeit');
const scratch = mkdtempSync(join(tmpdir(), 'fns-prof-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

const CASES = [
  { label: 'node -e 0', cmd: [node, '-e', '0'] },
  { label: 'node --require phases.cjs -e 0', cmd: [node, '--require', phases, '-e', '0'] },
  ...['-tan', '-tanp', '-tlnp', '-tln', '-tan --source proc', '-V'].map((a) => ({
    label: `fastnetstat ${a}`, cmd: [node, '--require', phases, cli, ...a.split(' ')], phases: true,
  })),
  { label: 'ss -tan', cmd: ['ss', '-tan'] },
  { label: 'ss -tanp', cmd: ['ss', '-tanp'] },
  { label: 'ss -tlnp', cmd: ['ss', '-tlnp'] },
];

function run(ns, cmd) {
  const err = join(scratch, 'stderr');
  return new Promise((res) => {
    const child = spawn(timeit, ['-n', ns.path, '/dev/null', err, ...cmd], { stdio: ['ignore', 'pipe', 'inherit'], env: CHILD_ENV });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.on('exit', () => {
      const [wall, rss, status] = text.trim().split(' ').map(Number);
      const line = readFileSync(err, 'utf8').split('\n').find((l) => l.startsWith('FNS_PHASES '));
      res({ wall: wall / 1e6, rss, status, phases: line ? JSON.parse(line.slice(11)) : null });
    });
  });
}
const median = (xs) => {
  const s = xs.filter((x) => x != null).sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : null;
};

const ns = new Namespace().create();
const table = await ns.populate(size);
const samples = CASES.map(() => []);
for (let r = -1; r < runs; r++) {
  for (let i = 0; i < CASES.length; i++) {
    const s = await run(ns, CASES[i].cmd);
    if (r >= 0) samples[i].push(s);
  }
}
await ns.destroy();

const f = (x) => (x == null ? '–' : x.toFixed(1));
const L = [
  `# Phases of a fastnetstat run, ${table.established} established TCP sockets (${table.holders} holders)`, '',
  `${new Date().toISOString()}, ${machine().nproc} CPUs, Linux ${machine().kernel}; median of ${runs} runs, ms. ` +
  'boot: Node bootstrap to the first preloaded line; load: CLI bundle compiled and run, arguments parsed, until ' +
  'the addon is required; addon: require of @fastnetstat/native; native: the Rust call (wall, off the main thread ' +
  'for the async API); after: decoding, names, formatting and writing, until process.exit; teardown: process.exit ' +
  'to wait4 in the parent. Phases are medians each, so they need not add up to the wall median exactly.', '',
  '| command | wall | boot | load | addon | native | after | teardown | wire bytes | peak RSS MiB |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
];
CASES.forEach((c, i) => {
  const s = samples[i];
  const p = (k) => median(s.map((x) => x.phases?.[k]));
  const teardown = c.phases ? median(s.map((x) => (x.phases ? x.wall - x.phases.exit : null))) : null;
  L.push(`| ${c.label} | ${f(median(s.map((x) => x.wall)))} | ${f(p('boot'))} | ${f(p('load'))} | ${f(p('addon'))} | ` +
    `${f(p('native'))} | ${f(p('after'))} | ${f(teardown)} | ${p('bytes') ?? '–'} | ${f(median(s.map((x) => x.rss / 1024)))} |`);
});
const md = L.join('\n') + '\n';
writeFileSync(`${out}.md`, md);
process.stdout.write(md);
