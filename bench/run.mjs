#!/usr/bin/env node
// fastnetstat against ss, netstat, psutil, systeminformation and pid-port on
// real socket tables. Needs root (network namespaces), gcc, ss, netstat,
// Debian's python3-psutil (/usr/bin/python3) and a built workspace.
//
//   node bench/run.mjs [--sizes 1000,10000,48000,100000] [--rounds 5]
//                      [--udp 0] [--unix 0] [--only REGEX] [--out bench/results/latest]
//                      [--containers | --no-containers]
//
// --containers runs only the container-host case (see below) and merges it into
// the existing OUT.json; --no-containers skips it; by default it runs after the sizes.
//
// For each size: a fresh namespace with that many established loopback TCP
// sockets (both ends counted), then ONE interleaved run: a warm-up round
// (checks every tool exits 0, counts its output lines), then ROUNDS rounds
// over all tools, each round starting one tool further on. Whole-process wall
// time and peak RSS come from bench/c/timeit.c (fork/exec/wait4, stdout to
// /dev/null); in-process times are printed by the tools/ scripts themselves.
// Writes OUT.json, OUT.md and OUT.svg.
//
// The container-host case (lib/containers.mjs): 96 network namespaces, each
// held by one process in its own container-shaped cgroup with 500 established
// sockets (48,000 in all): `fastnetstat --all-netns -tan`/`-tanp` (run in the
// host's namespace) and a shell loop of `nsenter --net=/proc/PID/ns/net ss -tan`
// over the 96; then, in the same run, the same 48,000 sockets in one namespace:
// `fastnetstat -tan`/`-tanp` there. The two tables never exist at the same time
// (--all-netns would list both).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { ContainerFleet } from './lib/containers.mjs';
import { BENCH_DIR, cProgram, FIRST_PORT, machine, Namespace } from './lib/netns.mjs';
import { CLI, opt, Quiet, requireRoot, stats, timeit } from './lib/measure.mjs';
import { markdown, markdownContainers, svg } from './lib/report.mjs';

const args = process.argv.slice(2);
const containersOnly = args.includes('--containers');
const withContainers = !args.includes('--no-containers');
const sizes = (containersOnly ? opt('sizes', '') : opt('sizes', '1000,10000,48000,100000')).split(',').filter(Boolean).map(Number);
const rounds = Number(opt('rounds', 5));
const udp = Number(opt('udp', 0));
const unix = Number(opt('unix', 0));
const only = opt('only', null) && new RegExp(opt('only'));
const out = resolve(opt('out', join(BENCH_DIR, 'results', 'latest')));
// Other work on the machine (builds, test suites) skews single samples: before
// each measurement wait, up to quietWait seconds, until the CPUs were less
// than `quiet` busy (fraction of all CPUs) over 100 ms.
const quiet = Number(opt('quiet', 0.2));
const quietWait = Number(opt('quiet-wait', 20));

requireRoot('bench/run.mjs');

const cli = CLI;
const node = process.execPath;
const py = '/usr/bin/python3'; // Debian's python3-psutil lives there, not in pyenv's python
const tools = (p) => join(BENCH_DIR, 'tools', p);
// the command users run: the bin file itself (its sh line starts Node without a CA bundle)
const fns = (...a) => [cli, ...a];

