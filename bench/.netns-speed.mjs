// scratch: 96 namespaces x 500 established vs 48000 in one (not committed)
import { spawnSync } from 'node:child_process';
import { Namespace } from './lib/netns.mjs';
const CLI = new URL('../packages/cli/bin/fastnetstat.cjs', import.meta.url).pathname;
const env = { ...process.env, NODE_EXTRA_CA_CERTS: '' };
delete env.NODE_EXTRA_CA_CERTS;
function time(args, reps = 7) {
  const ms = [];
  for (let i = 0; i < reps; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(args[0], args.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30 });
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.status} ${r.stderr}`);
  }
  ms.sort((a, b) => a - b);
  return ms[Math.floor(ms.length / 2)];
}
const n = Number(process.env.NS ?? 96), per = Number(process.env.PER ?? 500);
const which = process.argv[2];
if (which === 'many') {
  const spaces = [];
  for (let i = 0; i < n; i++) spaces.push(new Namespace(`fns-sp-${process.pid}-${i}`).create());
  for (const ns of spaces) await ns.populate(per);
  for (const a of ['-tan', '-tanp']) console.log(`--all-netns ${a}: ${time(['node', CLI, '--all-netns', a]).toFixed(1)} ms`);
  const paths = spaces.map((s) => s.path);
  console.log(`nsenter loop ss -tan: ${time(['sh', '-c', `for p in ${paths.join(' ')}; do nsenter --net=$p ss -tan; done`], 3).toFixed(1)} ms`);
  for (const ns of spaces) await ns.destroy();
} else {
  const ns = new Namespace(`fns-sp1-${process.pid}`).create();
  await ns.populate(n * per);
  for (const a of ['-tan', '-tanp']) console.log(`one ns ${a}: ${time(['ip', 'netns', 'exec', ns.name, 'node', CLI, a]).toFixed(1)} ms`);
  await ns.destroy();
}
if (which === 'hold') {
  const spaces = [];
  for (let i = 0; i < n; i++) spaces.push(new Namespace(`fns-sp-h${i}`).create());
  for (const ns of spaces) await ns.populate(per);
  console.log('held'); 
  await new Promise((r) => process.stdin.on('end', r).resume());
  for (const ns of spaces) await ns.destroy();
}
