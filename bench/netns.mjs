#!/usr/bin/env node
// Runs a command inside a fresh namespace holding a real socket table, then
// removes it all (also on Ctrl-C). Needs root.
//
//   node bench/netns.mjs [--size 48000] [--udp 0] [--unix 0] [-- CMD ARGS...]
//
// Without CMD it opens $SHELL inside the namespace. Examples:
//   node bench/netns.mjs --size 100000 -- ss -s
//   node bench/netns.mjs --size 48000 -- strace -c -f node packages/cli/bin/fastnetstat.cjs -tanp
import { spawn } from 'node:child_process';
import { Namespace } from './lib/netns.mjs';

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const opts = dash < 0 ? argv : argv.slice(0, dash);
const cmd = dash < 0 ? [process.env.SHELL || '/bin/bash'] : argv.slice(dash + 1);
const get = (name, def) => {
  const i = opts.indexOf(`--${name}`);
  return i < 0 ? def : Number(opts[i + 1]);
};
if (opts.includes('-h') || opts.includes('--help') || cmd.length === 0) {
  process.stdout.write('usage: node bench/netns.mjs [--size N] [--udp N] [--unix N] [-- CMD ARGS...]\n');
  process.exit(cmd.length === 0 ? 2 : 0);
}

const ns = new Namespace().create();
const table = await ns.populate(get('size', 48000), { udp: get('udp', 0), unix: get('unix', 0) });
process.stderr.write(
  `${ns.name}: ${table.established} established TCP sockets (${table.established / 2} pairs), ${table.listeners} listeners ` +
  `(ports ${table.ports.join(',')}), ${table.udp} udp, ${table.unix} unix, in ${table.holders} holders ` +
  `(pids ${table.pids.join(' ')}), built in ${table.seconds.toFixed(2)} s\n`,
);
// Ctrl-C goes to the command (same terminal); we clean up when it exits.
for (const sig of ['SIGINT', 'SIGQUIT']) {
  process.removeAllListeners(sig);
  process.on(sig, () => {});
}
const child = spawn('ip', ['netns', 'exec', ns.name, ...cmd], { stdio: 'inherit' });
const code = await new Promise((r) => child.on('exit', (c) => r(c ?? 128)));
await ns.destroy();
process.exit(code);
