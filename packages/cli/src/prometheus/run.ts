/**
 * `--prometheus`: the exporter (docs/prometheus.md). Without --listen, one
 * scrape printed on stdout (for node_exporter's textfile collector or cron);
 * with it, an HTTP server. Loaded by main only in this mode, so prom-client
 * and the server cost a plain listing nothing.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { streamSockets, streamSocketsSync } from '@fastnetstat/core';
import type { NetstatFlags } from '../options.js';
import { stdout, warn } from '../output.js';
import { prometheusOptions } from '../selection.js';
import { packageVersion } from '../usage.js';
import { Collector, type Snapshot } from './collect.js';
import { exposition } from './metrics.js';
import { serve } from './serve.js';

/** Said once when not every owner could be read, as netstat -p does. */
function ownersNote(snapshot: Snapshot, say: (line: string) => void): void {
  if (snapshot.ownerAccess === 'partial' || snapshot.ownerAccess === 'denied') {
    say("fastnetstat: not every socket's owner could be read (run as root, or with CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH): their program labels are empty and their processes missing");
  }
}

/**
 * A full garbage collection, run by the server after each collection: a scrape of a big table
 * leaves megabytes of short-lived buffers and strings, and V8 would let its heap grow with them
 * for a long time before collecting. Collecting at once costs a few milliseconds (the live heap
 * is small) and keeps the server's memory flat over months of scrapes (bench/prometheus.mjs).
 * `gc` is V8's own, reached without --expose-gc on the command line.
 */
let gc: (() => void) | undefined;
function fullGarbageCollection(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

export async function runPrometheus(flags: NetstatFlags): Promise<number> {
  const options = prometheusOptions(flags);
  const collector = new Collector();
  if (!flags.listen) {
    const metrics = exposition(packageVersion(), { processMetrics: false });
    const snapshot = await collector.collect(streamSocketsSync(options, { reuse: true }), options);
    ownersNote(snapshot, (line) => warn(`${line}\n`));
    // stdout takes byte strings (one char per byte): the text as UTF-8
    stdout.write(Buffer.from(await metrics.render(snapshot), 'utf8').toString('latin1'));
    return 0;
  }
  const metrics = exposition(packageVersion(), { processMetrics: true });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  let noted = false;
  return serve({
    address: flags.listen,
    logRequests: flags.logRequests,
    contentType: metrics.contentType,
    log,
    async scrape() {
      const snapshot = await collector.collect(streamSockets(options), options);
      fullGarbageCollection();
      if (!noted) {
        noted = true;
        ownersNote(snapshot, log);
      }
      return metrics.render(snapshot);
    },
  });
}
