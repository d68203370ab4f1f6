#!/usr/bin/env node
// The Prometheus exporter's cost (issue 12), as root:
//
//   node bench/prometheus.mjs [--size 100000] [--rounds 9] [--rss-size 10000] [--scrapes 1000]
//                             [--out bench/results/prometheus]
//
// 1. Side by side on the --size table (interleaved rounds, each waiting for a quiet machine):
//    `fastnetstat -tanp >/dev/null` and `fastnetstat --prometheus -t` as whole processes
//    (c/timeit.c), and one scrape of a running `fastnetstat --prometheus -t --listen` (GET
//    /metrics over a keep-alive connection, timed by tools/prom-scrape.mjs). Target: a scrape
//    costs at most 1.2x the -tanp listing.
// 2. On the --rss-size table: a running exporter (default selection, owners) scraped --scrapes
//    times in a row; its VmRSS every 50 scrapes and its VmHWM (peak) at the end. Target: the
//    peak stays within 10 MiB of the resident size after the first 50 scrapes, no growth.
// Writes OUT.json and OUT.md.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { CHILD_ENV, CLI, opt, Quiet, requireRoot, stats, timeit } from './lib/measure.mjs';
import { BENCH_DIR, cProgram, FIRST_PORT, machine, Namespace } from './lib/netns.mjs';

const size = Number(opt('size', 100000));
const rounds = Number(opt('rounds', 9));
const rssSize = Number(opt('rss-size', 10000));
const scrapes = Number(opt('scrapes', 1000));
const out = resolve(opt('out', join(BENCH_DIR, 'results', 'prometheus')));
// `--parts none` only writes the report again from OUT.json
const parts = opt('parts', 'cost,memory').split(',');
const quietness = new Quiet(Number(opt('quiet', 0.2)), Number(opt('quiet-wait', 20)));
// in the namespace's reserved range: 100,000 connections use every other port as ephemeral
const PORT = FIRST_PORT + 99;
const TARGET_RATIO = 1.2;
const TARGET_RSS_MIB = 10;

requireRoot('bench/prometheus.mjs');

const cli = CLI;
const node = process.execPath;
const scraper = join(BENCH_DIR, 'tools', 'prom-scrape.mjs');
const timeitProgram = cProgram('timeit');
cProgram('holder');
const scratch = mkdtempSync(join(tmpdir(), 'fns-bench-prom-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

/**
 * Starts the exporter in `ns` as an installed `fastnetstat` runs (the launcher's sh line, which
 * gives the server two malloc arenas) and waits until it listens; its pid is the node process's
 * (ip netns exec and the sh line both exec in place).
 */
function startExporter(ns, selection) {
  const child = spawn('ip', ['netns', 'exec', ns.name, cli, '--prometheus', ...selection, '--listen', `127.0.0.1:${PORT}`], {
    stdio: ['pipe', 'ignore', 'pipe'],
    env: CHILD_ENV,
  });
  ns.holders.push(child); // stopped with the namespace's processes
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
      if (err.includes('serving metrics on')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`exporter exited (${code}): ${err}`)));
  });
}

/** Runs the scraper in `ns`: COUNT scrapes of the exporter `pid`. */
function scrape(ns, count, pid) {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', ns.name, node, scraper, String(PORT), String(count), String(pid)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: CHILD_ENV,
    });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(text)) : reject(new Error(`scraper exited ${code}`))));
  });
}

const result = { date: new Date().toISOString(), machine: machine(), cli: relative(process.cwd(), cli), rounds, targets: { ratio: TARGET_RATIO, rssMiB: TARGET_RSS_MIB } };

