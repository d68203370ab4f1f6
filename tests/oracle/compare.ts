/**
 * Comparison of two runs (the real netstat and the CLI under test) and a readable diff.
 *
 * Exact, byte for byte: stdout, stderr, exit status (code or signal). Two narrow allowances,
 * each switched on by the case, never implicit:
 * - `timers` (cases with -o): the seconds inside `on (`, `on<N> (`, `keepalive (`, `timewait (`
 *   and `probe (` count down between the two runs (TIME_WAIT, SYN_SENT retransmission,
 *   keepalive and zero-window probe timers), so they may differ by up to 1.00; everything else
 *   on the line, including the retransmit and probe counters, must be equal (zoo.quietTimers
 *   makes sure no timer fires between the two runs).
 * - `continuous` (-c): only the first N complete iterations of stdout are compared (the run is
 *   stopped with SIGINT after iteration N+1 begins, so what follows is cut at a random place);
 *   stderr, written as the iterations go (the -p notice after each one), is compared over its
 *   first N repetitions.
 * - `unixBlankPaths` (on unless ORACLE_STRICT=1): netstat reads /proc/net/unix with `%s`, so it
 *   cuts a path at its first blank; docs/compat.md lets the CLI print the whole path. A `unix`
 *   row matches when the CLI's row is netstat's row followed by a blank and the rest of the path.
 *
 * And one difference by design, for `-h`/`--help` and `-V`/`--version` alone (fastnetstatTexts):
 * -h appends fastnetstat's extensions section to netstat's usage on stdout, -V puts fastnetstat's
 * name, version and what it is compatible with before netstat's version text.
 */
import { createRequire } from 'node:module';
import { extensionsHelp } from '../../packages/cli/src/options.js';
import { VERSION_HEADING } from '../../packages/cli/src/usage.js';
import type { RunResult } from './zoo.js';

/** What the CLI prints where it differs from netstat on purpose: netstat's run, adjusted. */
export function fastnetstatTexts(args: readonly string[], netstat: RunResult): RunResult {
  const only = args.length === 1 ? args[0] : undefined;
  if (only === '-h' || only === '--help') return { ...netstat, stdout: netstat.stdout + extensionsHelp() };
  if (only === '-V' || only === '--version') {
    const { version } = createRequire(import.meta.url)('../../packages/cli/package.json') as { version: string };
    return { ...netstat, stdout: VERSION_HEADING(version) + netstat.stdout };
  }
  return netstat;
}

const TIMER_RE = /\b(on\d*|keepalive|timewait|probe) \((\d+\.\d\d)\//g;

export interface CompareOptions {
  timers?: boolean;
  /** accept a whole unix path where netstat cut it at its first blank (see above) */
  unixBlankPaths?: boolean;
  /** compare only the first N iterations of stdout (split where its first line repeats) */
  iterations?: number;
}

/** Null when equal, else a report with a diff. */
export function compareRuns(
  expected: RunResult,
  actual: RunResult,
  opts: CompareOptions = {},
): string | null {
  const problems: string[] = [];
  let expOut = expected.stdout;
  let actOut = actual.stdout;
  let expErr = expected.stderr;
  let actErr = actual.stderr;
  if (opts.iterations) {
    const e = iterations(expOut);
    const a = iterations(actOut);
    if (e.length <= opts.iterations) {
      problems.push(`netstat printed only ${e.length} iteration(s) (need ${opts.iterations} complete)`);
    }
    if (a.length <= opts.iterations) {
      problems.push(`the CLI printed only ${a.length} iteration(s) (need ${opts.iterations} complete)`);
    }
    expOut = e.slice(0, opts.iterations).join('');
    actOut = a.slice(0, opts.iterations).join('');
    expErr = repetitions(expErr, opts.iterations);
    actErr = repetitions(actErr, opts.iterations);
  }
  const statusOf = (r: RunResult) => (r.signal ? `signal ${r.signal}` : `exit ${r.code}`);
  if (statusOf(expected) !== statusOf(actual)) {
    problems.push(`status: netstat ${statusOf(expected)}, CLI ${statusOf(actual)}`);
  }
  const match = (a: string, b: string) => linesMatch(a, b, !!opts.timers, !!opts.unixBlankPaths);
  const outDiff = diffText(expOut, actOut, match);
  if (outDiff) problems.push(`stdout differs (- netstat, + CLI; $ ends a line):\n${outDiff}`);
  const errDiff = diffText(expErr, actErr);
  if (errDiff) problems.push(`stderr differs (- netstat, + CLI):\n${errDiff}`);
  return problems.length ? problems.join('\n') : null;
}

/** Split -c output into iterations: each starts where the first line of the output repeats. */
export function iterations(out: string): string[] {
  const lines = out.split(/(?<=\n)/);
  if (lines.length === 0 || lines[0] === '') return [];
  const first = lines[0];
  const its: string[] = [];
  for (const l of lines) {
    if (l === first || its.length === 0) its.push(l);
    else its[its.length - 1] += l;
  }
  return its;
}

/**
 * The first `n` repetitions of a stderr that repeats a block of lines (the -p notice of -c),
 * or all of it when it does not repeat.
 */
export function repetitions(err: string, n: number): string {
  const lines = err.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) return err;
  let p = 1;
  while (p < lines.length && !lines.every((l, i) => l === lines[i % p])) p++;
  const cut = lines.slice(0, Math.min(lines.length, n * p));
  return cut.join('\n') + '\n';
}