// kind: 'cli' (stdout to /dev/null), 'inproc' (prints JSON with its own timing).
const TOOLS = [
  { id: 'node-e0', label: 'node -e 0', cmd: [node, '-e', '0'] },
  { id: 'cat-tcp', label: 'cat /proc/net/tcp', cmd: ['cat', '/proc/net/tcp'] },
  { id: 'fns-tan', label: 'fastnetstat -tan', cmd: fns('-tan') },
  { id: 'ss-tan', label: 'ss -tan', cmd: ['ss', '-tan'] },
  { id: 'netstat-tan', label: 'netstat -tan', cmd: ['netstat', '-tan'] },
  { id: 'fns-tan-proc', label: 'fastnetstat -tan --source proc', cmd: fns('-tan', '--source', 'proc') },
  { id: 'fns-tanp', label: 'fastnetstat -tanp', cmd: fns('-tanp') },
  { id: 'fns-prom', label: 'fastnetstat --prometheus -t', cmd: fns('--prometheus', '-t') },
  { id: 'ss-tanp', label: 'ss -tanp', cmd: ['ss', '-tanp'] },
  { id: 'fns-tn-info', label: 'fastnetstat --tcp-info -tn', cmd: fns('--tcp-info', '-tn') },
  { id: 'ss-tin', label: 'ss -tin', cmd: ['ss', '-tin'] },
  { id: 'netstat-tanp', label: 'netstat -tanp', cmd: ['netstat', '-tanp'] },
  { id: 'fns-tlnp', label: 'fastnetstat -tlnp', cmd: fns('-tlnp') },
  { id: 'ss-tlnp', label: 'ss -tlnp', cmd: ['ss', '-tlnp'] },
  { id: 'netstat-tlnp', label: 'netstat -tlnp', cmd: ['netstat', '-tlnp'] },
  { id: 'fns-tln', label: 'fastnetstat -tln', cmd: fns('-tln') },
  { id: 'ss-tln', label: 'ss -tln', cmd: ['ss', '-tln'] },
  { id: 'netstat-tln', label: 'netstat -tln', cmd: ['netstat', '-tln'] },
  // a filter expression that one connection matches (PORT: a client's port, so `dport` selects
  // the accepted end of that connection alone): the kernel skips the rest of the table
  { id: 'fns-tn-dport', label: "fastnetstat -tn 'dport = :PORT'", cmdFor: (port) => fns('-tn', `dport = :${port}`) },
  { id: 'ss-tn-dport', label: "ss -tn 'dport = :PORT'", cmdFor: (port) => ['ss', '-tn', `dport = :${port}`] },
  { id: 'api', label: '@fastnetstat/core sockets() (process)', inner: '@fastnetstat/core sockets()', cmd: [node, tools('api.mjs')] },
  { id: 'psutil', label: "psutil net_connections('inet') (process)", inner: "psutil net_connections('inet')", cmd: [py, tools('psutil_conn.py')] },
  { id: 'si', label: 'systeminformation networkConnections() (process)', inner: 'systeminformation networkConnections()', cmd: [node, tools('si.mjs')] },
  { id: 'pidport', label: `pid-port portToPid(${FIRST_PORT}) (process)`, inner: `pid-port portToPid(${FIRST_PORT})`, cmd: [node, tools('pidport.mjs'), String(FIRST_PORT)] },
].filter((t) => !only || only.test(t.id) || only.test(t.label));

