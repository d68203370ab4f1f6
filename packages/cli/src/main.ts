/**
 * fastnetstat: net-tools netstat 2.10, compatible to the byte, on a native core.
 */
import { FastnetstatError, kernelHasFamily } from '@fastnetstat/core';
import { parseArguments, type NetstatFlags } from './options.js';
import { ClosedPipe, stderr, stdout, warn } from './output.js';
import { runCloses } from './closes-mode.js';
import { runInterfaces } from './interfaces-mode.js';
import { runRoutes } from './routes-mode.js';
import { runSockets } from './sockets-mode.js';
import { modeOf } from './selection.js';
import { filterMisuse, isFilterError, listingFilter } from './filter-words.js';
import { runStatistics } from './statistics-mode.js';
import { AF_LIST, USAGE } from './usage.js';

/** What --netns and --all-netns cannot do: one line, or undefined when the run is fine. */
function namespaceMisuse(flags: NetstatFlags): string | undefined {
  if (flags.netns === undefined && !flags.allNetns) return undefined;
  if (flags.netns !== undefined && flags.allNetns) return '--netns and --all-netns name different namespaces: give one';
  const option = `--${flags.allNetns ? 'all-netns' : 'netns'}`;
  const mode = modeOf(flags);
  if ((mode !== 'sockets' && mode !== 'usage') || flags.groups) return `${option} lists sockets only (not with -i, -r, -M, -s or -g)`;
  if (flags.procRoot !== undefined) return `${option} reads the live system, not a copy of /proc (--proc-root)`;
  return undefined;
}

async function run(flags: NetstatFlags): Promise<number> {
  const filterMistake = filterMisuse(flags);
  if (filterMistake) {
    warn(`fastnetstat: ${filterMistake}\n`);
    return 3; // netstat's usage error
  }
  const misuse = namespaceMisuse(flags);
  if (misuse) {
    warn(`fastnetstat: ${misuse}\n`);
    return 1;
  }
  try {
    flags.listingFilter = listingFilter(flags);
  } catch (error) {
    if (!isFilterError(error, flags)) throw error;
    warn(`fastnetstat: ${error.message.split('\n')[0]}\n`);
    return 3; // netstat's usage error
  }
  if (flags.kill || flags.events) return runCloses(flags);
  switch (modeOf(flags)) {
    case 'usage':
      warn(USAGE + AF_LIST);
      return 3;
    case 'masquerade':
      if (!kernelHasFamily('masquerade', { procRoot: flags.procRoot })) {
        warn("netstat: no support for `ip_masquerade' on this system.\n");
        return 1;
      }
      warn('fastnetstat: the masquerade table is not supported yet.\n');
      return 1;
    case 'statistics':
      return runStatistics(flags);
    case 'route':
      return runRoutes(flags);
    case 'interfaces':
      return runInterfaces(flags);
    case 'sockets':
      return runSockets(flags);
    case 'prometheus': {
      // loaded only here: prom-client and the HTTP server cost a plain listing nothing
      const { runPrometheus } = await import('./prometheus/run.js');
      return runPrometheus(flags);
    }
  }
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseArguments(argv);
  if (parsed.kind === 'exit') {
    if (parsed.stdout) stdout.write(parsed.stdout);
    stdout.flush();
    if (parsed.stderr) warn(parsed.stderr);
    if (parsed.trailer) stdout.write(parsed.trailer);
    return parsed.status;
  }
  if (parsed.stderr) warn(parsed.stderr);
  return run(parsed.flags);
}

// Exit explicitly: a reverse lookup that timed out can keep Node alive until
// the system resolver gives up, long after the output is complete.
main(process.argv.slice(2)).then(
  (status) => {
    try {
      stdout.flush();
    } catch (error) {
      if (!(error instanceof ClosedPipe)) throw error;
    }
    process.exit(status & 0xff);
  },
  (error: unknown) => {
    if (error instanceof ClosedPipe) process.exit(0);
    try {
      stdout.flush();
    } catch {
      // the message below matters more than output that cannot be written
    }
    const message = error instanceof FastnetstatError ? error.message : error instanceof Error ? error.message : String(error);
    stderr.write(`fastnetstat: ${message.split('\n')[0]}\n`);
    try {
      stderr.flush();
    } catch {
      // stderr closed too: nothing left to tell
    }
    process.exit(1);
  },
);