/**
 * Lines equal; or (timers) equal once the timer seconds are masked and those within 1.00; or
 * (unixBlankPaths) a unix row whose path netstat cut at a blank.
 */
export function linesMatch(a: string, b: string, timers = false, unixBlankPaths = false): boolean {
  if (a === b) return true;
  if (
    unixBlankPaths &&
    a.startsWith('unix ') &&
    b.length > a.length + 1 &&
    b.startsWith(a) &&
    b[a.length] === ' ' &&
    !a.endsWith(' ')
  ) {
    return true;
  }
  if (!timers) return false;
  const sa: number[] = [];
  const sb: number[] = [];
  const mask = (text: string, seconds: number[]) =>
    text.replace(TIMER_RE, (_m, kind: string, s: string) => {
      seconds.push(Number(s));
      return `${kind} (#/`;
    });
  const ma = mask(a, sa);
  const mb = mask(b, sb);
  if (ma !== mb || sa.length !== sb.length || sa.length === 0) return false;
  return sa.every((x, i) => Math.abs(x - sb[i]) <= 1.0 + 1e-9);
}

/** A unified-style diff of two texts (LCS over lines), null when they match. */
export function diffText(
  a: string,
  b: string,
  match: (x: string, y: string) => boolean = (x, y) => x === y,
): string | null {
  if (a === b) return null;
  const A = a.split('\n');
  const B = b.split('\n');
  const n = A.length;
  const m = B.length;
  // LCS table from the end; outputs here are at most a few hundred lines.
  const L: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      L[i][j] = match(A[i], B[j]) ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
    }
  }
  const ops: Array<[' ' | '-' | '+', string]> = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && match(A[i], B[j])) {
      ops.push([' ', A[i]]);
      i++;
      j++;
    } else if (i < n && (j === m || L[i + 1][j] >= L[i][j + 1])) {
      ops.push(['-', A[i++]]);
    } else {
      ops.push(['+', B[j++]]);
    }
  }
  if (ops.every(([k]) => k === ' ')) return null;
  // Keep 2 lines of context around changes.
  const keep = new Uint8Array(ops.length);
  ops.forEach(([k], idx) => {
    if (k !== ' ') for (let d = -2; d <= 2; d++) if (ops[idx + d]) keep[idx + d] = 1;
  });
  const out: string[] = [];
  let skipped = false;
  ops.forEach(([k, line], idx) => {
    if (!keep[idx]) {
      skipped = true;
      return;
    }
    if (skipped) out.push('@@');
    skipped = false;
    // Escapes show control characters; `$` marks the end of the line (trailing blanks matter).
    out.push(`${k}${JSON.stringify(line).slice(1, -1)}$`);
  });
  return out.join('\n');
}