// 1. one scrape against -tanp, side by side
if (parts.includes('cost')) {
  const ns = new Namespace(`fns-bench-prom-${process.pid}`).create();
  const table = await ns.populate(size);
  console.error(`== ${size}: ${table.established} established in ${table.holders} holders`);
  const exporter = await startExporter(ns, ['-t']);
  const tools = [
    { id: 'tanp', label: 'fastnetstat -tanp >/dev/null', cmd: [node, cli, '-tanp'] },
    { id: 'oneshot', label: 'fastnetstat --prometheus -t >/dev/null', cmd: [node, cli, '--prometheus', '-t'] },
  ];
  const per = { tanp: [], oneshot: [], scrape: [], busy: [] };
  const rss = { tanp: [], oneshot: [] };
  await scrape(ns, 3, exporter.pid); // warm-up: the server's first collections
  for (const tool of tools) await timeit(timeitProgram, ns, scratch, tool, '/dev/null'); // warm-up
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? ['scrape', 'tanp', 'oneshot'] : ['tanp', 'oneshot', 'scrape'];
    for (const id of order) {
      per.busy.push(+(await quietness.wait()).toFixed(2));
      if (id === 'scrape') {
        per.scrape.push((await scrape(ns, 1, exporter.pid)).ms[0]);
        continue;
      }
      const r = await timeit(timeitProgram, ns, scratch, tools.find((t) => t.id === id), '/dev/null');
      if (r.status !== 0) throw new Error(`${id} failed: ${r.stderr}`);
      per[id].push(r.ms);
      rss[id].push(r.rssKiB);
    }
    console.error(`  round ${round + 1}/${rounds}: -tanp ${per.tanp.at(-1).toFixed(1)} ms, --prometheus ${per.oneshot.at(-1).toFixed(1)} ms, scrape ${per.scrape.at(-1).toFixed(1)} ms`);
  }
  exporter.kill('SIGTERM');
  await ns.destroy();
  const m = (xs) => stats(xs).median;
  result.cost = {
    loadavg: result.machine.loadavg,
    size,
    table,
    tanpMs: stats(per.tanp),
    oneshotMs: stats(per.oneshot),
    scrapeMs: stats(per.scrape),
    tanpRssKiB: stats(rss.tanp),
    oneshotRssKiB: stats(rss.oneshot),
    scrapeRatio: m(per.scrape) / m(per.tanp),
    oneshotRatio: m(per.oneshot) / m(per.tanp),
    busyBefore: per.busy,
    noisySamples: quietness.noisy,
  };
}

// 2. the serving process's memory over many scrapes
if (parts.includes('memory')) {
  const ns = new Namespace(`fns-bench-prom-${process.pid}`).create();
  const table = await ns.populate(rssSize);
  console.error(`== ${rssSize}: ${scrapes} scrapes`);
  const exporter = await startExporter(ns, []);
  const run = await scrape(ns, scrapes, exporter.pid);
  exporter.kill('SIGTERM');
  await ns.destroy();
  const base = run.memory[0];
  const last = run.memory.at(-1);
  const peakKiB = last.hwmKiB;
  const after = run.memory.filter((s) => s.scrapes >= scrapes / 2).map((s) => s.rssKiB);
  result.memory = {
    loadavg: result.machine.loadavg,
    size: rssSize,
    table: { established: table.established, holders: table.holders },
    scrapes,
    bodyBytes: run.bytes,
    scrapeMs: stats(run.ms),
    baseRssKiB: base.rssKiB,
    baseAt: base.scrapes,
    finalRssKiB: last.rssKiB,
    peakKiB,
    peakOverBaseMiB: (peakKiB - base.rssKiB) / 1024,
    secondHalfSpreadMiB: (Math.max(...after) - Math.min(...after)) / 1024,
    samples: run.memory,
  };
}