const timeitProgram = cProgram('timeit');
cProgram('holder');
const scratch = mkdtempSync(join(tmpdir(), 'fns-bench-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

const quietness = new Quiet(quiet, quietWait);
const run = (ns, tool, stdoutFile) => timeit(timeitProgram, ns, scratch, tool, stdoutFile);

const result = {
  date: new Date().toISOString(),
  machine: machine(),
  cli: relative(process.cwd(), cli),
  rounds,
  quiet: { threshold: quiet, maxWaitSeconds: quietWait },
  env: 'tools run without NODE_EXTRA_CA_CERTS and NODE_OPTIONS',
  sizeMeaning: 'established TCP sockets in the namespace, counting both ends (pairs = size / 2), plus one listener per holder',
  sizes: [],
};

for (const size of sizes) {
  const ns = new Namespace().create();
  const table = await ns.populate(size, { udp, unix });
  table.census = ns.census();
  table.filterPort = ns.clientPort();
  for (const tool of TOOLS) if (tool.cmdFor) tool.cmd = tool.cmdFor(table.filterPort);
  console.error(`\n== ${size}: ${table.established} established in ${table.holders} holders, ${table.listeners} listeners, built in ${table.seconds.toFixed(2)} s; ss counts ${JSON.stringify(table.census)}`);

  const per = Object.fromEntries(TOOLS.map((t) => [t.id, { wall: [], rss: [], inner: [], innerWarm: [], busy: [], failed: null, lines: null }]));
  const p_busy = (id, b) => per[id].busy.push(+b.toFixed(2));
  const noisyBefore = quietness.noisy;
  // Warm-up round: page cache, lazy kernel state; checks each tool works and what it printed.
  for (const tool of TOOLS) {
    const file = join(scratch, 'stdout');
    const r = await run(ns, tool, file);
    const text = readFileSync(file, 'utf8');
    const p = per[tool.id];
    p.lines = text.split('\n').filter(Boolean).length;
    if (r.status !== 0) p.failed = `exit ${r.status}: ${r.stderr}`;
    if (tool.inner && r.status === 0) p.sample = JSON.parse(text.trim().split('\n').pop());
    console.error(`  warm-up ${tool.label.padEnd(52)} ${r.ms.toFixed(1).padStart(8)} ms  ${String(p.lines).padStart(6)} lines${p.failed ? `  FAILED ${p.failed}` : ''}`);
  }
  for (let round = 0; round < rounds; round++) {
    const order = TOOLS.map((_, i) => TOOLS[(i + round) % TOOLS.length]).filter((t) => !per[t.id].failed);
    for (const tool of order) {
      const file = tool.inner ? join(scratch, 'stdout') : '/dev/null';
      p_busy(tool.id, await quietness.wait());
      const r = await run(ns, tool, file);
      const p = per[tool.id];
      if (r.status !== 0) {
        p.failed = `exit ${r.status} in round ${round + 1}: ${r.stderr}`;
        continue;
      }
      p.wall.push(r.ms);
      p.rss.push(r.rssKiB);
      if (tool.inner) {
        const j = JSON.parse(readFileSync(file, 'utf8').trim().split('\n').pop());
        p.inner.push(j.ms);
        if (j.warmMs !== undefined) p.innerWarm.push(j.warmMs);
      }
    }
    process.stderr.write(`  round ${round + 1}/${rounds} done\n`);
  }
  await ns.destroy();

  const toolsOut = {};
  for (const tool of TOOLS) {
    const p = per[tool.id];
    toolsOut[tool.id] = {
      label: tool.label,
      inner: tool.inner ?? null,
      cmd: tool.cmd.map((c) => (c === node ? 'node' : c.startsWith(BENCH_DIR) ? relative(BENCH_DIR, c) : c)).join(' '),
      wallMs: stats(p.wall),
      innerMs: stats(p.inner),
      innerWarmMs: stats(p.innerWarm),
      rssKiB: stats(p.rss),
      lines: p.lines,
      sample: p.sample ?? null,
      failed: p.failed,
      samples: { wallMs: p.wall.map((x) => +x.toFixed(3)), innerMs: p.inner.map((x) => +x.toFixed(3)), busyBefore: p.busy },
    };
  }
  table.noisySamples = quietness.noisy - noisyBefore;
  result.sizes.push({ size, table, tools: toolsOut });
  console.error(markdown(result, { brief: true }));
  // Written after every size, so an interrupted run keeps what it measured.
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(`${out}.json`, JSON.stringify(result, null, 2) + '\n');
  writeFileSync(`${out}.md`, markdown(result));
  writeFileSync(`${out}.svg`, svg(result));
}

/** Warm-up, then `rounds` interleaved rounds over `tools`, all run in `ns` (null: ours). */
async function measure(ns, tools) {
  const per = Object.fromEntries(tools.map((t) => [t.id, { wall: [], rss: [], failed: null, lines: null }]));
  for (const tool of tools) {
    const file = join(scratch, 'stdout');
    const r = await run(ns, tool, file);
    const p = per[tool.id];
    p.lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
    if (r.status !== 0) p.failed = `exit ${r.status}: ${r.stderr}`;
    console.error(`  warm-up ${tool.label.padEnd(60)} ${r.ms.toFixed(1).padStart(8)} ms  ${String(p.lines).padStart(6)} lines${p.failed ? `  FAILED ${p.failed}` : ''}`);
  }
  for (let round = 0; round < rounds; round++) {
    for (const tool of tools.map((_, i) => tools[(i + round) % tools.length]).filter((t) => !per[t.id].failed)) {
      await quietness.wait();
      const r = await run(ns, tool, '/dev/null');
      if (r.status !== 0) per[tool.id].failed = `exit ${r.status} in round ${round + 1}: ${r.stderr}`;
      else {
        per[tool.id].wall.push(r.ms);
        per[tool.id].rss.push(r.rssKiB);
      }
    }
    process.stderr.write(`  round ${round + 1}/${rounds} done\n`);
  }
  return Object.fromEntries(tools.map((t) => {
    const p = per[t.id];
    return [t.id, {
      label: t.label,
      cmd: t.cmd.map((c) => (c === node ? 'node' : c.startsWith(BENCH_DIR) ? relative(BENCH_DIR, c) : c)).join(' ').slice(0, 200),
      wallMs: stats(p.wall), rssKiB: stats(p.rss), lines: p.lines, failed: p.failed,
      samples: { wallMs: p.wall.map((x) => +x.toFixed(3)) },
    }];
  }));
}

if (withContainers) {
  const count = Number(opt('ct-namespaces', 96));
  const perNs = Number(opt('ct-sockets', 500));
  const noisyBefore = quietness.noisy;
  const fleet = new ContainerFleet({ count, perNs });
  const fleetTable = await fleet.create();
  console.error(`\n== containers: ${fleetTable.established} established in ${count} namespaces (${perNs} each, one holder per container cgroup), built in ${fleetTable.seconds.toFixed(2)} s`);
  const all = await measure(null, [
    { id: 'ct-all-tan', label: `fastnetstat --all-netns -tan (${count} namespaces)`, cmd: fns('--all-netns', '-tan') },
    { id: 'ct-all-tanp', label: `fastnetstat --all-netns -tanp (${count} namespaces)`, cmd: fns('--all-netns', '-tanp') },
    { id: 'ct-ss-loop', label: `nsenter --net=/proc/PID/ns/net ss -tan, loop over ${count}`, cmd: fleet.ssLoop() },
  ]);
  await fleet.destroy();
  const ns = new Namespace().create();
  const table = await ns.populate(fleetTable.established);
  console.error(`== the same ${table.established} sockets in one namespace (${table.holders} holders)`);
  const one = await measure(ns, [
    { id: 'ct-one-tan', label: 'fastnetstat -tan (one namespace)', cmd: fns('-tan') },
    { id: 'ct-one-tanp', label: 'fastnetstat -tanp (one namespace)', cmd: fns('-tanp') },
  ]);
  await ns.destroy();
  let merged = result;
  if (containersOnly && existsSync(`${out}.json`)) {
    merged = JSON.parse(readFileSync(`${out}.json`, 'utf8'));
  }
  merged.containers = {
    date: new Date().toISOString(),
    machine: result.machine,
    rounds,
    size: fleetTable.established,
    namespaces: count,
    perNamespace: perNs,
    shapes: fleetTable.shapes,
    singleNamespaceHolders: table.holders,
    noisySamples: quietness.noisy - noisyBefore,
    tools: { ...all, ...one },
  };
  console.error(markdownContainers(merged.containers));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(`${out}.json`, JSON.stringify(merged, null, 2) + '\n');
  writeFileSync(`${out}.md`, markdown(merged));
  writeFileSync(`${out}.svg`, svg(merged));
}

// The Prometheus exporter's own figures (a scrape of a running server against -tanp on the
// largest table, and the server's memory over 1,000 scrapes): bench/prometheus.mjs.
if (sizes.length && (!only || only.test('prometheus'))) {
  const largest = String(Math.max(...sizes));
  const r = spawnSync(node, [join(BENCH_DIR, 'prometheus.mjs'), '--size', largest, '--rounds', String(rounds), '--out', `${out}-prometheus`], {
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exitCode = 1;
}

console.error(`\nwrote ${relative(process.cwd(), out)}.{json,md,svg}`);
