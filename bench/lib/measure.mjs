// What the bench scripts measure with: whole-process runs through c/timeit.c inside a
// namespace, waiting for a quiet machine before each sample, and medians.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const ARGS = process.argv.slice(2);
/** The value after `--name` on the command line, or `def` when it is not there. */
export const opt = (name, def) => {
  const i = ARGS.indexOf(`--${name}`);
  return i < 0 ? def : ARGS[i + 1];
};

/** Exits with a message unless root: the benches create network namespaces. */
export function requireRoot(script) {
  if (process.getuid?.() !== 0) {
    console.error(`${script} needs root: it creates a network namespace (ip netns add).`);
    process.exit(1);
  }
}

/** The built CLI's bin file (the command users run). */
export const CLI = join(dirname(createRequire(import.meta.url).resolve('fastnetstat/package.json')), 'bin', 'fastnetstat.cjs');

// The tools run in a clean environment: NODE_EXTRA_CA_CERTS (set in some
// sandboxes and CI images) makes every Node start parse a CA bundle, 50-70 ms
// here, and NODE_OPTIONS could change anything.
export const CHILD_ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^NODE_(EXTRA_CA_CERTS|OPTIONS)$/.test(k)));

function cpuTimes() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { idle: f[3] + f[4], total: f.reduce((a, b) => a + b, 0) };
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Other work on the machine (builds, test suites) skews single samples: wait(), up to
 * maxWaitSeconds, until the CPUs were at most `threshold` busy (fraction of all CPUs) over
 * 100 ms; `noisy` counts the waits that ran out.
 */
export class Quiet {
  constructor(threshold, maxWaitSeconds) {
    this.threshold = threshold;
    this.maxWaitSeconds = maxWaitSeconds;
    this.noisy = 0;
  }

  /** Returns the busy fraction last seen. */
  async wait() {
    const deadline = Date.now() + this.maxWaitSeconds * 1000;
    for (;;) {
      const a = cpuTimes();
      await sleep(100);
      const b = cpuTimes();
      const busy = 1 - (b.idle - a.idle) / Math.max(1, b.total - a.total);
      if (busy <= this.threshold) return busy;
      if (Date.now() > deadline) {
        this.noisy++;
        return busy;
      }
    }
  }
}

/**
 * Runs `tool.cmd` through the timeit program inside namespace `ns` (null: the caller's own),
 * stdout to `stdoutFile`:
 * `{ ms, rssKiB, status }`, and the end of its stderr (in `scratch`) when it failed.
 */
export function timeit(program, ns, scratch, tool, stdoutFile) {
  const errFile = join(scratch, 'stderr');
  return new Promise((res, rej) => {
    const child = spawn(program, [...(ns ? ['-n', ns.path] : []), stdoutFile, errFile, ...tool.cmd], { stdio: ['ignore', 'pipe', 'inherit'], env: CHILD_ENV });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.on('error', rej);
    child.on('exit', () => {
      const [wallNs, rssKiB, status] = text.trim().split(' ').map(Number);
      if (!Number.isFinite(wallNs)) return rej(new Error(`timeit failed for ${tool.label}`));
      const r = { ms: wallNs / 1e6, rssKiB, status };
      if (status !== 0) r.stderr = readFileSync(errFile, 'utf8').trim().split('\n').slice(-3).join(' | ');
      res(r);
    });
  });
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? null : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
export const stats = (xs) => (xs.length ? { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length } : null);