result.loadavgAtEnd = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
// a part not run this time (--parts) keeps its figures from the last run, marked with that run's date
const previous = existsSync(`${out}.json`) ? JSON.parse(readFileSync(`${out}.json`, 'utf8')) : {};
for (const part of ['cost', 'memory']) {
  if (!result[part] && previous[part]) result[part] = { ...previous[part], measured: previous[part].measured ?? previous.date };
  else if (result[part]) result[part].measured = result.date;
}
const c = result.cost;
const mem = result.memory;
const verdict = (ok) => (ok ? 'met' : '**missed**');
const md = [`# fastnetstat --prometheus: cost (${result.date})`, ''];
if (c) {
  md.push(
    `Measured ${c.measured}. ${result.machine.nproc} CPUs (${result.machine.cpu}), Linux ${result.machine.kernel}, Node ${result.machine.node}; load average ${c.loadavg.split(' ').slice(0, 3).join(' ')} before (the machine is shared with other work). ${c.tanpMs.n} interleaved rounds; ${c.noisySamples} samples taken after waiting ${quietness.maxWaitSeconds} s in vain for the machine to fall below ${quietness.threshold * 100}% busy (busy fractions before each sample: ${c.busyBefore.join(' ')}).`,
    '',
    `## One scrape on the ${c.size.toLocaleString('en')}-socket table (owners read), against \`fastnetstat -tanp\``,
    '',
    '| what | median ms | min | max | peak RSS MiB |',
    '|---|---:|---:|---:|---:|',
    `| \`fastnetstat -tanp >/dev/null\` (process) | ${c.tanpMs.median.toFixed(1)} | ${c.tanpMs.min.toFixed(1)} | ${c.tanpMs.max.toFixed(1)} | ${(c.tanpRssKiB.max / 1024).toFixed(1)} |`,
    `| \`fastnetstat --prometheus -t >/dev/null\` (process) | ${c.oneshotMs.median.toFixed(1)} | ${c.oneshotMs.min.toFixed(1)} | ${c.oneshotMs.max.toFixed(1)} | ${(c.oneshotRssKiB.max / 1024).toFixed(1)} |`,
    `| GET /metrics of a running \`--prometheus -t --listen\` | ${c.scrapeMs.median.toFixed(1)} | ${c.scrapeMs.min.toFixed(1)} | ${c.scrapeMs.max.toFixed(1)} | |`,
    '',
    '| ratio | target | measured | |',
    '|---|---:|---:|---|',
    `| scrape / -tanp | ${TARGET_RATIO} | ${c.scrapeRatio.toFixed(2)} | ${verdict(c.scrapeRatio <= TARGET_RATIO)} |`,
    `| --prometheus process / -tanp process | ${TARGET_RATIO} | ${c.oneshotRatio.toFixed(2)} | ${verdict(c.oneshotRatio <= TARGET_RATIO)} |`,
    '',
  );
}
if (mem) {
  md.push(
    `## The serving process over ${mem.scrapes.toLocaleString('en')} scrapes of the ${mem.size.toLocaleString('en')}-socket table`,
    '',
    `Measured ${mem.measured}, load average ${mem.loadavg.split(' ').slice(0, 3).join(' ')} before. Resident size after ${mem.baseAt} scrapes ${(mem.baseRssKiB / 1024).toFixed(1)} MiB, after ${mem.scrapes} ${(mem.finalRssKiB / 1024).toFixed(1)} MiB, peak (VmHWM, since the start) ${(mem.peakKiB / 1024).toFixed(1)} MiB: ` +
      `the peak is ${mem.peakOverBaseMiB.toFixed(1)} MiB above the first reading (target ${TARGET_RSS_MIB} MiB: ${verdict(mem.peakOverBaseMiB <= TARGET_RSS_MIB)}), ` +
      `and over the second half the resident size moved within ${mem.secondHalfSpreadMiB.toFixed(1)} MiB. A scrape (${mem.bodyBytes} bytes) took ${mem.scrapeMs.median.toFixed(1)} ms (median; max ${mem.scrapeMs.max.toFixed(1)}).`,
    '',
    '| scrapes | VmRSS MiB |',
    '|---:|---:|',
    ...mem.samples.filter((_, i) => i % 2 === 0 || i === mem.samples.length - 1).map((s) => `| ${s.scrapes} | ${(s.rssKiB / 1024).toFixed(1)} |`),
    '',
  );
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(`${out}.json`, `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(`${out}.md`, md.join('\n'));
console.error(md.join('\n'));
console.error(`wrote ${relative(process.cwd(), out)}.{json,md}`);
